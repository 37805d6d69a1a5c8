"""Who may hold credits while not paying for them, and how much.

Unpaid orders hold credits for up to ORDER_TTL_SECONDS. Without a bound, one person could hold a
whole project's stock (one unpaid order once held all 43,999 t of Sichuan forestry credits) and
starve everyone else, defendants included. Two rules:

- a cap per owner (the person, or the organisation an order is filed under) on unpaid orders, by
  count and by mass. The owner's row is locked first, so concurrent orders of one owner queue and
  the cap holds under concurrency. Judicial orders are bounded by what the court requires
  instead (courts enforce that), so they do not count here;
- a judicial purchase is never starved by unpaid consumer holds: when the eligible stock is
  short, the newest unpaid non-judicial orders holding eligible lots are expired until enough is
  free. If such a customer pays afterwards, the late-payment rule applies (their credits are
  held again, or the money is refunded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.core import uow
from backend.core.errors import Conflict
from backend.credits import inventory
from backend.credits.models import Lot, ReservationLine
from backend.orders import reasons, settlement
from backend.orders.models import Order, OrderStatus
from backend.orders.states import IllegalTransition


@dataclass(frozen=True)
class UnpaidLimits:
    """ORDER_UNPAID_MAX_COUNT and ORDER_UNPAID_MAX_MASS_G."""

    max_count: int = 10
    max_mass_g: int = 200_000_000


class TooManyUnpaid(Conflict):
    slug, title = "too-many-unpaid-orders", "Too many unpaid orders"


def check_cap(
    s: Session,
    user_id: int | None,
    organisation_id: int | None,
    mass_g: int,
    limits: UnpaidLimits,
    now: datetime,
) -> None:
    """409 `too-many-unpaid-orders` if one more unpaid order of `mass_g` would pass the cap."""
    if organisation_id is not None:
        owner = select(Organisation.id).where(Organisation.id == organisation_id)
        mine = Order.organisation_id == organisation_id
    else:
        owner = select(User.id).where(User.id == user_id)
        mine = (Order.user_id == user_id) & Order.organisation_id.is_(None)
    # The owner's row first: one owner's orders queue there. The sums are read after the lock,
    # in a statement of their own, so they see what the order before this one committed.
    # FOR NO KEY UPDATE (key_share), not FOR UPDATE: a foreign key check on the owner (a row
    # naming it inserted, or an order updated twice in one transaction) takes FOR KEY SHARE on
    # it, which FOR UPDATE blocks; an order holding the owner while it waits for a hot lot, and
    # a settlement holding that lot while it marks its order retired, deadlocked
    # (bench/nodes.py, docs/scaling.md).
    s.execute(owner.with_for_update(key_share=True))
    count, held = s.execute(
        select(func.count(), func.coalesce(func.sum(Order.mass_g), 0)).where(
            mine,
            Order.status == OrderStatus.awaiting_payment,
            Order.expires_at > now,
            Order.judicial.is_(False),
        )
    ).one()
    if count + 1 > limits.max_count or held + mass_g > limits.max_mass_g:
        caps: dict[str, Any] = {
            "unpaid_orders": int(count),
            "unpaid_mass_g": int(held),
            "max_orders": limits.max_count,
            "max_mass_g": limits.max_mass_g,
        }
        raise TooManyUnpaid("orders.too_many_unpaid", params=caps, **caps)


def make_room(s: Session, prefs: inventory.Preferences, needed_g: int, now: datetime) -> int:
    """Expire the newest unpaid consumer orders holding lots `prefs` accepts until `needed_g`
    of those lots is free again; returns the grams freed (for a judicial purchase)."""
    eligible = prefs.matching(Lot.id).order_by(None).scalar_subquery()
    candidates = s.execute(
        select(Order.id, func.sum(ReservationLine.mass_g))
        .join(ReservationLine, ReservationLine.reservation_id == Order.reservation_id)
        .where(
            Order.status == OrderStatus.awaiting_payment,
            Order.judicial.is_(False),
            ReservationLine.lot_id.in_(eligible),
        )
        .group_by(Order.id, Order.created_at)
        .order_by(Order.created_at.desc())
    ).all()
    freed = 0
    for order_id, grams in candidates:
        if freed >= needed_g:
            break
        try:
            with uow.savepoint(s):
                settlement.close_unpaid(s, order_id, OrderStatus.expired, reasons.FOR_A_COURT, now)
        except IllegalTransition:
            continue  # paid or closed meanwhile
        freed += int(grams)
    return freed
