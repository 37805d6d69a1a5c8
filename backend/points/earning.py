"""Earning points from reported actions, a batch at a time and set-based: a few statements per
batch however many actions it holds.

Per action: the type must exist (and, self-reported, be a check-in); a trip that earns by the
mode it replaced (a bike ride, a walk) names a mode the methodology knows, and a walk must name
one; its distance, speed and units must be plausible; a (partner, external id) counts once, and
so does a trip or venue-day (`trip_key`) whoever reports it; daily caps per person and type
bound what it earns. Accepted actions earn into `pending`, confirmed when their window closes
(`confirm_due`); a type whose window is zero is confirmed in the batch itself.
"""

from __future__ import annotations

import dataclasses
import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.clock import utcnow
from backend.core.db import among, random_id, unnest, upsert
from backend.points import ledger
from backend.points.methodology import ActionType, Methodology
from backend.points.models import (
    AccountKind,
    ActionSource,
    ActionStatus,
    GreenAction,
    TransferKind,
)

ACTIONS = cast(Table, GreenAction.__table__)
CHENGDU = ZoneInfo("Asia/Shanghai")
MAX_AGE = timedelta(days=30)
CLOCK_SKEW = timedelta(minutes=5)


class Reason(enum.StrEnum):
    """Why a report earned nothing: a machine code (the app words it, `reason.<code>`)."""

    unknown_user = "unknown_user"  # no account for the phone reported
    no_travel_consent = "no_travel_consent"  # the person has not agreed to partners' travel data
    unknown_type = "unknown_type"
    not_self_reportable = "not_self_reportable"  # only check-ins may be self-reported
    units_not_positive = "units_not_positive"
    in_the_future = "in_the_future"
    too_old = "too_old"  # older than MAX_AGE
    implausible_units = "implausible_units"
    implausible_distance = "implausible_distance"
    missing_or_bad_ended_at = "missing_or_bad_ended_at"
    implausible_speed = "implausible_speed"
    missing_venue = "missing_venue"
    daily_cap_reached = "daily_cap_reached"
    too_small = "too_small"  # worth less than a point
    already_counted = "already_counted"  # the same trip or venue-day, reported before
    missing_replaces = "missing_replaces"  # a walk counts only as a certified motorised trip
    unknown_replaces = "unknown_replaces"  # a replaced mode the type has no factor for
    budget_exhausted = "budget_exhausted"  # the sponsors' pool is empty
    # reversals
    already_confirmed = "already_confirmed"  # its window closed: points in the wallet
    already_reversed = "already_reversed"
    not_found = "not_found"


@dataclass(frozen=True)
class Reported:
    """One action as a partner or the app reports it."""

    user_id: int | None
    type: str
    units: Decimal  # km for pkm types, steps (2026.1 walks), check-ins, items or orders
    started_at: datetime
    ended_at: datetime | None = None
    external_id: str | None = None
    venue: str | None = None
    replaces: str | None = None  # the mode the trip replaced, as the partner certifies it
    refused: Reason | None = None  # refused before earning (no consent): the reason


@dataclass(frozen=True)
class Outcome:
    """What became of report number `index` of a batch."""

    index: int
    status: str  # accepted, duplicate, rejected (reversals: reversed, rejected)
    reason: Reason | None = None
    action_id: str | None = None
    points: int = 0
    capped: bool = False


@dataclass(frozen=True)
class Batch:
    """The outcome of each report of a batch, in the order reported."""

    results: list[Outcome]

    @property
    def accepted(self) -> int:
        return sum(o.status == "accepted" for o in self.results)

    @property
    def duplicates(self) -> int:
        return sum(o.status == "duplicate" for o in self.results)

    @property
    def rejected(self) -> int:
        """Every other outcome (in a reversal batch, the reversed ones too)."""
        return len(self.results) - self.accepted - self.duplicates


@dataclass
class _Accepted:
    index: int
    row: dict[str, Any]
    kind: ActionType = field(repr=False)


def _reject(index: int, reason: Reason) -> Outcome:
    return Outcome(index, "rejected", reason)


