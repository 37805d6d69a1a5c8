"""Units moved between participants, for the market: set aside in the exchange's escrow account
(a listing, a block offer), released back, or delivered to a buyer; and for pledges (质押,
finance/pledges.py): frozen in the registry's pledge custody account, returned to the pledgor,
or delivered to the pledgee on enforcement. Every move is a `Transfer`
(append-only) and leaves every unit in exactly one holding, so the holdings' exclusion
constraint and `flask registry check` cover units in escrow or custody like any others.

The escrow account and the custody account are participants of their own (`ESCROW_USCC`,
`CUSTODY_USCC`, our sentinels: never a valid 统一社会信用代码), made on first use; neither is a
market participant (no one acts for them, and neither may be named as a counterparty). Units
in custody are in no one else's holding, so nothing can list, sell, offer or retire them. A
move takes a named block of units out of the holding that contains it (locked first) and gives
the receiver a holding of exactly that block.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind
from backend.core import uow
from backend.core.errors import Conflict, NotFound
from backend.registry.models import Holding, Participant, Transfer, TransferKind

ESCROW_USCC = "DIANDIAN-ESCROW-01"
ESCROW_NAME = "点点交收托管账户 Diandian settlement escrow"
CUSTODY_USCC = "DIANDIAN-PLEDGE-01"
CUSTODY_NAME = "点点质押登记冻结账户 Diandian Pledge Custody"
SENTINELS = (ESCROW_USCC, CUSTODY_USCC)
MOVES = (
    TransferKind.escrow,
    TransferKind.release,
    TransferKind.trade,
    TransferKind.pledge,
    TransferKind.unpledge,
    TransferKind.enforcement,
)


def escrow_id(s: Session) -> int:
    """The escrow participant's id, made (with its organisation) on first use."""
    return _sentinel(s, ESCROW_USCC, ESCROW_NAME)


def custody_id(s: Session) -> int:
    """The pledge custody participant's id, made (with its organisation) on first use."""
    return _sentinel(s, CUSTODY_USCC, CUSTODY_NAME)


def _sentinel(s: Session, uscc: str, name: str) -> int:
    found = s.scalar(select(Participant.id).where(Participant.uscc == uscc))
    if found is not None:
        return found
    try:
        with uow.savepoint(s):
            org = Organisation(name=name, kind=OrgKind.operator)
            s.add(org)
            s.flush()
            p = Participant(
                organisation_id=org.id,
                uscc=uscc,
                legal_representative="-",
                contact_name="-",
                contact_phone="-",
            )
            s.add(p)
            s.flush()
            return p.id
    except IntegrityError:  # made meanwhile by a concurrent first use
        return s.scalars(select(Participant.id).where(Participant.uscc == uscc)).one()


def held_by(s: Session, holding_id: int, participant_id: int, tonnes: int) -> Holding:
    """A holding of the participant (404 for anyone else's), locked, with at least `tonnes`
    (409 otherwise)."""
    h = s.get(Holding, holding_id, with_for_update=True, populate_existing=True)
    if h is None or h.participant_id != participant_id:
        raise NotFound("registry.no_such_holding")
    _require(h, tonnes)
    return h


def _require(h: Holding, tonnes: int) -> None:
    if tonnes > h.tonnes:
        raise Conflict("registry.holding_too_small", params={"tonnes": tonnes, "held_t": h.tonnes})


def move(
    s: Session,
    kind: TransferKind,
    *,
    issuance_id: int,
    from_participant_id: int,
    to_participant_id: int,
    first_unit: int,
    last_unit: int,
    by_id: int | None,
) -> Transfer:
    """Move units `first_unit`..`last_unit` of an issuance from one participant's holding to a
    new holding of another; 409 if the sender holds them in no single holding."""
    assert kind in MOVES  # noqa: S101 - callers pass a constant
    source = s.scalars(
        select(Holding)
        .where(
            Holding.participant_id == from_participant_id,
            Holding.issuance_id == issuance_id,
            Holding.first_unit <= first_unit,
            Holding.last_unit >= last_unit,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if source is None:
        raise Conflict("registry.units_not_held")
    standard = source.standard
    _cut(s, source, first_unit, last_unit)
    s.add(
        Holding(
            participant_id=to_participant_id,
            issuance_id=issuance_id,
            standard=standard,
            first_unit=first_unit,
            last_unit=last_unit,
        )
    )
    transfer = Transfer(
        kind=kind,
        issuance_id=issuance_id,
        from_participant_id=from_participant_id,
        to_participant_id=to_participant_id,
        first_unit=first_unit,
        last_unit=last_unit,
        by_id=by_id,
    )
    s.add(transfer)
    s.flush()
    return transfer


def take_first(
    s: Session,
    kind: TransferKind,
    holding: Holding,
    tonnes: int,
    to_participant_id: int,
    by_id: int,
) -> Transfer:
    """Move a (locked) holding's first `tonnes` to another participant; 409 if it holds fewer."""
    _require(holding, tonnes)
    first = holding.first_unit
    return move(
        s,
        kind,
        issuance_id=holding.issuance_id,
        from_participant_id=holding.participant_id,
        to_participant_id=to_participant_id,
        first_unit=first,
        last_unit=first + tonnes - 1,
        by_id=by_id,
    )


def _cut(s: Session, h: Holding, first: int, last: int) -> None:
    """Take units first..last out of holding `h` (which contains them): it shrinks, splits in
    two, or goes."""
    before, after = (h.first_unit, first - 1), (last + 1, h.last_unit)
    if before[0] > before[1] and after[0] > after[1]:
        s.delete(h)
    elif before[0] > before[1]:
        h.first_unit = after[0]
    else:
        h.last_unit = before[1]
        if after[0] <= after[1]:
            s.flush()  # the shrunken row first: the new one must not overlap it
            s.add(
                Holding(
                    participant_id=h.participant_id,
                    issuance_id=h.issuance_id,
                    standard=h.standard,
                    first_unit=after[0],
                    last_unit=after[1],
                )
            )
    s.flush()
