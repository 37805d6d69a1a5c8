"""What was ordered for each defendant and case, kept in step with their orders.

`court_defendants.ordered_g` and `court_cases.ordered_g` hold the grams of live orders (awaiting
payment, paid or retired) bought through a case's links, and CHECK constraints keep them within
what the defendant (or the case, when its defendants restore a mass together) must restore. An
order is counted when it is placed and uncounted when it stops being live (cancelled, expired,
refunded); a late payment that revives an expired order counts it again, or is refused (and
refunded) if the case no longer needs it. `court_orders.counted` makes every step idempotent.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.errors import Conflict
from backend.courts.models import CourtCase, CourtOrder, Defendant
from backend.orders.events import OrderChanged, OrderPaid, RefuseRetirement


class LimitReached(Conflict):
    slug, title = "purchase-limit-reached", "More than the case still needs"


def count(s: Session, order_id: str, mass_g: int) -> None:
    """Add a live order's grams to its defendant and case; 409 if that passes their limit."""
    try:
        with uow.savepoint(s):
            _move(s, order_id, mass_g, counted=True)
    except IntegrityError:
        raise LimitReached("courts.limit_reached") from None


def uncount(s: Session, event: OrderChanged) -> None:
    """An order stopped being live: its grams no longer count."""
    _move(s, event.order_id, -event.mass_g, counted=False)


def recount_revived(s: Session, event: OrderPaid) -> None:
    """A late payment revived an expired order: count it again, or refuse the retirement."""
    try:
        count(s, event.order_id, event.mass_g)
    except LimitReached as full:
        raise RefuseRetirement("courts.no_longer_needed") from full


def _move(s: Session, order_id: str, grams: int, *, counted: bool) -> None:
    link = s.execute(
        update(CourtOrder)
        .where(CourtOrder.order_id == order_id, CourtOrder.counted.is_(not counted))
        .values(counted=counted)
        .returning(CourtOrder.defendant_id, CourtOrder.case_id)
    ).first()
    if link is None:
        return  # not a court order, or already in this state
    s.execute(
        update(Defendant)
        .where(Defendant.id == link.defendant_id)
        .values(ordered_g=Defendant.ordered_g + grams)
    )
    s.execute(
        update(CourtCase)
        .where(CourtCase.id == link.case_id)
        .values(ordered_g=CourtCase.ordered_g + grams)
    )
