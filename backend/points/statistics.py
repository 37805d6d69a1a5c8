"""The points economy in figures, for `/stats/points` and the yearly report: points funded,
issued, redeemed and expired; the reduction credited by action type; each sponsor's budget.
Every figure is a grouped query; a window limits the flows to a period (the report's year)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import Mapped, Session
from sqlalchemy.sql.elements import ColumnElement

from backend.accounts.models import Organisation
from backend.points import ledger, methodology
from backend.points.models import (
    AccountKind,
    ActionStatus,
    Bonus,
    Funding,
    GreenAction,
    RewardRedemption,
    Sponsor,
    SponsorBudget,
)
from backend.points.sponsors import CREDITS

Window = tuple[datetime, datetime] | None  # [start, end), or everything


def within(
    column: ColumnElement[datetime] | Mapped[datetime], window: Window
) -> ColumnElement[bool]:
    return true() if window is None else and_(column >= window[0], column < window[1])


@dataclass(frozen=True)
class Budget:
    """One sponsor's budget: what it funded and what of it citizens spent on its rewards (in a
    window), and the grams of its credits left now."""

    organisation_id: int
    name: str
    funded_points: int
    funded_fen: int
    funded_credits_g: int
    credits_left_g: int
    spent_points: int
    redemptions: int
    bonus_points: int  # awarded as bonuses (in the window)
    bonus_left: int  # what it may still award as bonuses, now


def budgets(s: Session, window: Window = None) -> list[Budget]:
    funded = (
        select(
            Funding.sponsor_id.label("sid"),
            func.sum(Funding.points).label("points"),
            func.coalesce(func.sum(Funding.amount_fen), 0).label("fen"),
            func.coalesce(func.sum(Funding.mass_g), 0).label("grams"),
        )
        .where(within(Funding.funded_at, window))
        .group_by(Funding.sponsor_id)
        .subquery()
    )
    spent = (
        select(
            RewardRedemption.sponsor_id.label("sid"),
            func.sum(RewardRedemption.points).label("points"),
            func.count().label("n"),
        )
        .where(within(RewardRedemption.created_at, window))
        .group_by(RewardRedemption.sponsor_id)
        .subquery()
    )
    bonuses = (
        select(Bonus.sponsor_id.label("sid"), func.sum(Bonus.points).label("points"))
        .where(within(Bonus.awarded_at, window))
        .group_by(Bonus.sponsor_id)
        .subquery()
    )
    left = (
        select(CREDITS.c.sponsor_id.label("sid"), func.sum(CREDITS.c.left_g).label("g"))
        .group_by(CREDITS.c.sponsor_id)
        .subquery()
    )
    rows = s.execute(
        select(
            Sponsor.organisation_id,
            Organisation.name,
            func.coalesce(funded.c.points, 0),
            func.coalesce(funded.c.fen, 0),
            func.coalesce(funded.c.grams, 0),
            func.coalesce(left.c.g, 0),
            func.coalesce(spent.c.points, 0),
            func.coalesce(spent.c.n, 0),
            func.coalesce(bonuses.c.points, 0),
            func.coalesce(SponsorBudget.bonus_left, 0),
        )
        .join(Organisation, Organisation.id == Sponsor.organisation_id)
        .outerjoin(bonuses, bonuses.c.sid == Sponsor.organisation_id)
        .outerjoin(SponsorBudget, SponsorBudget.sponsor_id == Sponsor.organisation_id)
        .outerjoin(funded, funded.c.sid == Sponsor.organisation_id)
        .outerjoin(spent, spent.c.sid == Sponsor.organisation_id)
        .outerjoin(left, left.c.sid == Sponsor.organisation_id)
        .order_by(Sponsor.organisation_id)
    ).all()
    return [Budget(*(r[0], r[1]), *(int(x) for x in r[2:])) for r in rows]


@dataclass(frozen=True)
class Reduction:
    """One action type: its confirmed actions and the grams CO2e credited to them, and the same
    for actions still pending (reversed ones count nowhere)."""

    type: str
    label_zh: str
    label_en: str
    actions: int
    mass_g: int
    pending_actions: int
    pending_g: int


@dataclass(frozen=True)
class Flows:
    """What moved in a window: points funded, issued (earned less reversed), redeemed and
    expired; grams credited to confirmed and to pending actions, by type; sponsors' budgets."""

    funded: int
    issued: int
    redeemed: int
    expired: int
    reduced_g: int
    pending_g: int
    reductions: list[Reduction]
    sponsors: list[Budget]


