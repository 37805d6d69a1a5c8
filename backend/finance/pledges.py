"""CDCER pledges (质押): a holder's admins pledge the first tonnes of a holding to a financial
institution for a loan; the units move at once into the registry's pledge custody account
(registry/moves.py), so nothing can list, sell, offer or retire them, and the database says so
(the holding row lock and the holdings' exclusion constraint), not a flag.

The pledgee's admins register the pledge (a 质押登记编号 is given), decline it (with a reason:
units back), release it once the loan is repaid (units back) or enforce it on default (units to
the pledgee; given a counterparty and a price, the pledgee at once offers them to that buyer in
a 大宗交易, market/deals.py, under the market's rules: hours, threshold, band). The pledgor's admins
may withdraw it before registration (units back). Each step is a `PledgeEvent` (who, when, why,
which transfer). The seed's first CDCER pledge loan (兴业银行成都分行, 2023 report, lines
180-210 of the source) is the model of the flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, Role, User
from backend.accounts.principal import Principal
from backend.core.clock import china_date, utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.finance.pledge_models import (
    CLOSED,
    REFERENCE_PREFIX,
    Pledge,
    PledgeEvent,
    PledgeState,
)
from backend.market import access, deals
from backend.market.models import Deal, Mode, Side
from backend.market.rules import Rules
from backend.registry import moves, participants
from backend.registry.models import (
    Holding,
    Participant,
    ParticipantRole,
    ParticipantRoleRow,
    Transfer,
    TransferKind,
)


@dataclass(frozen=True)
class NewPledge:
    pledgee_id: int
    tonnes: int
    loan_amount_fen: int
    annual_rate_bps: int
    term_months: int
    disclose_amount: bool
    loan_reference: str | None = None


@dataclass(frozen=True)
class Sale:
    """On enforcement: sell the units to `counterparty_id` by a block trade at a price."""

    counterparty_id: int
    price_fen_per_t: int
    rules: Rules
    now: datetime


@dataclass(frozen=True)
class Step:
    """Who takes a pledge to a state, and from which."""

    by_pledgee: bool
    sources: tuple[PledgeState, ...]
    reason_required: bool = False


STEPS: dict[PledgeState, Step] = {
    PledgeState.registered: Step(True, (PledgeState.requested,)),
    PledgeState.declined: Step(True, (PledgeState.requested,), reason_required=True),
    PledgeState.released: Step(True, (PledgeState.registered,)),
    PledgeState.enforced: Step(True, (PledgeState.registered,), reason_required=True),
    PledgeState.withdrawn: Step(False, (PledgeState.requested,)),
}
PUBLIC = (PledgeState.registered, PledgeState.released, PledgeState.enforced)


def is_institution(s: Session, participant_id: int) -> bool:
    return (
        s.get(ParticipantRoleRow, (participant_id, ParticipantRole.financial_institution))
        is not None
    )


def _pledgee(s: Session, pledgor_id: int, pledgee_id: int) -> Participant:
    if pledgee_id == pledgor_id:
        raise ValidationFailed("pledgee_id", "finance.pledge_to_self")
    p = s.get(Participant, pledgee_id)
    if p is None or p.uscc in moves.SENTINELS:
        raise ValidationFailed("pledgee_id", "finance.no_such_pledgee")
    if not is_institution(s, p.id):
        raise ValidationFailed("pledgee_id", "finance.pledgee_not_institution")
    return p


def create(s: Session, who: Principal, holding_id: int, new: NewPledge) -> Pledge:
    """The holder's admins pledge a holding's first `tonnes` (frozen at once) to an institution:
    404 for a holding not theirs, 403 for its members and operators, 422 for a pledgee that is
    no institution (or the holder itself), 409 if the holding has fewer tonnes."""
    found = s.get(Holding, holding_id)
    if found is None:
        who.require_user()
        raise NotFound("registry.no_such_holding")
    pledgor, user = access.acting(s, who, found.participant_id)
    _pledgee(s, pledgor.id, new.pledgee_id)
    holding = moves.held_by(s, holding_id, pledgor.id, new.tonnes)
    frozen = moves.take_first(
        s, TransferKind.pledge, holding, new.tonnes, moves.custody_id(s), user.id
    )
    pledge = Pledge(
        state=PledgeState.requested,
        pledgor_id=pledgor.id,
        pledgee_id=new.pledgee_id,
        issuance_id=frozen.issuance_id,
        first_unit=frozen.first_unit,
        last_unit=frozen.last_unit,
        loan_amount_fen=new.loan_amount_fen,
        annual_rate_bps=new.annual_rate_bps,
        term_months=new.term_months,
        loan_reference=new.loan_reference or None,
        disclose_amount=new.disclose_amount,
        pledge_transfer_id=frozen.id,
        created_by_id=user.id,
        created_at=frozen.at,
    )
    s.add(pledge)
    s.flush()
    _record(s, pledge, None, user, None, frozen)
    return pledge


def _record(
    s: Session,
    pledge: Pledge,
    before: PledgeState | None,
    user: User,
    reason: str | None,
    transfer: Transfer | None,
) -> None:
    s.add(
        PledgeEvent(
            pledge_id=pledge.id,
            from_state=before,
            to_state=pledge.state,
            by_id=user.id,
            reason=reason,
            transfer_id=transfer.id if transfer else None,
        )
    )
    s.flush()


def _sees(who: Principal, pledge: Pledge) -> bool:
    orgs = (pledge.pledgor.organisation_id, pledge.pledgee.organisation_id)
    return who.operator or any(o in who.roles for o in orgs)


def get(s: Session, who: Principal, pledge_id: int, *, lock: bool = False) -> Pledge:
    """A pledge its parties' people and operators read (others: 404)."""
    who.require_user()
    found = s.get(Pledge, pledge_id, with_for_update=lock, populate_existing=lock)
    if found is None or not _sees(who, found):
        raise NotFound("finance.no_such_pledge")
    return found


