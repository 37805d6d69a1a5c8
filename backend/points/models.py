"""Carbon-inclusion points: a double-entry ledger of accounts and append-only transfers.

Every transfer moves a positive amount from one account to another, so the ledger always sums
to zero: the system `issued` account stands at minus every point ever issued. A person's
`pending` and `wallet` balances are stored and can never go negative (a CHECK constraint backs
the conditional updates); the system accounts' balances are derived from their transfers (their
column stays 0). Transfers can be neither updated nor deleted (triggers).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum


class AccountKind(enum.StrEnum):
    issued = "issued"  # system: the source of every point (negative)
    pending = "pending"  # per person: earned, not yet confirmed
    wallet = "wallet"  # per person: spendable
    redeemed = "redeemed"  # system: spent on retired credits
    expired = "expired"  # system: expired by the rules


class TransferKind(enum.StrEnum):
    earn = "earn"  # issued -> pending
    confirm = "confirm"  # pending -> wallet
    reverse = "reverse"  # pending -> issued
    redeem = "redeem"  # wallet -> redeemed
    expire = "expire"  # wallet -> expired


SYSTEM = (AccountKind.issued, AccountKind.redeemed, AccountKind.expired)


class PointAccount(Base):
    __tablename__ = "point_accounts"
    __table_args__ = (
        CheckConstraint("kind = 'issued' OR balance >= 0", name="balance_not_negative"),
        CheckConstraint(
            "(user_id IS NULL) = (kind IN ('issued', 'redeemed', 'expired'))", name="owner"
        ),
        Index("uq_point_accounts_user_kind", "user_id", "kind", unique=True),
        Index(
            "uq_point_accounts_system_kind",
            "kind",
            unique=True,
            postgresql_where=text("user_id IS NULL"),
            sqlite_where=text("user_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[AccountKind] = mapped_column(str_enum(AccountKind, "point_account_kind", 10))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)


class PointTransfer(Base):
    """One double-entry movement; never changed, never deleted."""

    __tablename__ = "point_transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="two_accounts"),
        Index("ix_point_transfers_debit", "debit_account_id", "id"),
        Index("ix_point_transfers_credit", "credit_account_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[TransferKind] = mapped_column(str_enum(TransferKind, "point_transfer_kind", 10))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("point_accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("point_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(64), default="")  # action or redemption id
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActionSource(enum.StrEnum):
    partner = "partner"  # reported by a transit operator, bike-share company or venue
    self = "self"  # a venue QR scanned by the citizen


class ActionStatus(enum.StrEnum):
    pending = "pending"  # points in `pending` until the confirmation window closes
    confirmed = "confirmed"  # points moved to the wallet
    reversed = "reversed"  # withdrawn by the partner inside the window


_LIVE_TRIP = text("status <> 'reversed' AND trip_key IS NOT NULL")


class GreenAction(Base):
    """One reported action and the points it earned; the points themselves live in the ledger."""

    __tablename__ = "green_actions"
    __table_args__ = (
        CheckConstraint("units_milli > 0 AND points >= 0", name="amounts"),
        Index("uq_green_actions_partner_external", "partner_id", "external_id", unique=True),
        # one method per trip: a trip (or a venue-day) counts once, whoever reports it
        Index(
            "uq_green_actions_trip",
            "user_id",
            "trip_key",
            unique=True,
            postgresql_where=_LIVE_TRIP,
            sqlite_where=_LIVE_TRIP,
        ),
        Index("ix_green_actions_user_day", "user_id", "occurred_on", "type"),
        Index("ix_green_actions_status_confirm", "status", "confirm_after"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    type: Mapped[str] = mapped_column(String(16))
    source: Mapped[ActionSource] = mapped_column(str_enum(ActionSource, "action_source", 8))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    external_id: Mapped[str | None] = mapped_column(String(100))
    trip_key: Mapped[str | None] = mapped_column(String(120))
    units_milli: Mapped[int] = mapped_column(BigInteger)  # thousandths of km, steps, check-ins
    replaces: Mapped[str | None] = mapped_column(String(16))  # what a bike ride or walk replaced
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    occurred_on: Mapped[str] = mapped_column(String(10))  # the Chengdu date, for daily caps
    points: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus, "action_status", 10))
    confirm_after: Mapped[datetime] = mapped_column(UTCDateTime())
    methodology: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PointsPartner(Base):
    """An organisation allowed to report actions, with its HMAC signing secret (encrypted)."""

    __tablename__ = "points_partners"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    secret_encrypted: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Redemption(Base):
    """Points spent on credits retired for the citizen, with the certificate it issued."""

    __tablename__ = "point_redemptions"
    __table_args__ = (CheckConstraint("points > 0 AND mass_g > 0", name="amounts"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    points: Mapped[int] = mapped_column(BigInteger)
    mass_g: Mapped[int] = mapped_column(BigInteger)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), unique=True)
    certificate_number: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VenueKind(enum.StrEnum):
    greenway = "greenway"  # 绿道
    linpan = "linpan"  # 川西林盘
    park = "park"
    venue = "venue"  # a low-carbon venue: a library, a stadium, an exhibition hall


class Venue(Base):
    """A low-carbon venue where citizens check in by scanning its rotating code, shown by the
    staff of its organisation; the code is signed with the venue's secret (sealed)."""

    __tablename__ = "venues"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[VenueKind] = mapped_column(str_enum(VenueKind, "venue_kind", 10))
    secret_sealed: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
