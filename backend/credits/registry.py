"""Registry retirement batches: each unit is retired at its registry once, and within a
deadline of its first allocation.

The platform retires whole units at the registry on behalf of every beneficiary who shares one
(pooled retirement). A unit opens when its first gram is allocated; it must be retired at its
registry within `REGISTRY_RETIREMENT_DAYS` of that (`due_at`). Retiring it then covers every
allocation of it, earlier or later, so no allocation waits longer than that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.errors import Conflict, ValidationFailed
from backend.credits import serials
from backend.credits.models import Lot, RegistryRetirement, Standard, Unit


class AlreadyRetired(Conflict):
    slug, title = "already-retired", "Units already retired at the registry"


def record(
    s: Session,
    *,
    standard: Standard,
    registry_ref: str,
    retired_on: datetime,
    note: str,
    ranges: list[tuple[int, int, int]],
) -> RegistryRetirement:
    """Record a registry retirement of opened units given as (lot id, first serial, last serial).

    Every named unit must be opened and not yet retired; otherwise it raises, and the caller's
    rollback leaves nothing recorded. The claim is one conditional UPDATE per range, so two
    batches racing for a unit cannot both win.
    """
    batch = RegistryRetirement(
        standard=standard, registry_ref=registry_ref.strip(), retired_on=retired_on, note=note
    )
    s.add(batch)
    try:
        s.flush()
    except IntegrityError:
        raise Conflict(
            "credits.registry_ref_recorded", params={"registry_ref": registry_ref}
        ) from None
    for i, (lot_id, first, last) in enumerate(ranges):
        lot = s.get(Lot, lot_id)
        if lot is None or lot.standard != standard:
            raise ValidationFailed(
                f"units.{i}.lot_id", "credits.no_such_lot", standard=str(standard), lot_id=lot_id
            )
        if not lot.first_unit <= first <= last <= lot.last_unit:
            raise ValidationFailed(f"units.{i}", "credits.serials_outside_lot")
        claimed = s.execute(
            update(Unit)
            .where(
                Unit.lot_id == lot_id,
                Unit.serial.between(first, last),
                Unit.retirement_id.is_(None),
            )
            .values(retirement_id=batch.id)
        ).rowcount  # type: ignore[attr-defined]
        if claimed != last - first + 1:
            taken = s.scalars(
                select(Unit.serial)
                .where(
                    Unit.lot_id == lot_id,
                    Unit.serial.between(first, last),
                    Unit.retirement_id.is_not(None),
                    Unit.retirement_id != batch.id,
                )
                .limit(5)
            ).all()
            if taken:
                raise AlreadyRetired(
                    "credits.units_already_retired", params={"units": taken}, units=taken
                )
            raise Conflict(
                "credits.units_not_opened", params={"first": first, "last": last, "lot_id": lot_id}
            )
    return batch


def pending(s: Session, limit: int = 1000) -> list[Unit]:
    """Opened units not yet retired at their registry, oldest first."""
    return list(
        s.scalars(select(Unit).where(Unit.retirement_id.is_(None)).order_by(Unit.id).limit(limit))
    )


def due_at(opened_at: datetime, days: int) -> datetime:
    """When a unit opened (first allocated) at `opened_at` must be retired at its registry."""
    return opened_at + timedelta(days=days)


@dataclass(frozen=True)
class Overdue:
    """A unit past its registry-retirement deadline."""

    unit_id: int
    lot_id: int
    standard: Standard
    serial: str  # as the registry writes it
    opened_at: datetime
    due_at: datetime


def overdue(
    s: Session, *, days: int, now: datetime, limit: int = 1000
) -> tuple[int, list[Overdue]]:
    """Units not retired at their registry within `days` of their first allocation: how many,
    and the oldest `limit` of them."""
    late = (Unit.retirement_id.is_(None), Unit.opened_at < now - timedelta(days=days))
    count = s.scalar(select(func.count()).select_from(Unit).where(*late)) or 0
    rows = s.execute(
        select(
            Unit.id,
            Unit.lot_id,
            Unit.serial,
            Unit.opened_at,
            Lot.standard,
            Lot.serial_range,
            Lot.first_unit,
            Lot.last_unit,
        )
        .join(Lot, Lot.id == Unit.lot_id)
        .where(*late)
        .order_by(Unit.opened_at, Unit.id)
        .limit(limit)
    )
    return int(count), [
        Overdue(
            unit_id=r.id,
            lot_id=r.lot_id,
            standard=Standard(r.standard),
            serial=serials.unit(r.serial_range, r.first_unit, r.last_unit, r.serial),
            opened_at=r.opened_at,
            due_at=due_at(r.opened_at, days),
        )
        for r in rows
    ]