@dataclass(frozen=True)
class Totals(Flows):
    """Everything so far, and what is left now: the pool, and points pending or in wallets."""

    pool: int
    circulating: int


@cache
def type_labels() -> dict[str, tuple[str, str]]:
    """Action types and their Chinese and English names: the current methodology's in its
    order, then those only older versions have (named as the newest of them does)."""
    out: dict[str, tuple[str, str]] = {}
    for version in [methodology.CURRENT, *reversed(methodology.versions())]:
        for t in methodology.load(version).listed_types:
            out.setdefault(t.name, (t.label_zh, t.label_en))
    return out


def reductions(s: Session, window: Window = None) -> list[Reduction]:
    """Every action type (zeros included), with the actions that occurred in `window`."""
    rows = s.execute(
        select(GreenAction.type, GreenAction.status, GreenAction.methodology, func.count())
        .add_columns(func.sum(GreenAction.points))
        .where(
            GreenAction.status.in_((ActionStatus.confirmed, ActionStatus.pending)),
            within(GreenAction.occurred_at, window),
        )
        .group_by(GreenAction.type, GreenAction.status, GreenAction.methodology)
    ).all()
    count: Counter[tuple[str, str]] = Counter()
    grams: Counter[tuple[str, str]] = Counter()
    for kind, status, version, n, points in rows:
        key = (str(kind), ActionStatus(status).value)
        count[key] += int(n)
        m = methodology.load(str(version))
        if (t := m.types.get(str(kind))) is None or t.measured:
            grams[key] += int(points) * m.point_grams
    labels = type_labels()
    extra = sorted({kind for kind, _ in count} - labels.keys())
    done, pending = ActionStatus.confirmed.value, ActionStatus.pending.value
    return [
        Reduction(
            kind,
            *labels.get(kind, (kind, kind)),
            actions=count[kind, done],
            mass_g=grams[kind, done],
            pending_actions=count[kind, pending],
            pending_g=grams[kind, pending],
        )
        for kind in [*labels, *extra]
    ]


def flows(s: Session, window: Window = None) -> Flows:
    moved = dict(
        s.execute(
            select(ledger.TRANSFERS.c.kind, func.sum(ledger.TRANSFERS.c.amount))
            .where(within(ledger.TRANSFERS.c.created_at, window))
            .group_by(ledger.TRANSFERS.c.kind)
        ).all()
    )
    funded = s.scalar(
        select(func.coalesce(func.sum(Funding.points), 0)).where(within(Funding.funded_at, window))
    )
    by_type = reductions(s, window)
    return Flows(
        funded=int(funded or 0),
        issued=int(moved.get("earn", 0)) - int(moved.get("reverse", 0)),
        redeemed=int(moved.get("redeem", 0)),
        expired=int(moved.get("expire", 0)),
        reduced_g=sum(r.mass_g for r in by_type),
        pending_g=sum(r.pending_g for r in by_type),
        reductions=by_type,
        sponsors=budgets(s, window),
    )


def totals(s: Session) -> Totals:
    sums = dict(
        s.execute(
            select(ledger.ACCOUNTS.c.kind, func.sum(ledger.ACCOUNTS.c.balance))
            .where(ledger.ACCOUNTS.c.user_id.is_not(None))
            .group_by(ledger.ACCOUNTS.c.kind)
        ).all()
    )
    return Totals(
        **vars(flows(s)),
        pool=ledger.pool_balance(s),
        circulating=int(sums.get(AccountKind.pending, 0)) + int(sums.get(AccountKind.wallet, 0)),
    )