def _plausible(t: ActionType, r: Reported, now: datetime) -> Reason | None:
    if r.units <= 0:
        return Reason.units_not_positive
    if r.started_at > now + CLOCK_SKEW:
        return Reason.in_the_future
    if r.started_at < now - MAX_AGE:
        return Reason.too_old
    if t.max_units is not None and r.units > t.max_units:
        return Reason.implausible_units
    if t.unit == "pkm":
        if t.max_km is not None and r.units > t.max_km:
            return Reason.implausible_distance
        if r.ended_at is None or r.ended_at <= r.started_at:
            return Reason.missing_or_bad_ended_at
        hours = Decimal((r.ended_at - r.started_at).total_seconds()) / 3600
        if t.max_speed_kmh is not None and r.units / hours > t.max_speed_kmh:
            return Reason.implausible_speed
    if t.unit == "checkin" and not r.venue:
        return Reason.missing_venue
    return None


def _trip_key(t: ActionType, r: Reported, day: str) -> str | None:
    """What makes two reports the same trip: a venue check-in counts once a day."""
    return f"checkin:{r.venue}:{day}" if t.unit == "checkin" else None


def earn(
    s: Session,
    reports: list[Reported],
    m: Methodology,
    *,
    source: ActionSource,
    partner_id: int | None = None,
    now: datetime | None = None,
) -> Batch:
    """Record a batch in the caller's transaction; one outcome per report, in order."""
    now = now or utcnow()
    out: list[Outcome | None] = [None] * len(reports)
    users = sorted({r.user_id for r in reports if r.user_id is not None})
    pending = ledger.open_accounts(s, AccountKind.pending, users)
    ledger.lock(s, pending)  # concurrent batches for the same people queue here (caps)
    seen = _existing(s, partner_id, [r.external_id for r in reports if r.external_id])
    used = _used_today(s, users, {_day(r.started_at) for r in reports}, source)
    accepted: list[_Accepted] = []
    for i, r in enumerate(reports):
        t = m.types.get(r.type)
        refused = _screen(i, r, t, m, source, seen, now)
        if refused is not None or t is None:
            out[i] = refused
            continue
        out[i] = outcome = _admit(i, r, t, m, source, partner_id, used, accepted, now)
        if r.external_id is not None and outcome.status == "accepted":
            seen[r.external_id] = accepted[-1].row["id"]
    if accepted:
        _record(s, accepted, out, pending, now)
    return Batch([o for o in out if o is not None])


def check_in(
    s: Session, user_id: int, venue: str, m: Methodology, now: datetime | None = None
) -> Batch:
    """A check-in the citizen reports now at a venue whose code `venues.verify` accepted."""
    report = Reported(
        user_id=user_id, type="checkin", units=Decimal(1), started_at=now or utcnow(), venue=venue
    )
    return earn(s, [report], m, source=ActionSource.self, now=now)


def _screen(
    i: int,
    r: Reported,
    t: ActionType | None,
    m: Methodology,
    source: ActionSource,
    seen: dict[str, str],
    now: datetime,
) -> Outcome | None:
    """A report refused or already counted, before the caps; None if it may earn."""
    if r.user_id is None:
        return _reject(i, Reason.unknown_user)
    if r.refused is not None:
        return _reject(i, r.refused)
    if t is None:
        return _reject(i, Reason.unknown_type)
    if source == ActionSource.self and r.type not in m.self_report_types:
        return _reject(i, Reason.not_self_reportable)
    if t.rate(r.replaces) is None:
        return _reject(
            i, Reason.missing_replaces if r.replaces is None else Reason.unknown_replaces
        )
    if r.external_id is not None and r.external_id in seen:
        return Outcome(i, "duplicate", Reason.already_counted, action_id=seen[r.external_id])
    reason = _plausible(t, r, now)
    return _reject(i, reason) if reason else None


def _day(at: datetime) -> str:
    return at.astimezone(CHENGDU).date().isoformat()