def of_participant(s: Session, who: Principal, participant_id: int) -> list[Pledge]:
    """A participant's pledges, as pledgor and as pledgee, newest first (its people, operators)."""
    p = participants.get(s, who, participant_id)
    return list(
        s.scalars(
            select(Pledge)
            .where(or_(Pledge.pledgor_id == p.id, Pledge.pledgee_id == p.id))
            .order_by(Pledge.id.desc())
        )
    )


def _actor(who: Principal, pledge: Pledge, step: Step, to: PledgeState) -> User:
    """The acting party's admins only: its members 403, the other party's people and
    operators 403 (they see the pledge; it is not theirs to move)."""
    user = who.require_user()
    party = pledge.pledgee if step.by_pledgee else pledge.pledgor
    held = who.roles.get(party.organisation_id)
    if held is None:
        raise Forbidden("finance.pledge_not_yours", params={"to_state": to.value})
    if Role.admin not in held:
        raise Forbidden("market.admins_trade")
    return user


def transition(
    s: Session,
    who: Principal,
    pledge_id: int,
    to: PledgeState,
    reason: str | None,
    sale: Sale | None = None,
) -> Pledge:
    """Take a pledge to `to` (the pledge row locked: a concurrent step finds it moved, 409)."""
    step = STEPS.get(to)
    if step is None:
        raise ValidationFailed("to", "finance.pledge_bad_state")
    if sale is not None and to != PledgeState.enforced:
        raise ValidationFailed("counterparty_id", "finance.sale_on_enforcement_only")
    pledge = get(s, who, pledge_id, lock=True)
    user = _actor(who, pledge, step, to)
    before = pledge.state
    if before not in step.sources:
        raise Conflict(
            "finance.pledge_illegal_transition",
            params={"from_state": before.value, "to_state": to.value},
        )
    if step.reason_required and not reason:
        raise ValidationFailed("reason", "finance.reason_required")
    transfer = _closing(s, pledge, to, user)
    now = transfer.at if transfer else utcnow()
    pledge.state = to
    pledge.reason = reason or pledge.reason
    if to == PledgeState.registered:
        pledge.registered_at = now
        pledge.reference = f"{REFERENCE_PREFIX}-{china_date(now).year}-{pledge.id:06d}"
    if to in CLOSED:
        pledge.closed_at = now
        pledge.closing_transfer_id = transfer.id if transfer else None
    s.flush()
    _record(s, pledge, before, user, reason, transfer)
    if sale is not None:
        pledge.sale_deal_id = _sell(s, who, pledge, sale).id
        s.flush()
    return pledge


def _sell(s: Session, who: Principal, pledge: Pledge, sale: Sale) -> Deal:
    """The pledgee offers the enforced units (now its own holding) to the buyer in a 大宗交易:
    the units go into the market's escrow until the buyer accepts or declines."""
    holding = s.scalars(
        select(Holding).where(
            Holding.participant_id == pledge.pledgee_id,
            Holding.issuance_id == pledge.issuance_id,
            Holding.first_unit == pledge.first_unit,
        )
    ).one()
    return deals.propose(
        s,
        who,
        sale.rules,
        deals.NewDeal(
            mode=Mode.block,
            side=Side.seller,
            participant_id=pledge.pledgee_id,
            counterparty_id=sale.counterparty_id,
            quantity_t=pledge.tonnes,
            price_fen_per_t=sale.price_fen_per_t,
            holding_id=holding.id,
        ),
        sale.now,
    )


def _closing(s: Session, pledge: Pledge, to: PledgeState, user: User) -> Transfer | None:
    """The move a step makes: the units back to the pledgor, or to the pledgee; none to
    register."""
    if to not in CLOSED:
        return None
    enforced = to == PledgeState.enforced
    return moves.move(
        s,
        TransferKind.enforcement if enforced else TransferKind.unpledge,
        issuance_id=pledge.issuance_id,
        from_participant_id=moves.custody_id(s),
        to_participant_id=pledge.pledgee_id if enforced else pledge.pledgor_id,
        first_unit=pledge.first_unit,
        last_unit=pledge.last_unit,
        by_id=user.id,
    )


def notices(s: Session) -> list[Pledge]:
    """登记公示: every registered pledge (and those since released or enforced), newest first."""
    return list(
        s.scalars(
            select(Pledge)
            .where(Pledge.state.in_(PUBLIC))
            .order_by(Pledge.registered_at.desc(), Pledge.id.desc())
        )
    )


@dataclass(frozen=True)
class Institution:
    participant_id: int
    organisation_id: int
    name: str


def institutions(s: Session) -> list[Institution]:
    """The exchange accounts in the financial-institution role, by name (public: organisations,
    never people)."""
    rows = s.execute(
        select(Participant.id, Organisation.id, Organisation.name)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .join(ParticipantRoleRow, ParticipantRoleRow.participant_id == Participant.id)
        .where(ParticipantRoleRow.role == ParticipantRole.financial_institution)
        .order_by(Organisation.name, Participant.id)
    )
    return [Institution(p, o, n) for p, o, n in rows]
