"""What a certificate shows: the one shape the PNG, the JSON and the verify page all read."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from backend.footprint.purpose import Purpose


class RegistryStatus(enum.StrEnum):
    retired = "retired"  # retired at the registry under a reference
    pending = "pending"  # allocated to this certificate; registry retirement pending


class CertificateStatus(enum.StrEnum):
    valid = "valid"
    revoked = "revoked"


# What every certificate says about how its credits are retired (Chinese first).
POOLED_RETIREMENT = (
    "合并注销：点点代表共享同一吨碳信用的各受益方，在登记簿整吨注销。",
    "Pooled retirement: Diandian retires whole units at the registry on behalf of the "
    "beneficiaries who share them.",
)


@dataclass(frozen=True)
class UnitLine:
    """One registry unit (a tonne) a certificate took grams of."""

    serial: str  # as the registry writes this one unit
    number: int  # the unit's number in the registry's numbering
    mass_g: int  # the grams of it this certificate took
    registry_status: RegistryStatus
    registry_ref: str | None = None  # the registry's batch reference, once retired
    due_on: date | None = None  # while pending: the day (in China) it must be retired by


@dataclass(frozen=True)
class SerialBlock:
    """Consecutive units of one lot in the same registry state, as the registry writes a
    block (one row of the certificate's credit table)."""

    serial: str
    units: tuple[UnitLine, ...]

    @property
    def mass_g(self) -> int:
        return sum(u.mass_g for u in self.units)

    @property
    def registry_status(self) -> RegistryStatus:
        return self.units[0].registry_status

    @property
    def registry_ref(self) -> str | None:
        return self.units[0].registry_ref

    @property
    def due_on(self) -> date | None:
        return self.units[0].due_on


@dataclass(frozen=True)
class CreditLine:
    """One lot's part of a certificate: its serial units and their registry status."""

    standard: str  # CCER, CDCER, VCU, CER
    project_name_zh: str
    project_name_en: str
    project_type: str
    province: str | None
    vintage: int
    serials: str  # the units taken, as the registry writes the block
    mass_g: int
    registry_status: RegistryStatus  # retired when every unit is
    registry_ref: str | None = None
    project_registry_id: str = ""  # the project's id at its registry
    registry_due_on: date | None = None  # the earliest due date of its pending units
    blocks: tuple[SerialBlock, ...] = ()

    @property
    def units(self) -> tuple[UnitLine, ...]:
        return tuple(u for b in self.blocks for u in b.units)


@dataclass(frozen=True)
class CertificateView:
    number: str  # DD-2026-000123
    status: CertificateStatus
    beneficiary: str  # judicial, to the public: masked (张*)
    purpose: Purpose  # judicial, to the public: masked (`Purpose.public`)
    footprint_mass_g: int | None  # the footprint's total, when the order came from one
    mass_g: int  # grams retired
    issued_on: date  # the day it was issued in China (`clock.china_date`), as every date shown
    issuer: str
    credits: tuple[CreditLine, ...]
    verify_url: str  # what the QR encodes
    judicial: bool = False  # a court's restorative purchase: non-transferable
    sandbox: bool = False  # paid through the sandbox: no real money, not a real offset
    check_code: str = ""  # printed beside the number: a public look-up needs both
    lookup_url: str = ""  # the verify page by number and check code: the link people type


def mass_label(grams: int) -> str:
    """Grams as people read them, truncated (never more than was retired): 2.500 t, 198.33 kg."""
    if grams >= 1_000_000:
        return f"{grams // 1_000_000:,}.{grams % 1_000_000 // 1000:03d} t"
    if grams >= 1000:
        return f"{grams // 1000}.{grams % 1000 // 10:02d} kg"
    return f"{grams} g"
