"""A person's footprints in their data export, and in their account's deletion."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backend.footprint.models import Footprint


def export(s: Session, user_id: int) -> list[dict[str, Any]]:
    """Each footprint as the API serves it (its frozen document)."""
    rows = s.scalars(
        select(Footprint).where(Footprint.user_id == user_id).order_by(Footprint.created_at)
    )
    return [fp.content() for fp in rows]


def erase(s: Session, user_id: int, keep: Collection[str]) -> None:
    """Delete the person's footprints, but for those in `keep` (behind an order, which must
    stay): they lose their owner and remain as anonymous calculations."""
    mine = Footprint.user_id == user_id
    s.execute(delete(Footprint).where(mine, Footprint.id.not_in(list(keep))))
    s.execute(update(Footprint).where(mine).values(user_id=None))