def _existing(s: Session, partner_id: int | None, external_ids: list[str]) -> dict[str, str]:
    if partner_id is None or not external_ids:
        return {}
    rows = s.execute(
        select(ACTIONS.c.external_id, ACTIONS.c.id).where(
            ACTIONS.c.partner_id == partner_id, among(s, ACTIONS.c.external_id, external_ids)
        )
    ).all()
    return {ext: action_id for ext, action_id in rows}


def _used_today(
    s: Session, users: list[int], days: set[str], source: ActionSource
) -> dict[tuple[int, str, str, bool], int]:
    """Points already earned per (user, type, day, self-reported?), reversals excluded."""
    if not users:
        return {}
    rows = s.execute(
        select(
            ACTIONS.c.user_id,
            ACTIONS.c.type,
            ACTIONS.c.occurred_on,
            ACTIONS.c.source == ActionSource.self,
            func.sum(ACTIONS.c.points),
        )
        .where(
            among(s, ACTIONS.c.user_id, users),
            ACTIONS.c.occurred_on.in_(days),
            ACTIONS.c.status != ActionStatus.reversed,
        )
        .group_by(ACTIONS.c.user_id, ACTIONS.c.type, ACTIONS.c.occurred_on, ACTIONS.c.source)
    ).all()
    used: dict[tuple[int, str, str, bool], int] = defaultdict(int)
    for user, kind, day, is_self, points in rows:
        used[(user, kind, day, bool(is_self))] += int(points)
    return used


