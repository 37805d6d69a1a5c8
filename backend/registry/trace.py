"""Where a certificate's grams came from: for each allocation, its unit and lot, the registry
retirement of the unit, and, for tonnes issued on 点点's registry, the transfer into the
inventory, the issuance, the monitoring report and the project."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.accounts.principal import Principal
from backend.certificates import services as certificates
from backend.credits import serials
from backend.credits.models import Allocation, Lot, RegistryRetirement, Unit
from backend.registry.models import Issuance, Transfer, TransferKind


@dataclass(frozen=True)
class Origin:
    """The registry's side of a lot: issuance, report, project, and the move into inventory."""

    issuance: Issuance
    transfer: Transfer


@dataclass(frozen=True)
class TracedGrams:
    allocation: Allocation
    unit: Unit
    lot: Lot
    retirement: RegistryRetirement | None
    origin: Origin | None

    @property
    def registry_ref(self) -> str | None:
        """The registry's retirement reference, once the unit is retired there."""
        return self.retirement.registry_ref if self.retirement else None

    @property
    def serial(self) -> str:
        return serials.unit(
            self.lot.serial_range, self.lot.first_unit, self.lot.last_unit, self.unit.serial
        )


@dataclass(frozen=True)
class Trace:
    number: str
    units: list[TracedGrams]


def trace(s: Session, who: Principal, number: str, code: str | None) -> Trace:
    """Every allocation of a certificate, back to its monitoring report where 点点 issued it.
    Read as the certificate is: by those who read it in full, else with its check code (a bare
    number is the same 404 as a number never issued)."""
    cert, _ = certificates.read(s, who, number, code)
    rows = s.execute(
        select(Allocation, Unit, Lot, RegistryRetirement)
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .outerjoin(RegistryRetirement, RegistryRetirement.id == Unit.retirement_id)
        .options(selectinload(Lot.project))
        .where(Allocation.reservation_id == cert.reservation_id)
        .order_by(Lot.id, Unit.serial, Allocation.gram_start)
    ).all()
    lot_ids = {lot.id for _, _, lot, _ in rows if lot.registry_issuance_id is not None}
    origins = {
        t.lot_id: Origin(t.issuance, t)
        for t in s.scalars(
            select(Transfer).where(
                Transfer.kind == TransferKind.inventory, Transfer.lot_id.in_(lot_ids)
            )
        )
    }
    return Trace(
        cert.number,
        [TracedGrams(a, u, lot, r, origins.get(lot.id)) for a, u, lot, r in rows],
    )
