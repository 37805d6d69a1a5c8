"""The outbox: every domain event, written in the same transaction as its cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, UTCDateTime


class OutboxEvent(Base):
    """One domain event: `type` (`order.retired`), its JSON `payload` and when it happened.

    It exists iff its cause committed. Handlers that run later (in jobs) read it from here;
    rows older than the retention whose jobs are done are purged by the worker.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
