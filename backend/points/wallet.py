"""A citizen's wallet: balance and history, actions, self-reported check-ins, redemption
against retired credits, and expiry."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, and_, func, or_, select, union
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.certificates import issuing
from backend.certificates.issuing import Issuer
from backend.core import uow
from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.credits import inventory
from backend.credits.models import Standard
from backend.footprint.purpose import Purpose, PurposeKind
from backend.idempotency import store as idempotency
from backend.points import earning, ledger, venues
from backend.points.methodology import Methodology
from backend.points.models import (
    AccountKind,
    GreenAction,
    PointAccount,
    PointTransfer,
    Redemption,
    TransferKind,
)

ACCOUNTS = cast(Table, PointAccount.__table__)
TRANSFERS = cast(Table, PointTransfer.__table__)
DEFAULT_STANDARDS = (Standard.CDCER,)  # 碳惠天府's own credits, unless the citizen chooses
PURPOSE = Purpose(PurposeKind.points)


@dataclass(frozen=True)
class Movement:
    """A transfer as its person sees it: which of their accounts (or `system`) it left and
    reached."""

    id: int
    kind: TransferKind
    amount: int
    from_: str
    to: str
    reference: str
    at: datetime


@dataclass(frozen=True)
class Statement:
    """A person's balances and a page of their movements, newest first."""

    balance: int
    pending: int
    history: list[Movement]
    next_cursor: int | None


@dataclass(frozen=True)
class ActionPage:
    items: list[GreenAction]
    next_cursor: str | None


@dataclass(frozen=True)
class RedemptionRequest:
    """Points to spend or a mass to retire (exactly one), on which credits, in whose name."""

    points: int | None = None
    mass_g: int | None = None
    preferences: inventory.Preferences = field(default_factory=inventory.Preferences)
    beneficiary: str | None = None  # default: the person's display name


def statement(s: Session, user_id: int, limit: int, before_id: int | None) -> Statement:
    """Balances, and the transfers touching the person's pending or wallet account."""
    b = ledger.balances(s, user_id)
    mine = dict(
        s.execute(select(ACCOUNTS.c.id, ACCOUNTS.c.kind).where(ACCOUNTS.c.user_id == user_id)).all()
    )
    if not mine:
        return Statement(b.wallet, b.pending, [], None)
    rows = s.execute(_newest(list(mine), limit + 1, before_id)).all()
    history = [
        Movement(
            id=r.id,
            kind=r.kind,
            amount=r.amount,
            from_=mine.get(r.debit_account_id, "system"),
            to=mine.get(r.credit_account_id, "system"),
            reference=r.reference,
            at=r.created_at,
        )
        for r in rows[:limit]
    ]
    nxt = rows[limit - 1].id if len(rows) > limit else None
    return Statement(b.wallet, b.pending, history, nxt)


def _newest(accounts: list[int], n: int, before_id: int | None) -> Select[Any]:
    """The `n` newest transfers touching `accounts`, before `before_id`: the newest `n` of each
    account on each side, each an equality range of the (account, id) index read backwards and
    stopped after `n`, then merged; so a page costs the same whatever the person's history or
    the ledger's size. One `OR` over both sides let PostgreSQL choose between sorting every
    transfer of the person and walking the whole ledger backwards by id until `n` matched (it
    chose the walk for the most active person at 10^6 transfers, bench/growth.py): cheap for
    someone active today, a scan of the ledger for someone whose last movements are old."""
    sides = []
    for account in accounts:
        for column in (TRANSFERS.c.debit_account_id, TRANSFERS.c.credit_account_id):
            q = select(TRANSFERS).where(column == account)
            if before_id is not None:
                q = q.where(TRANSFERS.c.id < before_id)
            sides.append(select(q.order_by(TRANSFERS.c.id.desc()).limit(n).subquery()))
    both = union(*sides).subquery()  # UNION: a transfer between the person's own accounts once
    return select(both).order_by(both.c.id.desc()).limit(n)


def actions(s: Session, user_id: int, limit: int, before: str | None) -> ActionPage:
    q = select(GreenAction).where(GreenAction.user_id == user_id)
    if before:
        q = q.where(GreenAction.id < before)
    rows = list(s.scalars(q.order_by(GreenAction.id.desc()).limit(limit + 1)))
    return ActionPage(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


def check_in(
    s: Session, secret_key: str, user_id: int, code: str, window_s: int, m: Methodology
) -> earning.Batch:
    """Check the person in at the venue whose current code they scanned (422 otherwise), once a
    venue a day."""
    venue = venues.verify(s, secret_key, code, window_s)
    return earning.check_in(s, user_id, venue.id, m)


def redeem(
    s: Session,
    user: User,
    issuer: Issuer,
    m: Methodology,
    req: RedemptionRequest,
    *,
    claim: idempotency.Claim | None = None,
    held: inventory.Held | None = None,
) -> Redemption:
    """Spend points on credits retired for the citizen and issue their certificate, in the
    caller's transaction: if anything fails it raises, and the caller's rollback takes the held
    credits back with the points. `held`: credits already reserved (a sponsor's, drawn for an
    offset) instead of holding them by the preferences.

    Rate: 1 point retires `point_grams` grams (1 g). A mass is rounded up to whole points.
    """
    if claim is not None and claim.resource_id is not None:
        return s.get_one(Redemption, claim.resource_id)
    spend = req.points if req.points is not None else math.ceil((req.mass_g or 0) / m.point_grams)
    mass = req.mass_g if req.mass_g is not None else spend * m.point_grams
    prefs = req.preferences
    if not prefs.standards and not prefs.project_ids:
        prefs = dataclasses.replace(prefs, standards=DEFAULT_STANDARDS)
    rid, now = random_id("red_"), utcnow()
    held = held or inventory.hold(s, prefs, mass, reference=rid, now=now)
    ledger.transfer(s, TransferKind.redeem, user.id, spend, reference=rid)
    inventory.allocate(s, held.id, now)
    beneficiary = req.beneficiary or user.display_name
    cert = issuing.issue(
        s,
        issuer,
        reservation_id=held.id,
        beneficiary=beneficiary,
        purpose=PURPOSE,
        now=now,
        user_id=user.id,
    )
    redemption = Redemption(
        id=rid,
        user_id=user.id,
        points=spend,
        mass_g=mass,
        reservation_id=held.id,
        certificate_number=cert.number,
        created_at=now,
    )
    s.add(redemption)
    idempotency.record_resource(s, claim, rid)
    s.flush()
    return redemption


def expire_inactive(s: Session, days: int, now: datetime | None = None) -> int:
    """Expire the whole balance of wallets with no transfer for `days` (the documented rule).

    A sweep: the worker owns its transaction. A wallet spent meanwhile is left to the next
    sweep (its savepoint is rolled back alone)."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    last = (
        select(func.max(TRANSFERS.c.created_at))
        .where(
            or_(
                TRANSFERS.c.debit_account_id == ACCOUNTS.c.id,
                TRANSFERS.c.credit_account_id == ACCOUNTS.c.id,
            )
        )
        .scalar_subquery()
    )
    due = s.execute(
        select(ACCOUNTS.c.user_id, ACCOUNTS.c.balance).where(
            and_(ACCOUNTS.c.kind == AccountKind.wallet, ACCOUNTS.c.balance > 0, last < cutoff)
        )
    ).all()
    for user_id, balance in due:
        try:
            with uow.savepoint(s):
                memo = f"inactive {days} days"
                ledger.transfer(s, TransferKind.expire, user_id, balance, memo=memo)
        except ledger.InsufficientPoints:
            continue
    return len(due)
