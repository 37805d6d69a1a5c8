"""Idempotency keys: one row per (caller, key), kept for 24 hours."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, UTCDateTime, str_enum


class KeyStatus(enum.StrEnum):
    running = "running"
    done = "done"


class IdempotencyKey(Base):
    """A request's key: running while its first request runs, then its stored response.

    `resource_id` is the recovery point: a use case records what it created in the same
    transaction, so a retry after a crash resumes that object instead of making another.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_expires_at", "expires_at"),)

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[KeyStatus] = mapped_column(str_enum(KeyStatus, "idempotency_status", 8))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[str | None] = mapped_column(Text)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
