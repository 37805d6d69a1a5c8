"""A person's orders in their data export, and in their account's deletion.

Orders are the record of what was paid and retired, so they stay; deleting the account only
cuts them (and the footprints behind them) from the person.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts.events import AccountDeleted
from backend.footprint import personal_data as footprints
from backend.footprint.models import Footprint
from backend.orders import services
from backend.orders.models import Order
from backend.orders.schemas import OrderSchema


def export(s: Session, user_id: int) -> list[dict[str, Any]]:
    """Each order the person placed, with its payment and history."""
    orders = list(
        s.scalars(select(Order).where(Order.user_id == user_id).order_by(Order.created_at))
    )
    dumped: list[dict[str, Any]] = OrderSchema(many=True).dump(
        services.views(s, orders, {}, history=True)
    )
    return dumped


def erase(s: Session, event: AccountDeleted) -> None:
    """Unlink the person's orders; delete their footprints but those orders refer to."""
    theirs = select(Footprint.id).where(Footprint.user_id == event.user_id)
    kept = s.scalars(select(Order.footprint_id).where(Order.footprint_id.in_(theirs)).distinct())
    footprints.erase(s, event.user_id, {fid for fid in kept if fid is not None})
    s.execute(update(Order).where(Order.user_id == event.user_id).values(user_id=None))
