"""A citizen's wallet: balance and history, actions, self-reported check-ins, redemption
against retired credits, and expiry."""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_, select
from sqlalchemy.orm import Session

from backend.certificates import issuing
from backend.certificates.issuing import Issuer
from backend.core.clock import utcnow
from backend.core.db import end_reads, random_id
from backend.credits import inventory
from backend.credits.models import Standard
from backend.idempotency import store as idempotency
from backend.points import ledger
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
PURPOSE = "碳惠天府积分兑换 Carbon-inclusion points redemption"


def history(
    s: Session, user_id: int, limit: int, before_id: int | None
) -> tuple[list[dict[str, Any]], int | None]:
    """Transfers touching the person's pending or wallet account, newest first."""
    mine = dict(
        s.execute(select(ACCOUNTS.c.id, ACCOUNTS.c.kind).where(ACCOUNTS.c.user_id == user_id)).all()
    )
    if not mine:
        return [], None
    q = select(TRANSFERS).where(
        or_(TRANSFERS.c.debit_account_id.in_(mine), TRANSFERS.c.credit_account_id.in_(mine))
    )
    if before_id is not None:
        q = q.where(TRANSFERS.c.id < before_id)
    rows = s.execute(q.order_by(TRANSFERS.c.id.desc()).limit(limit + 1)).all()
    items = [
        {
            "id": r.id,
            "kind": r.kind,
            "amount": r.amount,
            "from": mine.get(r.debit_account_id, "system"),
            "to": mine.get(r.credit_account_id, "system"),
            "reference": r.reference,
            "at": r.created_at,
        }
        for r in rows[:limit]
    ]
    return items, rows[limit - 1].id if len(rows) > limit else None


def actions(
    s: Session, user_id: int, limit: int, before: str | None
) -> tuple[list[GreenAction], str | None]:
    q = select(GreenAction).where(GreenAction.user_id == user_id)
    if before:
        q = q.where(GreenAction.id < before)
    rows = list(s.scalars(q.order_by(GreenAction.id.desc()).limit(limit + 1)))
    return rows[:limit], rows[limit - 1].id if len(rows) > limit else None


def redeem(
    s: Session,
    user_id: int,
    issuer: Issuer,
    m: Methodology,
    *,
    beneficiary: str,
    points: int | None = None,
    mass_g: int | None = None,
    preferences: dict[str, Any] | None = None,
    claim: idempotency.Claim | None = None,
) -> Redemption:
    """Spend points on credits retired for the citizen and issue their certificate, atomically.

    Rate: 1 point retires `point_grams` grams (1 g). A mass is rounded up to whole points.
    """
    if claim is not None and claim.resource_id is not None:
        return s.get_one(Redemption, claim.resource_id)
    spend = points if points is not None else math.ceil((mass_g or 0) / m.point_grams)
    mass = mass_g if mass_g is not None else spend * m.point_grams
    prefs = inventory.Preferences.from_dict(preferences)
    if not prefs.standards and not prefs.project_ids:
        prefs = dataclasses.replace(prefs, standards=DEFAULT_STANDARDS)
    rid, now = random_id("red_"), utcnow()
    end_reads(s)
    held = inventory.hold(s, prefs, mass, reference=rid, now=now)
    try:
        ledger.transfer(s, TransferKind.redeem, user_id, spend, reference=rid)
    except ledger.InsufficientPoints:
        s.rollback()  # the held credits go back with it
        raise
    inventory.allocate(s, held.id, now)
    cert = issuing.issue(
        s,
        issuer,
        reservation_id=held.id,
        beneficiary=beneficiary,
        purpose=PURPOSE,
        now=now,
        user_id=user_id,
    )
    redemption = Redemption(
        id=rid,
        user_id=user_id,
        points=spend,
        mass_g=mass,
        reservation_id=held.id,
        certificate_number=cert.number,
        created_at=now,
    )
    s.add(redemption)
    idempotency.record_resource(s, claim, rid)
    s.commit()
    return redemption


def expire_inactive(s: Session, days: int, now: datetime | None = None) -> int:
    """Expire the whole balance of wallets with no transfer for `days` (the documented rule)."""
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
            ledger.transfer(s, TransferKind.expire, user_id, balance, memo=f"inactive {days} days")
        except ledger.InsufficientPoints:  # spent meanwhile: next sweep
            s.rollback()
            continue
        s.commit()
    return len(due)
