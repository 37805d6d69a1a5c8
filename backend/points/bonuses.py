"""Sponsor-issued bonuses: a sponsor's admin awards a citizen (named by phone, as partners do)
points for a reason, out of that sponsor's own budget.

A bonus is the action type `bonus` of the methodology: 0 g CO2e (a gift, not a reduction),
confirmed at once (window 0) and capped per citizen and day across sponsors. Its points leave
the sponsors' pool like any earning, and the sponsor's budget (`point_sponsor_budgets`: its
fundings less its bonuses, kept by triggers, CHECK not negative) pays for them. The sponsor's
`external_id` makes it idempotent: the same id again returns the first bonus, awarding nothing.

Lock order, as every points transaction: the person's accounts, then the pool, then the
sponsor's budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import random_id, upsert
from backend.core.errors import Conflict, NotFound
from backend.points import earning, ledger, partners, sponsors
from backend.points.methodology import Methodology
from backend.points.models import (
    AccountKind,
    ActionSource,
    ActionStatus,
    Bonus,
    GreenAction,
    SponsorBudget,
    TransferKind,
)

TYPE = "bonus"
ACTIONS = cast(Table, GreenAction.__table__)
BUDGETS = cast(Table, SponsorBudget.__table__)
PREFIX = "bonus:"  # a bonus's external id, apart from the trips the same organisation reports


class BonusBudgetSpent(Conflict):
    slug, title = "bonus-budget-spent", "The sponsor's budget cannot pay this bonus"


class BonusCapReached(Conflict):
    slug, title = "bonus-cap-reached", "The citizen's bonuses for today are at the cap"


@dataclass(frozen=True)
class BonusRequest:
    phone: str
    points: int
    reason: str
    external_id: str


@dataclass(frozen=True)
class Awarded:
    """A bonus as its sponsor sees it; `duplicate` when the external id was awarded before."""

    action_id: str
    external_id: str
    points: int
    reason: str
    sponsor: str
    awarded_at: datetime
    duplicate: bool


def award(
    s: Session, sponsor_id: int, req: BonusRequest, by_user_id: int, m: Methodology
) -> Awarded:
    """Award the bonus in the caller's transaction, confirmed at once; 404 for a phone of
    nobody, 409 past the citizen's daily cap or the sponsor's budget."""
    sponsors.get(s, sponsor_id)
    external_id = PREFIX + req.external_id
    found = _existing(s, sponsor_id, external_id)
    if found is not None:
        return found
    user_id = partners.people(s, [req.phone]).get(req.phone)
    if user_id is None:
        raise NotFound("points.bonus_unknown_phone")
    ledger.lock(s, ledger.open_accounts(s, AccountKind.pending, [user_id]))
    now, kind = utcnow(), m.types[TYPE]
    day = now.astimezone(earning.CHENGDU).date().isoformat()
    given = s.scalar(
        select(func.coalesce(func.sum(ACTIONS.c.points), 0)).where(
            ACTIONS.c.user_id == user_id, ACTIONS.c.type == TYPE, ACTIONS.c.occurred_on == day
        )
    )
    if int(given or 0) + req.points > kind.daily_cap_g:
        raise BonusCapReached(
            "points.bonus_daily_cap",
            params={"cap": kind.daily_cap_g, "left": max(kind.daily_cap_g - int(given or 0), 0)},
        )
    if ledger.pool_left(s) < req.points:
        raise ledger.BudgetExhausted("points.budget_exhausted", params={"amount": req.points})
    left = s.execute(
        select(BUDGETS.c.bonus_left).where(BUDGETS.c.sponsor_id == sponsor_id).with_for_update()
    ).scalar_one()
    if left < req.points:
        raise BonusBudgetSpent(
            "points.bonus_budget_spent", params={"points": req.points, "left": left}
        )
    action_id = random_id("act_")
    inserted = s.execute(
        upsert(s, ACTIONS)
        .values(
            id=action_id,
            user_id=user_id,
            type=TYPE,
            source=ActionSource.partner,
            partner_id=sponsor_id,
            external_id=external_id,
            units_milli=int(Decimal(req.points) * 1000),
            occurred_at=now,
            occurred_on=day,
            points=req.points,
            status=ActionStatus.confirmed,
            confirm_after=now + kind.confirm,
            methodology=m.version,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(ACTIONS.c.id)
    ).first()
    if inserted is None:  # the same external id, awarded by a concurrent request
        return cast(Awarded, _existing(s, sponsor_id, external_id))
    s.add(
        Bonus(
            action_id=action_id,
            sponsor_id=sponsor_id,
            points=req.points,
            reason=req.reason,
            awarded_by_id=by_user_id,
            awarded_at=now,
        )
    )
    s.flush()  # its trigger takes the points from the sponsor's budget
    ledger.transfer(s, TransferKind.earn, user_id, req.points, reference=action_id)
    ledger.transfer(s, TransferKind.confirm, user_id, req.points, reference=action_id)
    return cast(Awarded, _existing(s, sponsor_id, external_id, duplicate=False))


def _existing(
    s: Session, sponsor_id: int, external_id: str, *, duplicate: bool = True
) -> Awarded | None:
    bonus = s.scalar(
        select(Bonus)
        .join(GreenAction, GreenAction.id == Bonus.action_id)
        .where(GreenAction.partner_id == sponsor_id, GreenAction.external_id == external_id)
    )
    if bonus is None:
        return None
    return Awarded(
        action_id=bonus.action_id,
        external_id=external_id.removeprefix(PREFIX),
        points=bonus.points,
        reason=bonus.reason,
        sponsor=bonus.sponsor.organisation.name,
        awarded_at=bonus.awarded_at,
        duplicate=duplicate,
    )
