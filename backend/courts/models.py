"""Tables of this part of the domain.

A court is a court organisation (level and parent live on `organisations`) plus its province;
its judges and clerks are `memberships` with those roles. A case names its damaged site, its
defendants and the credits that may restore it. `court_orders` links an order to the defendant
it was bought for (so its certificate is judicial); `court_verifications` holds at most one row
per certificate number, ever; `court_audit` is append-only (triggers on both databases).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import Organisation
from backend.core import provinces
from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum


class CaseStatus(enum.StrEnum):
    open = "open"
    fulfilled = "fulfilled"
    closed = "closed"


class MassBasis(enum.StrEnum):
    per_defendant = "per_defendant"  # each defendant restores `mass_g`
    total = "total"  # the defendants restore `mass_g` together


class Court(Base):
    __tablename__ = "courts"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), primary_key=True, autoincrement=False
    )
    province: Mapped[str] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def province_name(self) -> str:
        return provinces.name(self.province)


class CourtCase(Base):
    __tablename__ = "court_cases"
    __table_args__ = (
        UniqueConstraint("court_id", "number"),
        CheckConstraint("mass_g > 0", name="mass_positive"),
        CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL)", name="closed_iff_closed_at"
        ),
        CheckConstraint(
            "ordered_g >= 0 AND (purchase_limit_g IS NULL OR ordered_g <= purchase_limit_g)",
            name="ordered_within_limit",
        ),
        Index("ix_court_cases_court_created", "court_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.organisation_id"))
    number: Mapped[str] = mapped_column(String(60))  # exactly as written: (2023)川1827刑初12号
    offence: Mapped[str] = mapped_column(String(200))
    site_place: Mapped[str] = mapped_column(String(200))
    site_province: Mapped[str] = mapped_column(String(6))
    mass_g: Mapped[int] = mapped_column(BigInteger)
    mass_basis: Mapped[MassBasis] = mapped_column(str_enum(MassBasis, "mass_basis", 16))
    eligible: Mapped[dict[str, Any]] = mapped_column(JSON)  # standards, types, regions
    deadline: Mapped[date] = mapped_column(Date)  # last day to buy, China Standard Time
    status: Mapped[CaseStatus] = mapped_column(
        str_enum(CaseStatus, "case_status", 12), default=CaseStatus.open
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str] = mapped_column(String(300), default="")
    # Grams in live orders bought for the case, and (when the defendants restore `mass_g`
    # together) the most they may be: the database refuses an order beyond it.
    ordered_g: Mapped[int] = mapped_column(BigInteger, default=0)
    purchase_limit_g: Mapped[int | None] = mapped_column(BigInteger)

    court: Mapped[Court] = relationship(lazy="joined")
    defendants: Mapped[list[Defendant]] = relationship(
        back_populates="case", order_by="Defendant.position"
    )


class Defendant(Base):
    """A defendant of a case, with the unguessable token of their purchase link."""

    __tablename__ = "court_defendants"
    __table_args__ = (
        UniqueConstraint("case_id", "position"),
        CheckConstraint(
            "ordered_g >= 0 AND (purchase_limit_g IS NULL OR ordered_g <= purchase_limit_g)",
            name="ordered_within_limit",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("court_cases.id"))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … as listed in the judgment
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))  # court staff only, never public
    token: Mapped[str] = mapped_column(String(40), unique=True)
    # Grams in live orders bought for this defendant, and (when each restores `mass_g`) the
    # most they may be.
    ordered_g: Mapped[int] = mapped_column(BigInteger, default=0)
    purchase_limit_g: Mapped[int | None] = mapped_column(BigInteger)

    case: Mapped[CourtCase] = relationship(back_populates="defendants")


class CourtOrder(Base):
    """An order bought for a defendant: written in the order's own transaction."""

    __tablename__ = "court_orders"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    defendant_id: Mapped[int] = mapped_column(ForeignKey("court_defendants.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("court_cases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Whether the order's mass counts in its defendant's and case's `ordered_g` now (while
    # the order is live: awaiting payment, paid or retired).
    counted: Mapped[bool] = mapped_column(Boolean, default=True)


class Verification(Base):
    """A certificate verified (核销) for a case: UNIQUE on the number, so once across all
    courts; append-only."""

    __tablename__ = "court_verifications"
    __table_args__ = (CheckConstraint("mass_g > 0", name="mass_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_number: Mapped[str] = mapped_column(ForeignKey("certificates.number"), unique=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("court_cases.id"), index=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.organisation_id"), index=True)
    defendant_id: Mapped[int] = mapped_column(ForeignKey("court_defendants.id"))
    mass_g: Mapped[int] = mapped_column(BigInteger)
    verified_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    """One court action: who, when, what, on which case, with details. Never changed."""

    __tablename__ = "court_audit"
    __table_args__ = (Index("ix_court_audit_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.organisation_id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("court_cases.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
