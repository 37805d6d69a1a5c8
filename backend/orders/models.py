"""Orders: a mass of credits held for a beneficiary, priced in fen, paid, then retired."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum
from backend.footprint.purpose import Purpose


class OrderStatus(enum.StrEnum):
    awaiting_payment = "awaiting_payment"
    paid = "paid"
    retired = "retired"
    cancelled = "cancelled"
    expired = "expired"
    refunded = "refunded"


# An order in these states is live: it holds (or has retired) credits for its footprint.
LIVE = ("awaiting_payment", "paid", "retired")


class Order(Base):
    """Amounts and the price breakdown are frozen when the order is made."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("mass_g > 0", name="mass_positive"),
        CheckConstraint(
            "credits_amount >= 0 AND fee_amount >= 0 AND amount = credits_amount + fee_amount",
            name="amounts_add_up",
        ),
        CheckConstraint("currency = 'CNY'", name="currency_cny"),
        Index("ix_orders_user_created", "user_id", "created_at"),
        Index("ix_orders_org_created", "organisation_id", "created_at"),
        Index("ix_orders_status_expires", "status", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus, "order_status", 20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    # While the order is live (awaiting payment, paid, retired) it claims this footprint and all
    # it includes (`footprint.claims`), so no other order can neutralise the same emissions.
    footprint_id: Mapped[str | None] = mapped_column(ForeignKey("footprints.id"))
    mass_g: Mapped[int] = mapped_column(BigInteger)
    amount_cap: Mapped[int | None] = mapped_column(BigInteger)
    credits_amount: Mapped[int] = mapped_column(BigInteger)
    fee_amount: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    lines: Mapped[str] = mapped_column(Text)  # the price breakdown by lot, JSON
    preferences: Mapped[str] = mapped_column(Text)  # JSON
    beneficiary: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(200), default="")  # its Chinese text
    # The purpose, structured (`Purpose.as_dict`, JSON); NULL on orders placed before.
    purpose_detail: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(500), default="")
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"))
    provider: Mapped[str] = mapped_column(String(16))
    refund_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bought for a court case's defendant: its certificate is judicial, and unpaid consumer
    # holds give way to it.
    judicial: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set by certificates when it issues the order's certificate (in the retirement's
    # transaction), so orders can show it without importing certificates.
    certificate_number: Mapped[str | None] = mapped_column(String(20))

    @property
    def line_items(self) -> list[dict[str, Any]]:
        parsed: list[dict[str, Any]] = json.loads(self.lines)
        return parsed

    @property
    def purpose_of(self) -> Purpose:
        stored = self.purpose if self.purpose_detail is None else json.loads(self.purpose_detail)
        return Purpose.read(stored)

    @property
    def preference_dict(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.preferences)
        return parsed


class OrderEvent(Base):
    """Append-only history of an order's transitions."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
