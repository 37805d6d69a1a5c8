"""Certificates: numbered per year without gaps, signed, revocable until the registry retires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.certificates.view import CertificateStatus
from backend.core.db import Base, UTCDateTime, str_enum


class Certificate(Base):
    """One retirement's proof. `document` is the signed canonical JSON, never changed."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_certificates_user_issued", "user_id", "issued_at"),
        Index("ix_certificates_org_issued", "organisation_id", "issued_at"),
        # `/ledger` pages newest first by (issued_at, id): read backwards, no sort of them all
        Index("ix_certificates_issued", "issued_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), unique=True)
    beneficiary: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(200))
    footprint_mass_g: Mapped[int | None] = mapped_column(BigInteger)
    mass_g: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    document: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(100))
    judicial: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[CertificateStatus] = mapped_column(
        str_enum(CertificateStatus, "certificate_status", 8), default=CertificateStatus.valid
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str] = mapped_column(String(300), default="")  # an operator's words
    # Or, when the platform revoked it (a refund), why as a message code, worded when shown.
    revoked_code: Mapped[str] = mapped_column(String(64), default="")
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Whose it is: the person or the organisation that bought it (or redeemed points for it).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    # 核销: used once for one purpose by a relying party (a court, for a case).
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by: Mapped[str] = mapped_column(String(200), default="")
    verified_for: Mapped[str] = mapped_column(String(100), default="")


class NumberCounter(Base):
    """The last number issued in a year; bumped in the issuing transaction, so no gaps."""

    __tablename__ = "certificate_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class StatsSnapshot(Base):
    """`/stats` as last computed by the worker (`services.refresh_stats`), so the public figures
    cost one row to read whatever the number of certificates; `key` is "stats"."""

    __tablename__ = "certificate_stats_snapshots"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    body: Mapped[str] = mapped_column(Text)  # the StatsSchema JSON
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
