"""Answering WeChat's retries once: a row per handled message, unique per account and key, with
the reply it got. A message whose handling writes is claimed before it is acted on, in the same
transaction (`claim`, then `answered`); one whose handling only reads is recorded with its reply
in one INSERT after it (`record`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.partners.wechat.models import WechatMessage

KEEP = timedelta(days=3)  # WeChat retries within 15 seconds; days leave room for inquiries


def claim(s: Session, account_id: int, key: str, now: datetime) -> bool:
    """Claim the message in the transaction that acts on it; False when it was handled already
    (a retry). On PostgreSQL a concurrent retry waits here until the first delivery's
    transaction ends: it then finds the row (and replays its reply), or claims it if the first
    one rolled back. On SQLite the write lock taken at BEGIN orders them the same way."""
    inserted = s.execute(
        upsert(s, WechatMessage)
        .values(account_id=account_id, key=key, received_at=now, reply=None)
        .on_conflict_do_nothing(index_elements=["account_id", "key"])
        .returning(WechatMessage.id)
    ).first()
    return inserted is not None


def record(s: Session, account_id: int, key: str, now: datetime, reply: str | None) -> bool:
    """Record a message that was acted on by reading only, with its reply (None: `success`), in
    one statement; False when it was recorded already (a retry: nothing to undo, replay the
    first reply). On PostgreSQL a concurrent retry's INSERT waits for the first delivery's
    transaction, as `claim` does."""
    values = {"account_id": account_id, "key": key, "received_at": now, "reply": reply}
    return s.execute(_record(s.get_bind().dialect.name), values).first() is not None


@cache
def _record(dialect: str) -> Any:
    """`record`'s INSERT … ON CONFLICT DO NOTHING RETURNING, built once per dialect."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(WechatMessage)
        .on_conflict_do_nothing(index_elements=["account_id", "key"])
        .returning(WechatMessage.id)
    )


def answered(s: Session, account_id: int, key: str, reply: str | None) -> None:
    """Keep the reply a claimed message got (None: `success`), for its retries."""
    s.execute(
        update(WechatMessage)
        .where(WechatMessage.account_id == account_id, WechatMessage.key == key)
        .values(reply=reply)
    )


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
    return int(n)
