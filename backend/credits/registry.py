"""Registry retirement batches: each unit is retired at its registry once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.errors import Conflict, ValidationFailed
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
        raise Conflict(f"Registry reference {registry_ref} is already recorded.") from None
    for i, (lot_id, first, last) in enumerate(ranges):
        lot = s.get(Lot, lot_id)
        if lot is None or lot.standard != standard:
            raise ValidationFailed(f"units.{i}.lot_id", f"No {standard} lot {lot_id}.")
        if not lot.first_unit <= first <= last <= lot.last_unit:
            raise ValidationFailed(f"units.{i}", "The serials are outside the lot's range.")
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
                raise AlreadyRetired(f"Units already retired, e.g. {taken}.", units=taken)
            raise Conflict(f"Units {first}–{last} of lot {lot_id} are not all opened yet.")
    return batch


def pending(s: Session, limit: int = 1000) -> list[Unit]:
    """Opened units not yet retired at their registry, oldest first."""
    return list(
        s.scalars(select(Unit).where(Unit.retirement_id.is_(None)).order_by(Unit.id).limit(limit))
    )
