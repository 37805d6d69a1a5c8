"""`flask credits check`: every inventory invariant, verified against the rows themselves, and
the registry-retirement deadline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from backend.core.clock import china_date
from backend.credits import registry
from backend.credits.models import (
    GRAMS_PER_TONNE,
    Allocation,
    CreditHold,
    Lot,
    Reservation,
    ReservationLine,
    ReservationStatus,
    Unit,
)


def violations(s: Session) -> list[str]:
    """Human-readable violations; an empty list means the inventory is sound."""
    out: list[str] = []
    size = (Lot.last_unit - Lot.first_unit + 1) * GRAMS_PER_TONNE
    for lot_id, a, r, al, n in s.execute(
        select(Lot.id, Lot.available_g, Lot.reserved_g, Lot.allocated_g, size).where(
            (Lot.available_g + Lot.reserved_g + Lot.allocated_g != size)
            | (Lot.available_g < 0)
            | (Lot.reserved_g < 0)
            | (Lot.allocated_g < 0)
        )
    ):
        out.append(f"lot {lot_id}: available {a} + reserved {r} + allocated {al} != size {n}")

    out += _reserved_violations(s)

    used = (
        select(Unit.lot_id, func.sum(Allocation.gram_end - Allocation.gram_start).label("g"))
        .join(Allocation, Allocation.unit_id == Unit.id)
        .group_by(Unit.lot_id)
        .subquery()
    )
    for lot_id, allocated, g in s.execute(
        select(Lot.id, Lot.allocated_g, func.coalesce(used.c.g, 0))
        .outerjoin(used, used.c.lot_id == Lot.id)
        .where(Lot.allocated_g != func.coalesce(used.c.g, 0))
    ):
        out.append(f"lot {lot_id}: allocated_g {allocated} but its allocations hold {g}")

    for unit_id, g in s.execute(
        select(Allocation.unit_id, func.sum(Allocation.gram_end - Allocation.gram_start))
        .group_by(Allocation.unit_id)
        .having(func.sum(Allocation.gram_end - Allocation.gram_start) > GRAMS_PER_TONNE)
    ):
        out.append(f"unit {unit_id}: {g} g allocated, more than one tonne")

    other = aliased(Allocation)
    for a_id, b_id in s.execute(
        select(Allocation.id, other.id).join(
            other,
            and_(
                other.unit_id == Allocation.unit_id,
                other.id > Allocation.id,
                other.gram_start < Allocation.gram_end,
                Allocation.gram_start < other.gram_end,
            ),
        )
    ):
        out.append(f"allocations {a_id} and {b_id} share grams")

    for (a_id,) in s.execute(
        select(Allocation.id)
        .outerjoin(Unit, Unit.id == Allocation.unit_id)
        .where(Unit.id.is_(None))
    ):
        out.append(f"allocation {a_id} points to no unit")

    for (unit_id,) in s.execute(
        select(Unit.id)
        .join(Lot, Lot.id == Unit.lot_id)
        .where((Unit.serial != Lot.first_unit + Unit.unit_index) | (Unit.serial > Lot.last_unit))
    ):
        out.append(f"unit {unit_id}: serial outside its lot or not matching its index")

    other_lot = aliased(Lot)
    for a_id, b_id in s.execute(
        select(Lot.id, other_lot.id).join(
            other_lot,
            and_(
                other_lot.standard == Lot.standard,
                other_lot.id > Lot.id,
                other_lot.first_unit <= Lot.last_unit,
                Lot.first_unit <= other_lot.last_unit,
            ),
        )
    ):
        out.append(f"lots {a_id} and {b_id} share registry units")

    given = (
        select(
            Allocation.reservation_id,
            func.sum(Allocation.gram_end - Allocation.gram_start).label("g"),
        )
        .group_by(Allocation.reservation_id)
        .subquery()
    )
    for r_id, status, mass, g in s.execute(
        select(Reservation.id, Reservation.status, Reservation.mass_g, func.coalesce(given.c.g, 0))
        .outerjoin(given, given.c.reservation_id == Reservation.id)
        .where(
            (
                (Reservation.status == ReservationStatus.retired)
                & (func.coalesce(given.c.g, 0) != Reservation.mass_g)
            )
            | (
                (Reservation.status != ReservationStatus.retired)
                & (func.coalesce(given.c.g, 0) != 0)
            )
        )
    ):
        out.append(f"reservation {r_id} ({status}): {mass} g but {g} g allocated")
    return out


def _reserved_violations(s: Session) -> list[str]:
    """A lot's reserved grams are its active reservations' and its holders'; its held grams
    are its holds'."""
    out: list[str] = []
    held = (
        select(ReservationLine.lot_id, func.sum(ReservationLine.mass_g).label("g"))
        .join(Reservation)
        .where(Reservation.status == ReservationStatus.active)
        .group_by(ReservationLine.lot_id)
        .subquery()
    )

    for lot_id, reserved, g, set_aside in s.execute(
        select(Lot.id, Lot.reserved_g, func.coalesce(held.c.g, 0), Lot.held_g)
        .outerjoin(held, held.c.lot_id == Lot.id)
        .where(Lot.reserved_g != func.coalesce(held.c.g, 0) + Lot.held_g)
    ):
        out.append(
            f"lot {lot_id}: reserved_g {reserved} but active reservations hold {g}"
            f" and holders {set_aside}"
        )

    holds = (
        select(CreditHold.lot_id, func.sum(CreditHold.held_g).label("g"))
        .group_by(CreditHold.lot_id)
        .subquery()
    )
    for lot_id, held_g, g in s.execute(
        select(Lot.id, Lot.held_g, func.coalesce(holds.c.g, 0))
        .outerjoin(holds, holds.c.lot_id == Lot.id)
        .where(Lot.held_g != func.coalesce(holds.c.g, 0))
    ):
        out.append(f"lot {lot_id}: held_g {held_g} but its holds sum to {g}")
    return out


def overdue(s: Session, *, days: int, now: datetime, limit: int = 100) -> list[str]:
    """Units allocated more than `days` ago and still not retired at their registry."""
    count, units = registry.overdue(s, days=days, now=now, limit=limit)
    out = [
        f"unit {u.unit_id} (lot {u.lot_id}, {u.standard}) {u.serial}: registry retirement was due"
        f" {china_date(u.due_at).isoformat()} (allocated {china_date(u.opened_at).isoformat()})"
        for u in units
    ]
    if count > len(units):
        out.append(f"… and {count - len(units)} more units past their registry deadline")
    if count:
        out.append(f"{count} units not retired at their registry within {days} days")
    return out
