"""Offers into the retirement inventory: the holder's admin offers tonnes of a holding at an
asking price; an operator accepts (the tonnes become a credits lot, bought at that price) or
declines with a reason; the holder may withdraw an open offer. Each offer is decided once."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts.models import Role
from backend.accounts.principal import Principal
from backend.core.clock import utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.registry import holdings, moves, participants
from backend.registry.models import Holding, InventoryOffer, OfferState


def offer(
    s: Session, who: Principal, holding_id: int, tonnes: int, price_fen_per_t: int
) -> InventoryOffer:
    """The holder's admin offers a holding's first `tonnes` to the inventory (no one else may,
    operators included)."""
    user = who.require_user()
    h = s.get(Holding, holding_id)
    if h is None:
        raise NotFound("registry.no_such_holding")
    p = participants.get(s, who, h.participant_id)
    if p.uscc in moves.SENTINELS:  # units in escrow or pledged are no one's to offer
        raise NotFound("registry.no_such_holding")
    if Role.admin not in who.roles.get(p.organisation_id, ()):
        raise Forbidden("registry.offer_by_holder")  # operators neither: it is the holder's say
    if tonnes > h.tonnes:
        raise ValidationFailed(
            "tonnes", "registry.holding_too_small", tonnes=tonnes, held_t=h.tonnes
        )
    made = InventoryOffer(
        participant_id=p.id,
        holding_id=h.id,
        issuance_id=h.issuance_id,
        tonnes=tonnes,
        price_fen_per_t=price_fen_per_t,
        state=OfferState.open,
        offered_by_id=user.id,
    )
    s.add(made)
    s.flush()
    return made


def of_participant(s: Session, who: Principal, participant_id: int) -> list[InventoryOffer]:
    """A participant's offers, newest first."""
    p = participants.get(s, who, participant_id)
    return list(
        s.scalars(
            select(InventoryOffer)
            .where(InventoryOffer.participant_id == p.id)
            .order_by(InventoryOffer.id.desc())
        )
    )


def open_offers(s: Session) -> list[InventoryOffer]:
    return list(
        s.scalars(
            select(InventoryOffer)
            .where(InventoryOffer.state == OfferState.open)
            .order_by(InventoryOffer.id)
        )
    )


def _decide(s: Session, offer_id: int, to: OfferState, by_id: int, **values: object) -> None:
    """Close an open offer, once: a concurrent decision finds it closed (409)."""
    done = s.execute(
        update(InventoryOffer)
        .where(InventoryOffer.id == offer_id, InventoryOffer.state == OfferState.open)
        .values(state=to, decided_by_id=by_id, decided_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("registry.offer_closed")


def _get(s: Session, who: Principal, offer_id: int) -> InventoryOffer:
    found = s.get(InventoryOffer, offer_id)
    if found is None:
        who.require_user()
        raise NotFound("registry.no_such_offer")
    participants.get(s, who, found.participant_id)
    return found


def accept(s: Session, who: Principal, offer_id: int, price_fen_per_t: int) -> InventoryOffer:
    """Move the offered tonnes into the inventory as a lot sold at `price_fen_per_t` (operators)."""
    user = who.require_operator()
    found = _get(s, who, offer_id)
    if found.state != OfferState.open:
        raise Conflict("registry.offer_closed")
    if found.holding_id is None:
        raise Conflict("registry.holding_too_small", params={"tonnes": found.tonnes, "held_t": 0})
    moved = holdings.to_inventory(
        s,
        who,
        found.holding_id,
        found.tonnes,
        acquisition_cost_fen=found.tonnes * found.price_fen_per_t,
        price_fen_per_t=price_fen_per_t,
    )
    _decide(s, found.id, OfferState.accepted, user.id, transfer_id=moved.transfer.id)
    s.refresh(found)
    return found


def close(s: Session, who: Principal, offer_id: int, reason: str | None) -> InventoryOffer:
    """An operator declines an open offer (with a reason); its holder's admin withdraws it."""
    user = who.require_user()
    found = _get(s, who, offer_id)
    if who.operator:
        if not reason:
            raise ValidationFailed("reason", "registry.reason_required")
        _decide(s, found.id, OfferState.declined, user.id, reason=reason)
    else:
        who.authorize_org(found.participant.organisation_id, roles=[Role.admin])
        _decide(s, found.id, OfferState.withdrawn, user.id, reason=reason)
    s.refresh(found)
    return found