def _admit(
    i: int,
    r: Reported,
    t: ActionType,
    m: Methodology,
    source: ActionSource,
    partner_id: int | None,
    used: dict[tuple[int, str, str, bool], int],
    accepted: list[_Accepted],
    now: datetime,
) -> Outcome:
    """Apply the daily caps; an accepted action gets its row (inserted with the batch)."""
    assert r.user_id is not None  # noqa: S101 - checked by the caller
    day = _day(r.started_at)
    is_self = source == ActionSource.self
    all_used = used[(r.user_id, t.name, day, False)] + used[(r.user_id, t.name, day, True)]
    room = t.daily_cap_g - all_used
    if is_self and t.self_daily_cap_g is not None:
        room = min(room, t.self_daily_cap_g - used[(r.user_id, t.name, day, True)])
    grams = t.grams(r.units, r.replaces)
    points = min(grams // m.point_grams, max(room, 0))
    if room <= 0:
        return _reject(i, Reason.daily_cap_reached)
    if points <= 0:
        return _reject(i, Reason.too_small)
    used[(r.user_id, t.name, day, is_self)] += points
    window = t.self_confirm if is_self and t.self_confirm else t.confirm
    row: dict[str, Any] = {
        "id": random_id("act_"),
        "user_id": r.user_id,
        "type": t.name,
        "source": source,
        "partner_id": partner_id,
        "external_id": r.external_id,
        "trip_key": _trip_key(t, r, day),
        "units_milli": int(r.units * 1000),
        "replaces": r.replaces,
        "occurred_at": r.started_at,
        "occurred_on": day,
        "points": points,
        "status": ActionStatus.pending,
        "confirm_after": now + window,
        "methodology": m.version,
        "created_at": now,
    }
    accepted.append(_Accepted(i, row, t))
    return Outcome(i, "accepted", action_id=row["id"], points=points, capped=points < grams)


def _record(
    s: Session,
    accepted: list[_Accepted],
    out: list[Outcome | None],
    pending: dict[int, int],
    now: datetime,
) -> None:
    """Write the batch within the sponsors' pool, whose one row every earning batch locks: as
    late and as briefly as can be.

    When the pool as last committed (read without a lock) holds the whole batch, the batch is
    written with its earn transfers last, so the pool is locked by that statement's trigger
    until the commit only. If concurrent batches took the pool meanwhile, the pool's CHECK
    refuses that statement: the attempt is undone to its savepoint and the batch is cut under
    the pool's lock, as when the pool looked short from the start.
    """
    if sum(a.row["points"] for a in accepted) <= ledger.pool_balance(s):
        try:
            with uow.savepoint(s):
                _write(s, accepted, out, pending, now)
            return
        except IntegrityError as exc:
            if not ledger.pool_refused(exc):
                raise
    _write(s, _within_budget(s, accepted, out), out, pending, now)


def _write(
    s: Session,
    accepted: list[_Accepted],
    out: list[Outcome | None],
    pending: dict[int, int],
    now: datetime,
) -> None:
    """The actions, their earn transfers (the pool's trigger takes the points out) and, for a
    zero window, their confirmation."""
    reference = f"earn:{now.isoformat()}"
    if not accepted:
        return
    if s.get_bind().dialect.name == "postgresql":
        _mark_duplicates(accepted, out, _insert_and_earn(s, [a.row for a in accepted], reference))
    else:
        _insert(s, accepted, out)
        ledger.earn_many(s, pending, _points_by_user(accepted, out), reference)
    at_once = [a.row["id"] for a in accepted if a.row["confirm_after"] <= now]
    if at_once:  # a zero window: in the wallet with the batch, not a sweep later
        _confirm(s, at_once)


def _insert_and_earn(s: Session, rows: list[dict[str, Any]], reference: str) -> set[str]:
    """PostgreSQL: the whole batch, from its rows to the ledger, in one statement; the ids of
    the actions inserted.

    The rows come as one array per column (`unnest`); `ON CONFLICT DO NOTHING` leaves out an
    action another batch got in first (the same external id or trip), so only what was
    inserted is summed per person, credited to their pending account (already locked, in
    user order) and written as their earn transfer, whose statement-level trigger takes the
    points out of the sponsors' pool (its CHECK refusing an overdraft, `ledger.pool_refused`).
    """
    names = list(rows[0])
    arrays = unnest({n: (ACTIONS.c[n].type, [r[n] for r in rows]) for n in names})
    inserted = (
        upsert(s, ACTIONS)
        .from_select(names, select(*(arrays.c[n] for n in names)))
        .on_conflict_do_nothing()
        .returning(ACTIONS.c.id, ACTIONS.c.user_id, ACTIONS.c.points)
        .cte("inserted")
    )
    per_person = (
        select(inserted.c.user_id, func.sum(inserted.c.points).label("amount"))
        .group_by(inserted.c.user_id)
        .cte("per_person")
    )
    accounts = ledger.ACCOUNTS
    credited = (
        update(accounts)
        .where(accounts.c.kind == AccountKind.pending, accounts.c.user_id == per_person.c.user_id)
        .values(balance=accounts.c.balance + per_person.c.amount)
        .returning(accounts.c.id.label("account"), per_person.c.amount)
        .cte("credited")
    )
    issued = ledger.account_id(s, AccountKind.issued)
    earned = (
        ledger.earn_transfers(
            issued, credited.c.account, credited.c.amount, reference, rows[0]["created_at"]
        )
        .returning(ledger.TRANSFERS.c.id)
        .cte("earned")
    )
    return set(s.scalars(select(inserted.c.id).add_cte(per_person, credited, earned)).all())


def _within_budget(
    s: Session, accepted: list[_Accepted], out: list[Outcome | None]
) -> list[_Accepted]:
    """Cut the batch to what the sponsors' pool still holds (locked, after the people): in the
    order reported, an action gets what is left (`capped`), and once nothing is, it is rejected
    as `budget_exhausted`."""
    if not accepted:
        return accepted
    left, kept = ledger.pool_left(s), []
    for a in accepted:
        points = min(a.row["points"], left)
        if points <= 0:
            out[a.index] = _reject(a.index, Reason.budget_exhausted)
            continue
        if points < a.row["points"]:
            a.row["points"] = points
            out[a.index] = dataclasses.replace(
                cast(Outcome, out[a.index]), points=points, capped=True
            )
        left -= points
        kept.append(a)
    return kept


def _insert(s: Session, accepted: list[_Accepted], out: list[Outcome | None]) -> None:
    """SQLite: the actions by executemany; a row another batch got in first (the same
    external id or trip) is not inserted and comes back as a duplicate."""
    rows = [a.row for a in accepted]
    count = s.execute(upsert(s, ACTIONS).on_conflict_do_nothing(), rows).rowcount  # type: ignore[attr-defined]
    if count == len(rows):
        return
    ours = [r["id"] for r in rows]
    _mark_duplicates(
        accepted, out, set(s.scalars(select(ACTIONS.c.id).where(ACTIONS.c.id.in_(ours))).all())
    )


def _mark_duplicates(
    accepted: list[_Accepted], out: list[Outcome | None], inserted: set[str]
) -> None:
    for a in accepted:
        if a.row["id"] not in inserted:
            out[a.index] = Outcome(a.index, "duplicate", reason=Reason.already_counted)


def _points_by_user(accepted: list[_Accepted], out: list[Outcome | None]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for a in accepted:
        outcome = out[a.index]
        if outcome is not None and outcome.status == "accepted":
            totals[a.row["user_id"]] += a.row["points"]
    return dict(sorted(totals.items()))


def confirm_due(s: Session, now: datetime | None = None, limit: int = 5000) -> int:
    """Move the points of actions whose window closed from pending to the wallet (a sweep: the
    worker owns its transaction)."""
    now = now or utcnow()
    due = (
        select(ACTIONS.c.id)
        .where(ACTIONS.c.status == ActionStatus.pending, ACTIONS.c.confirm_after <= now)
        .order_by(ACTIONS.c.confirm_after)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return _confirm(s, due.scalar_subquery())


def _confirm(s: Session, ids: Any) -> int:
    """Confirm the pending actions among `ids` (a list or a subquery): their points move from
    pending to the wallet, one transfer per person in user order."""
    rows = s.execute(
        update(ACTIONS)
        .where(ACTIONS.c.id.in_(ids), ACTIONS.c.status == ActionStatus.pending)
        .values(status=ActionStatus.confirmed)
        .returning(ACTIONS.c.user_id, ACTIONS.c.points)
    ).all()
    totals: dict[int, int] = defaultdict(int)
    for user, points in rows:
        totals[user] += points
    for user, points in sorted(totals.items()):
        if points:
            ledger.transfer(s, TransferKind.confirm, user, points, reference="confirm")
    return len(rows)


def reverse(s: Session, partner_id: int, external_ids: list[str]) -> Batch:
    """Withdraw a partner's actions still in their window: new ledger entries, never edits.

    One UPDATE takes them all; the people's accounts are locked in user id order, then each
    person's points move back to the pool: the lock order every points transaction follows.
    """
    wanted = list(dict.fromkeys(external_ids))
    taken = s.execute(
        update(ACTIONS)
        .where(
            ACTIONS.c.partner_id == partner_id,
            ACTIONS.c.external_id.in_(wanted),
            ACTIONS.c.status == ActionStatus.pending,
        )
        .values(status=ActionStatus.reversed)
        .returning(ACTIONS.c.external_id, ACTIONS.c.id, ACTIONS.c.user_id, ACTIONS.c.points)
    ).all()
    # the people's accounts first, in user id order, then the pool (each reversal's trigger)
    ledger.lock(s, ledger.open_accounts(s, AccountKind.pending, sorted({r.user_id for r in taken})))
    for _, action_id, user_id, points in sorted(taken, key=lambda r: (r.user_id, r.id)):
        if points:
            ledger.transfer(s, TransferKind.reverse, user_id, points, reference=action_id)
    done = {r.external_id: r for r in taken}
    known = dict(
        s.execute(
            select(ACTIONS.c.external_id, ACTIONS.c.status).where(
                ACTIONS.c.partner_id == partner_id,
                ACTIONS.c.external_id.in_([e for e in wanted if e not in done]),
            )
        ).all()
    )
    out = []
    for i, ext in enumerate(external_ids):
        if ext in done:
            row = done.pop(ext)
            known[ext] = ActionStatus.reversed  # a repeat in this request is already reversed
            out.append(Outcome(i, "reversed", action_id=row.id, points=row.points))
        elif ext in known:
            out.append(_reject(i, Reason(f"already_{known[ext]}")))
        else:
            out.append(_reject(i, Reason.not_found))
    return Batch(out)
