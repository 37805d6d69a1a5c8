"""A deleted account's stored idempotent responses (they may hold its orders) go with it."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from backend.accounts.events import AccountDeleted
from backend.idempotency.models import IdempotencyKey


def erase(s: Session, event: AccountDeleted) -> None:
    s.execute(delete(IdempotencyKey).where(IdempotencyKey.scope == f"user:{event.user_id}"))
