"""The order state machine: every status change goes through `transition`.

awaiting_payment ──▶ paid ──▶ retired
      │   │           │         │
      │   └▶ expired ─┤         │      (a late payment re-reserves, or is refunded)
      └▶ cancelled ───┴─────────┴──▶ refunded
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from backend.core.errors import Conflict, NotFound
from backend.core.messages import Coded
from backend.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.awaiting_payment: frozenset({S.paid, S.cancelled, S.expired}),
    S.paid: frozenset({S.retired, S.refunded}),
    S.expired: frozenset({S.paid, S.refunded}),
    S.cancelled: frozenset({S.refunded}),
    S.retired: frozenset({S.refunded}),  # refunded at the provider: the credits stay retired
    S.refunded: frozenset(),
}
SOURCES: dict[OrderStatus, tuple[OrderStatus, ...]] = {
    to: tuple(src for src, targets in TRANSITIONS.items() if to in targets) for to in OrderStatus
}
STATUS_CODES = {status: f"orders.status.{status.value}" for status in OrderStatus}
ORDERS = cast(Table, Order.__table__)
EVENTS = cast(Table, OrderEvent.__table__)


class IllegalTransition(Conflict):
    slug, title = "illegal-transition", "The order cannot do that now"

    def __init__(self, order_id: str, now: OrderStatus, to: OrderStatus) -> None:
        words = {"status": Coded(STATUS_CODES[now]), "to": Coded(STATUS_CODES[to])}
        super().__init__(
            "orders.illegal_transition",
            params={"order_id": order_id, **words},
            status_now=now.value,
        )


def transition(
    s: Session,
    target: Order | str,
    to: OrderStatus,
    now: datetime,
    reason: str = "",
    **values: Any,
) -> OrderStatus:
    """Move the order to `to` if its current status allows it (one conditional UPDATE), record
    the event, and return the status it left; 409 otherwise. The caller commits.

    Given the order itself (its row locked by the caller), its status is taken from it and the
    object is kept in step with what was written, with no second read.
    """
    if isinstance(target, str):
        order_id, current = target, _locked_status(s, target)
    else:
        order_id, current = target.id, target.status
    if current not in SOURCES[to]:
        raise IllegalTransition(order_id, current, to)
    changes = {"status": to, "updated_at": now, **values}
    s.execute(
        update(ORDERS).where(ORDERS.c.id == order_id, ORDERS.c.status == current).values(changes)
    )
    s.execute(
        insert(EVENTS).values(
            order_id=order_id, from_status=current, to_status=to, reason=reason[:200], at=now
        )
    )
    if not isinstance(target, str):
        for key, value in changes.items():
            set_committed_value(target, key, value)
    return current


def _locked_status(s: Session, order_id: str) -> OrderStatus:
    found = s.execute(select(ORDERS.c.status).where(ORDERS.c.id == order_id).with_for_update())
    status = found.scalar()
    if status is None:
        raise NotFound("orders.no_such_order")
    return OrderStatus(status)
