"""Opaque keyset-pagination cursors: the (timestamp, id) of the last row of a page."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from backend.core.errors import ValidationFailed


def encode(at: datetime, row_id: object) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, str]:
    """(timestamp, id as text); a 422 naming `cursor` if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, row_id = raw.split("|", 1)
        return datetime.fromisoformat(at), row_id
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor", "core.cursor") from None


def newest_first(
    s: Session,
    q: Select[Any],
    at: InstrumentedAttribute[Any],
    key: InstrumentedAttribute[Any],
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    """One page of `q`'s rows, newest first by (`at`, `key`), after `cursor`; and the next
    page's cursor, or None on the last page."""
    if cursor:
        last_at, last_key = decode(cursor)
        q = q.where(or_(at < last_at, and_(at == last_at, key < last_key)))
    rows = list(s.scalars(q.order_by(at.desc(), key.desc()).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode(getattr(rows[-1], at.key), getattr(rows[-1], key.key))
