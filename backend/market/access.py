"""Who may read and who may act for a participant at the market."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.accounts.models import Role, User
from backend.accounts.principal import Principal
from backend.core.errors import Forbidden, NotFound, ValidationFailed
from backend.registry import moves, participants
from backend.registry.models import Participant


def readable(s: Session, who: Principal, participant_id: int) -> Participant:
    """Its organisation's people and operators read (others: 404)."""
    return participants.get(s, who, participant_id)


def acting(s: Session, who: Principal, participant_id: int) -> tuple[Participant, User]:
    """Money and units move for a participant only at its organisation's admins' hands: other
    members 403, operators (who support, not trade) 403, everyone else 404. No one acts for the
    escrow or the pledge custody account (404), whoever joins their organisations."""
    user = who.require_user()
    p = s.get(Participant, participant_id)
    if p is None or p.uscc in moves.SENTINELS:  # the escrow and custody accounts: no one's
        raise NotFound("registry.no_such_participant")
    held = who.roles.get(p.organisation_id)
    if held is None:
        if who.operator:
            raise Forbidden("market.own_accounts_only")
        raise NotFound("registry.no_such_participant")
    if Role.admin not in held:
        raise Forbidden("market.admins_trade")
    return p, user


def crediting(s: Session, who: Principal, participant_id: int) -> tuple[Participant, User]:
    """A bank transfer is credited by the account's admins, or by an operator supporting it
    (crediting what the bank confirms moves no one's money but the depositor's)."""
    if who.operator:
        return readable(s, who, participant_id), who.require_user()
    return acting(s, who, participant_id)


def counterparty(s: Session, participant_id: int) -> Participant:
    """A counterparty named by id: an account other than the escrow and the pledge custody
    account (else 422)."""
    p = s.get(Participant, participant_id)
    if p is None or p.uscc in moves.SENTINELS:
        raise ValidationFailed("counterparty_id", "market.no_such_counterparty")
    return p
