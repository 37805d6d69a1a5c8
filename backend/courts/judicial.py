"""Settlement's question to the courts: was this order bought for a defendant? Then its
certificate is judicial (judicial restoration, non-transferable)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from backend.courts.models import CourtOrder


def is_court_order(s: Session, order_id: str) -> bool:
    """True when the order is linked to a court case's defendant."""
    return bool(s.scalar(select(exists().where(CourtOrder.order_id == order_id))))
