"""Webhook endpoints an organisation registers, the events it is sent, their deliveries and
every HTTP attempt made for them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum


class WebhookEndpoint(Base):
    """An HTTPS URL of an organisation and the event types it wants.

    The signing secret is kept sealed (`backend.core.secretbox`); after a rotation the previous one
    also signs until `previous_secret_expires_at`.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    secret_sealed: Mapped[str] = mapped_column(Text)
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookEvent(Base):
    """Something that happened to an organisation's offsets; its `id` is the receivers'
    deduplication key, the same on every delivery and retry. `cause_id` is the domain event it
    was made for (none for events emitted directly): one webhook event per cause and
    organisation, however often a handler runs."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        Index("ix_webhook_events_org_created", "organisation_id", "created_at"),
        UniqueConstraint("cause_id", "organisation_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    api_version: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    cause_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DeliveryStatus(enum.StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"  # every automatic attempt failed; a manual redelivery may still succeed


class WebhookDelivery(Base):
    """One event for one endpoint. `attempts` counts the automatic attempts, which follow the
    retry schedule; manual redeliveries are only in the attempt log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id", ondelete="CASCADE"))
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "webhook_delivery_status", 10), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(500), default="")  # a code (messages.toml)
    last_error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[WebhookEvent] = relationship(viewonly=True, lazy="raise_on_sql")
    log: Mapped[list[WebhookAttempt]] = relationship(
        viewonly=True,
        lazy="raise_on_sql",
        order_by="(WebhookAttempt.attempted_at, WebhookAttempt.id)",
    )


class WebhookAttempt(Base):
    """One HTTP request made for a delivery (append-only)."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    status_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500), default="")  # a code (messages.toml)
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    response_excerpt: Mapped[str] = mapped_column(String(1000), default="")
