"""A participant's trades."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from backend.market.models import Trade

PAGE = 200


def of(s: Session, participant_id: int) -> list[Trade]:
    """Bought and sold, newest first (the latest `PAGE`), with their projects in the same
    query (the schema names them)."""
    return list(
        s.scalars(
            select(Trade)
            .options(joinedload(Trade.project, innerjoin=True))
            .where(or_(Trade.buyer_id == participant_id, Trade.seller_id == participant_id))
            .order_by(Trade.id.desc())
            .limit(PAGE)
        )
    )
