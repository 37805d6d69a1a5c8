"""Answering WeChat's retries once: a row per handled message, unique per account and key,
written in the transaction that acts on the message, with the reply it got."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.partners.wechat.models import WechatMessage

KEEP = timedelta(days=3)  # WeChat retries within 15 seconds; days leave room for inquiries


def record(s: Session, account_id: int, key: str, now: datetime, reply: str | None) -> bool:
    """Record the message and its reply (None: `success`) in the transaction that acted on it;
    False when it was recorded already, and the caller must roll back what it did.

    On PostgreSQL a concurrent retry waits here until the first attempt commits or rolls back.
    """
    inserted = s.execute(
        upsert(s, WechatMessage)
        .values(account_id=account_id, key=key, received_at=now, reply=reply)
        .on_conflict_do_nothing(index_elements=["account_id", "key"])
        .returning(WechatMessage.id)
    ).first()
    return inserted is not None


def replay(s: Session, account_id: int, key: str) -> str | None:
    """The reply a handled message got (None: it got `success`)."""
    return s.scalar(
        select(WechatMessage.reply).where(
            WechatMessage.account_id == account_id, WechatMessage.key == key
        )
    )


def purge(s: Session, now: datetime | None = None) -> int:
    """Forget messages handled more than three days ago; returns how many."""
    cutoff = (now or utcnow()) - KEEP
    n = s.execute(delete(WechatMessage).where(WechatMessage.received_at < cutoff)).rowcount  # type: ignore[attr-defined]
    s.commit()
    return int(n)
