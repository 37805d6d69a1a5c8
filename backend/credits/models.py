"""Credit inventory: projects, serial-numbered lots of whole tonnes, units opened for retirement,
reservations, gram allocations, and registry retirement batches.

Mass is integer grams. A lot of N tonnes holds N × 1,000,000 grams, always split exactly into
available + reserved + allocated (a CHECK constraint). A unit is one registry tonne; allocations
name the grams [gram_start, gram_end) of one unit they took, and on PostgreSQL an exclusion
constraint stops two allocations from sharing a gram (a trigger does it on SQLite).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum

GRAMS_PER_TONNE = 1_000_000


class Standard(enum.StrEnum):
    CCER = "CCER"
    CDCER = "CDCER"
    VCU = "VCU"
    CER = "CER"


class ProjectType(enum.StrEnum):
    hydro = "hydro"
    wind = "wind"
    solar_pv = "solar_pv"
    forestry = "forestry"
    coal_bed_methane = "coal_bed_methane"
    biogas = "biogas"
    landfill_gas = "landfill_gas"
    biomass = "biomass"
    energy_efficiency = "energy_efficiency"
    clean_energy_substitution = "clean_energy_substitution"
    greenway = "greenway"
    linpan = "linpan"
    wetland = "wetland"
    soil_fertilisation = "soil_fertilisation"
    other = "other"


class ReservationStatus(enum.StrEnum):
    active = "active"
    retired = "retired"
    cancelled = "cancelled"
    expired = "expired"


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("standard", "registry_id"),
        UniqueConstraint("id", "standard"),  # target of lots' (project_id, standard) key
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    standard: Mapped[Standard] = mapped_column(str_enum(Standard, "credit_standard"))
    registry_id: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    type: Mapped[ProjectType] = mapped_column(str_enum(ProjectType, "project_type"))
    methodology: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    province: Mapped[str | None] = mapped_column(String(6))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lots: Mapped[list[Lot]] = relationship(back_populates="project")


class Lot(Base):
    """Whole tonnes of one project and vintage, with the registry's serial range."""

    __tablename__ = "lots"
    __table_args__ = (
        ForeignKeyConstraint(["project_id", "standard"], ["projects.id", "projects.standard"]),
        CheckConstraint("first_unit >= 0 AND last_unit >= first_unit", name="unit_range"),
        CheckConstraint(
            "available_g >= 0 AND reserved_g >= 0 AND allocated_g >= 0", name="grams_not_negative"
        ),
        CheckConstraint(
            "available_g + reserved_g + allocated_g"
            f" = (last_unit - first_unit + 1) * {GRAMS_PER_TONNE}",
            name="grams_add_up",
        ),
        CheckConstraint("held_g >= 0 AND held_g <= reserved_g", name="held_within_reserved"),
        CheckConstraint("price_fen_per_t >= 0 AND acquisition_cost_fen >= 0", name="money"),
        CheckConstraint("vintage BETWEEN 1990 AND 2100", name="vintage"),
        Index("ix_lots_project", "project_id"),
        Index("ux_lots_market_trade_id", "market_trade_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer)
    standard: Mapped[Standard] = mapped_column(str_enum(Standard, "lot_standard"))
    vintage: Mapped[int] = mapped_column(Integer)
    serial_range: Mapped[str] = mapped_column(String(200))
    first_unit: Mapped[int] = mapped_column(BigInteger)
    last_unit: Mapped[int] = mapped_column(BigInteger)
    acquisition_cost_fen: Mapped[int] = mapped_column(BigInteger)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    available_g: Mapped[int] = mapped_column(BigInteger)
    reserved_g: Mapped[int] = mapped_column(BigInteger, default=0)
    allocated_g: Mapped[int] = mapped_column(BigInteger, default=0)
    # the part of reserved_g set aside for holders (`CreditHold`), out of every order's reach
    held_g: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The registry issuance these tonnes came from, when they were moved into the inventory from
    # a holding on 点点's registry (backend/registry); None for lots bought elsewhere.
    registry_issuance_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_issuances.id"), index=True
    )
    # The market trade 点点 bought these tonnes in, when it restocked the inventory on the market
    # (backend/market/restock.py); one trade makes at most one lot.
    market_trade_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "market_trades.id",
            ondelete="RESTRICT",
            name="fk_lots_market_trade_id_market_trades",
            use_alter=True,  # lots -> trades -> transfers -> lots: a cycle for table sorting
        )
    )

    project: Mapped[Project] = relationship(back_populates="lots")

    @property
    def tonnes(self) -> int:
        return self.last_unit - self.first_unit + 1


class Unit(Base):
    """One registry tonne of a lot, opened when its first gram is allocated."""

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint("unit_index >= 0", name="index_not_negative"),
        UniqueConstraint("lot_id", "unit_index"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="RESTRICT"))
    unit_index: Mapped[int] = mapped_column(BigInteger)
    serial: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retirement_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_retirements.id", ondelete="RESTRICT"), index=True
    )


class Reservation(Base):
    """Mass held for a pending order until it expires, is cancelled, or becomes allocations."""

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("mass_g > 0", name="mass_positive"),
        Index("ix_reservations_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mass_g: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[ReservationStatus] = mapped_column(
        str_enum(ReservationStatus, "reservation_status"), default=ReservationStatus.active
    )
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lines: Mapped[list[ReservationLine]] = relationship(
        back_populates="reservation", order_by="ReservationLine.lot_id"
    )


class ReservationLine(Base):
    __tablename__ = "reservation_lines"
    __table_args__ = (
        CheckConstraint("mass_g > 0", name="mass_positive"),
        UniqueConstraint("reservation_id", "lot_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id", ondelete="CASCADE"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="RESTRICT"), index=True)
    mass_g: Mapped[int] = mapped_column(BigInteger)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)

    reservation: Mapped[Reservation] = relationship(back_populates="lines")
    lot: Mapped[Lot] = relationship()


class Allocation(Base):
    """Grams [gram_start, gram_end) of one unit, given to one reservation."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint(
            f"gram_start >= 0 AND gram_end > gram_start AND gram_end <= {GRAMS_PER_TONNE}",
            name="within_unit",
        ),
        Index("ix_allocations_reservation", "reservation_id"),
        UniqueConstraint("unit_id", "gram_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    gram_start: Mapped[int] = mapped_column(Integer)
    gram_end: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()

    @property
    def mass_g(self) -> int:
        return self.gram_end - self.gram_start


class RegistryRetirement(Base):
    """A batch of units retired at the registry under one registry reference."""

    __tablename__ = "registry_retirements"
    __table_args__ = (UniqueConstraint("standard", "registry_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    standard: Mapped[Standard] = mapped_column(str_enum(Standard, "retirement_standard"))
    registry_ref: Mapped[str] = mapped_column(String(100))
    retired_on: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CreditHold(Base):
    """Grams of a lot set aside for one holder (a points sponsor, `sponsor:<id>`) until it draws
    them into a reservation and retires them. They sit in the lot's `reserved_g`, so no order
    can plan on them; the lot's `held_g` is the sum of its holds (`flask credits check`)."""

    __tablename__ = "credit_holds"
    __table_args__ = (CheckConstraint("held_g >= 0", name="held_not_negative"),)

    holder: Mapped[str] = mapped_column(String(64), primary_key=True)
    lot_id: Mapped[int] = mapped_column(
        ForeignKey("lots.id", ondelete="RESTRICT"), primary_key=True
    )
    held_g: Mapped[int] = mapped_column(BigInteger, default=0)
