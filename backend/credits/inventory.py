"""Quotes, reservations and retirement into gram allocations, safe under concurrency.

Every change to a lot is one conditional UPDATE (`... WHERE available_g >= :take`), applied to the
lots of a use case in ascending id order, so concurrent transactions queue on row locks and never
deadlock, and the database refuses to oversell. Default policy: eligible lots, cheapest first, then
oldest vintage, then oldest lot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Row, Select, Table, bindparam, func, insert, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import Conflict, DomainError, NotFound
from backend.core.messages import Coded
from backend.credits.models import (
    GRAMS_PER_TONNE,
    Allocation,
    CreditHold,
    Lot,
    Project,
    ProjectType,
    Reservation,
    ReservationLine,
    ReservationStatus,
    Standard,
    Unit,
)

DEFAULT_TTL = timedelta(minutes=30)
MAX_ATTEMPTS = 8


class InsufficientInventory(DomainError):
    status, slug, title = 409, "insufficient-inventory", "Not enough credits"

    def __init__(self, requested_g: int, available_g: int) -> None:
        grams: dict[str, Any] = {"requested_g": requested_g, "available_g": available_g}
        super().__init__("credits.insufficient_inventory", params=grams, **grams)


class ReservationClosed(Conflict):
    slug, title = "reservation-closed", "The reservation is no longer active"


CLOSED_AS = {
    ReservationStatus.retired: "credits.reservation_status.retired",
    ReservationStatus.cancelled: "credits.reservation_status.cancelled",
    ReservationStatus.expired: "credits.reservation_status.expired",
}


@dataclass(frozen=True)
class Preferences:
    """Which credits may be used; empty means any."""

    standards: tuple[Standard, ...] = ()
    project_ids: tuple[int, ...] = ()
    types: tuple[ProjectType, ...] = ()
    regions: tuple[str, ...] = ()  # provinces (CN-SC) or countries (CN)
    vintage_from: int | None = None
    vintage_to: int | None = None

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> Preferences:
        raw = raw or {}
        return cls(
            standards=tuple(raw.get("standards") or ()),
            project_ids=tuple(raw.get("project_ids") or ()),
            types=tuple(raw.get("types") or ()),
            regions=tuple(raw.get("regions") or ()),
            vintage_from=raw.get("vintage_from"),
            vintage_to=raw.get("vintage_to"),
        )

    def lots(self, *columns: Any) -> Select[Any]:
        """Eligible lots (or the given columns of them) with grams available, in policy order."""
        q = self.matching(*columns).where(Lot.available_g > 0)
        return q.order_by(Lot.price_fen_per_t, Lot.vintage, Lot.id)

    def matching(self, *columns: Any) -> Select[Any]:
        """Every lot (or the given columns) these preferences accept, available or not."""
        q = select(*columns) if columns else select(Lot)
        if self.types or self.regions:
            q = q.join(Project, Project.id == Lot.project_id)
        if self.standards:
            q = q.where(Lot.standard.in_(self.standards))
        if self.project_ids:
            q = q.where(Lot.project_id.in_(self.project_ids))
        if self.types:
            q = q.where(Project.type.in_(self.types))
        if self.regions:
            q = q.where(Project.province.in_(self.regions) | Project.country.in_(self.regions))
        if self.vintage_from is not None:
            q = q.where(Lot.vintage >= self.vintage_from)
        if self.vintage_to is not None:
            q = q.where(Lot.vintage <= self.vintage_to)
        return q


# Planning works on ORM lots (quotes) or on plain rows of their columns (reservations).
S = TypeVar("S", Lot, Row[Any])


@dataclass(frozen=True)
class QuoteLine(Generic[S]):
    lot: S
    mass_g: int

    @property
    def amount_fen(self) -> int:
        """Rounded down: any fraction of a fen is in the customer's favour."""
        return self.mass_g * self.lot.price_fen_per_t // GRAMS_PER_TONNE


@dataclass(frozen=True)
class Quote(Generic[S]):
    mass_g: int
    lines: list[QuoteLine[S]] = field(default_factory=list)

    @property
    def amount_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)


def _plan(lots: Iterable[S], mass_g: int) -> Quote[S]:
    """Greedy over lots in policy order; 409 when they hold less than `mass_g`."""
    lines: list[QuoteLine[S]] = []
    need = mass_g
    for lot in lots:
        if need == 0:
            break
        take = min(need, lot.available_g)
        lines.append(QuoteLine(lot, take))
        need -= take
    if need:
        raise InsufficientInventory(mass_g, mass_g - need)
    return Quote(mass_g, lines)


def quote(s: Session, prefs: Preferences, mass_g: int) -> Quote[Lot]:
    """What `mass_g` would cost now under `prefs` (nothing is held)."""
    return _plan(s.scalars(prefs.lots().options(joinedload(Lot.project))), mass_g)


@dataclass(frozen=True)
class HeldLine:
    lot_id: int
    mass_g: int
    price_fen_per_t: int


@dataclass(frozen=True)
class Held:
    """A reservation as the services see it (plain rows: the hot path skips the ORM)."""

    id: int
    mass_g: int
    status: ReservationStatus
    expires_at: datetime
    lines: list[HeldLine]


@dataclass(frozen=True)
class Allocated:
    """Grams [gram_start, gram_end) of one unit."""

    unit_id: int
    serial: int
    gram_start: int
    gram_end: int

    @property
    def mass_g(self) -> int:
        return self.gram_end - self.gram_start


LOTS = cast(Table, Lot.__table__)
RESERVATIONS = cast(Table, Reservation.__table__)
LINES = cast(Table, ReservationLine.__table__)
UNITS = cast(Table, Unit.__table__)
ALLOCATIONS = cast(Table, Allocation.__table__)
HOLDS = cast(Table, CreditHold.__table__)
PLAN_COLUMNS = (LOTS.c.id, LOTS.c.available_g, LOTS.c.price_fen_per_t)

# The hot path's statements are built once, with bound parameters.
MOVES = {
    (src, dst): update(LOTS)
    .where(LOTS.c.id == bindparam("lot_id"), LOTS.c[src] >= bindparam("grams"))
    .values({src: LOTS.c[src] - bindparam("grams"), dst: LOTS.c[dst] + bindparam("grams")})
    .returning(LOTS.c[dst], LOTS.c.first_unit)
    for src, dst in (
        ("available_g", "reserved_g"),
        ("reserved_g", "available_g"),
        ("reserved_g", "allocated_g"),
    )
}
NEW_RESERVATION = insert(RESERVATIONS).returning(RESERVATIONS.c.id)
NEW_LINES = insert(LINES)
LOCK = (  # the reservation row is locked; its lines come along in the same round trip
    select(
        RESERVATIONS.c.mass_g,
        RESERVATIONS.c.status,
        RESERVATIONS.c.expires_at,
        LINES.c.lot_id,
        LINES.c.mass_g.label("line_g"),
        LINES.c.price_fen_per_t,
    )
    .join(LINES, LINES.c.reservation_id == RESERVATIONS.c.id)
    .where(RESERVATIONS.c.id == bindparam("rid"))
    .order_by(LINES.c.lot_id)
    .with_for_update(of=RESERVATIONS)
)
CLOSE = (
    update(RESERVATIONS)
    .where(RESERVATIONS.c.id == bindparam("rid"))
    .values(status=bindparam("status"), closed_at=bindparam("now"))
)
OPEN_UNITS = sqlite_insert(UNITS).on_conflict_do_nothing(index_elements=["lot_id", "unit_index"])
UNIT_IDS = select(UNITS.c.unit_index, UNITS.c.id).where(
    UNITS.c.lot_id == bindparam("lot_id"),
    UNITS.c.unit_index.between(bindparam("first"), bindparam("last")),
)
NEW_ALLOCATIONS = insert(ALLOCATIONS)

# PostgreSQL does a lot's part of a retirement in one statement, so the lot's row lock is held for
# that statement and the commit only: take the next grams, open their units, record the grams.
# ON CONFLICT DO UPDATE (not DO NOTHING) returns units another transaction opened after this
# statement's snapshot was taken.
ALLOCATE_PG = text("""
WITH moved AS (
    UPDATE lots SET reserved_g = reserved_g - :grams, allocated_g = allocated_g + :grams
    WHERE id = :lot_id AND reserved_g >= :grams
    RETURNING allocated_g - :grams AS g0, allocated_g AS g1, first_unit
), spans AS (
    SELECT i AS unit_index, m.first_unit + i AS serial,
           GREATEST(m.g0, i * :t) - i * :t AS gram_start,
           LEAST(m.g1, (i + 1) * :t) - i * :t AS gram_end
    FROM moved m, generate_series(m.g0 / :t, (m.g1 - 1) / :t) AS i
), opened AS (
    INSERT INTO units (lot_id, unit_index, serial, opened_at)
    SELECT :lot_id, unit_index, serial, :now FROM spans
    ON CONFLICT (lot_id, unit_index) DO UPDATE SET lot_id = EXCLUDED.lot_id
    RETURNING id, unit_index
), allocated AS (
    INSERT INTO allocations (reservation_id, unit_id, gram_start, gram_end, created_at)
    SELECT :rid, o.id, s.gram_start, s.gram_end, :now FROM spans s JOIN opened o USING (unit_index)
    RETURNING unit_id, gram_start
)
SELECT o.id, s.serial, s.gram_start, s.gram_end
FROM spans s JOIN opened o USING (unit_index) JOIN allocated a ON a.unit_id = o.id
ORDER BY s.unit_index
""").bindparams(t=GRAMS_PER_TONNE)


@lru_cache(maxsize=1024)
def _plan_query(prefs: Preferences) -> Select[Any]:
    return prefs.lots(*PLAN_COLUMNS)


def hold(
    s: Session,
    prefs: Preferences,
    mass_g: int,
    *,
    reference: str = "",
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> Held:
    """Hold `mass_g` in the caller's transaction; 409 `insufficient_inventory` if it is not
    there (after releasing holds past their expiry).

    Plans against the current state, then moves the grams with conditional UPDATEs in lot id
    order (so concurrent holds queue on row locks and never deadlock). If another transaction
    got to a lot first, the grams already moved are moved back and it plans again; only then is
    the reservation written.
    """
    now = now or utcnow()
    for _ in range(MAX_ATTEMPTS):
        try:
            plan = _plan(s.execute(_plan_query(prefs)), mass_g)
        except InsufficientInventory:
            if not expire_due(s, now):
                raise
            continue
        lines = sorted(
            (HeldLine(x.lot.id, x.mass_g, x.lot.price_fen_per_t) for x in plan.lines),
            key=lambda line: line.lot_id,
        )
        if _take(s, lines):
            return _reserve(s, mass_g, lines, reference, now + ttl, now)
    raise InsufficientInventory(mass_g, available(s, prefs))


def _take(s: Session, lines: list[HeldLine]) -> bool:
    """Move each line's grams from available to reserved; all of them, or none."""
    for done, line in enumerate(lines):
        if not _move(s, line.lot_id, line.mass_g, "available_g", "reserved_g"):
            for back in lines[:done]:
                _move(s, back.lot_id, back.mass_g, "reserved_g", "available_g")
            return False
    return True


def _reserve(
    s: Session,
    mass_g: int,
    lines: list[HeldLine],
    reference: str,
    expires_at: datetime,
    now: datetime,
) -> Held:
    rid = s.execute(
        NEW_RESERVATION,
        {
            "mass_g": mass_g,
            "status": ReservationStatus.active,
            "reference": reference,
            "created_at": now,
            "expires_at": expires_at,
        },
    ).scalar_one()
    s.execute(
        NEW_LINES,
        [
            {
                "reservation_id": rid,
                "lot_id": line.lot_id,
                "mass_g": line.mass_g,
                "price_fen_per_t": line.price_fen_per_t,
            }
            for line in lines
        ],
    )
    return Held(rid, mass_g, ReservationStatus.active, expires_at, lines)


def _move(s: Session, lot_id: int, grams: int, source: str, target: str) -> Any:
    """Move grams between a lot's counters if the source holds them.

    Returns (new target total, first unit), or None when the lot no longer holds them.
    """
    return s.execute(MOVES[source, target], {"lot_id": lot_id, "grams": grams}).first()


def available(s: Session, prefs: Preferences) -> int:
    """Grams available under `prefs` right now."""
    sub = prefs.lots(LOTS.c.available_g).order_by(None).subquery()
    return int(s.scalar(select(func.coalesce(func.sum(sub.c.available_g), 0))) or 0)


def _set_aside_lot(s: Session, lot_id: int, grams: int) -> bool:
    """Move grams of a lot from available to reserved and held, if it has them (negative
    grams: back)."""
    source = LOTS.c.available_g if grams > 0 else LOTS.c.held_g
    return (
        s.execute(
            update(LOTS)
            .where(LOTS.c.id == lot_id, source >= abs(grams))
            .values(
                available_g=LOTS.c.available_g - grams,
                reserved_g=LOTS.c.reserved_g + grams,
                held_g=LOTS.c.held_g + grams,
            )
            .returning(LOTS.c.id)
        ).first()
        is not None
    )


def set_aside(s: Session, holder: str, prefs: Preferences, mass_g: int) -> None:
    """Hold `mass_g` for `holder` until it draws them (`draw`), with no expiry; 409
    `insufficient_inventory` if they are not available.

    The grams leave `available_g` for the lots' reserved (and held) grams, so no order can plan
    on them; the database refuses to take more than a lot has (the conditional UPDATE, the
    CHECKs). Lots are taken in id order and, as `hold` does, planned again if another
    transaction took one first.
    """
    for _ in range(MAX_ATTEMPTS):
        plan = _plan(s.execute(_plan_query(prefs)), mass_g)
        lines = sorted((x.lot.id, x.mass_g) for x in plan.lines)
        done: list[tuple[int, int]] = []
        for lot_id, grams in lines:
            if not _set_aside_lot(s, lot_id, grams):
                break
            done.append((lot_id, grams))
        else:
            add = upsert(s, HOLDS)
            s.execute(
                add.on_conflict_do_update(
                    index_elements=["holder", "lot_id"],
                    set_={"held_g": HOLDS.c.held_g + add.excluded.held_g},
                ),
                [{"holder": holder, "lot_id": lot, "held_g": g} for lot, g in lines],
            )
            return
        for lot_id, grams in done:
            _set_aside_lot(s, lot_id, -grams)
    raise InsufficientInventory(mass_g, available(s, prefs))


def draw(
    s: Session,
    holder: str,
    project_id: int,
    mass_g: int,
    *,
    reference: str = "",
    now: datetime | None = None,
) -> Held:
    """Turn `mass_g` of what `holder` holds of a project into an active reservation, ready to
    allocate; 409 `insufficient_inventory` if it holds less. The grams stay reserved; the
    holds and the lots' held grams go down (conditional UPDATEs, lots first in id order)."""
    now = now or utcnow()
    rows = s.execute(
        select(HOLDS.c.lot_id, HOLDS.c.held_g, LOTS.c.price_fen_per_t)
        .join(LOTS, LOTS.c.id == HOLDS.c.lot_id)
        .where(HOLDS.c.holder == holder, LOTS.c.project_id == project_id, HOLDS.c.held_g > 0)
        .order_by(HOLDS.c.lot_id)
    ).all()
    lines, need = [], mass_g
    for lot_id, held_g, price in rows:
        take = min(need, held_g)
        if take <= 0:
            break
        lines.append(HeldLine(lot_id, take, price))
        need -= take
    if need:
        raise InsufficientInventory(mass_g, mass_g - need)
    for line in lines:
        taken = [
            s.execute(
                update(table)
                .where(*where, table.c.held_g >= line.mass_g)
                .values(held_g=table.c.held_g - line.mass_g)
                .returning(table.c.held_g)
            ).first()
            for table, where in (
                (LOTS, (LOTS.c.id == line.lot_id,)),
                (HOLDS, (HOLDS.c.holder == holder, HOLDS.c.lot_id == line.lot_id)),
            )
        ]
        if None in taken:  # another draw got there first: the caller's rollback undoes the rest
            raise InsufficientInventory(mass_g, 0)
    return _reserve(s, mass_g, lines, reference, now + DEFAULT_TTL, now)


def _lock(s: Session, reservation_id: int) -> Held:
    rows = s.execute(LOCK, {"rid": reservation_id}).all()
    if not rows:
        raise NotFound("credits.no_such_reservation")
    status = ReservationStatus(rows[0].status)
    if status != ReservationStatus.active:
        raise ReservationClosed(
            "credits.reservation_closed",
            params={"status": Coded(CLOSED_AS[status])},
            status_now=status.value,
        )
    lines = [HeldLine(r.lot_id, r.line_g, r.price_fen_per_t) for r in rows]
    return Held(reservation_id, rows[0].mass_g, status, rows[0].expires_at, lines)


def _close(s: Session, held: Held, status: ReservationStatus, now: datetime) -> Held:
    s.execute(CLOSE, {"rid": held.id, "status": status, "now": now})
    return Held(held.id, held.mass_g, status, held.expires_at, held.lines)


def _release(s: Session, held: Held, status: ReservationStatus, now: datetime) -> Held:
    closed = _close(s, held, status, now)
    for line in held.lines:
        if _move(s, line.lot_id, line.mass_g, "reserved_g", "available_g") is None:
            raise RuntimeError(f"lot {line.lot_id} holds less than reservation {held.id} reserved")
    return closed


def expire_due(s: Session, now: datetime | None = None, limit: int = 200) -> int:
    """Release reservations past their expiry; returns how many (skips ones locked elsewhere)."""
    now = now or utcnow()
    due = s.scalars(
        select(RESERVATIONS.c.id)
        .where(RESERVATIONS.c.status == ReservationStatus.active, RESERVATIONS.c.expires_at <= now)
        .order_by(RESERVATIONS.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for rid in due:
        _release(s, _lock(s, rid), ReservationStatus.expired, now)
    return len(due)


def release(
    s: Session, reservation_id: int, status: ReservationStatus, now: datetime | None = None
) -> Held:
    """Give an active reservation's mass back, closing it as `status`; the caller commits."""
    return _release(s, _lock(s, reservation_id), status, now or utcnow())


def allocate(s: Session, reservation_id: int, now: datetime | None = None) -> list[Allocated]:
    """Turn a reservation into gram allocations of units in the current transaction.

    Each lot hands out the next contiguous grams of its gram space (one conditional UPDATE), and
    those grams are recorded against the units they fall in, opening units as needed. A
    reservation past its expiry is refused (409, `status_now` "due") and left for the caller.
    """
    now = now or utcnow()
    held = _lock(s, reservation_id)
    if held.expires_at <= now:
        raise ReservationClosed("credits.reservation_expired", status_now="due")
    _close(s, held, ReservationStatus.retired, now)
    out: list[Allocated] = []
    for line in held.lines:
        if s.get_bind().dialect.name == "postgresql":
            pieces = [
                Allocated(*row)
                for row in s.execute(
                    ALLOCATE_PG,
                    {"grams": line.mass_g, "lot_id": line.lot_id, "rid": held.id, "now": now},
                )
            ]
        else:
            pieces = _allocate(s, held.id, line.lot_id, line.mass_g, now)
        if sum(p.mass_g for p in pieces) != line.mass_g:
            raise RuntimeError(f"lot {line.lot_id} holds less than reservation {held.id} reserved")
        out += pieces
    return out


def _allocate(
    s: Session, reservation_id: int, lot_id: int, grams: int, now: datetime
) -> list[Allocated]:
    """Take the lot's next grams and split them over its units, opening the units they touch."""
    moved = _move(s, lot_id, grams, "reserved_g", "allocated_g")
    if moved is None:
        return []
    end, first_unit = moved
    start = end - grams
    first, last = start // GRAMS_PER_TONNE, (end - 1) // GRAMS_PER_TONNE
    s.execute(
        OPEN_UNITS,
        [
            {"lot_id": lot_id, "unit_index": i, "serial": first_unit + i, "opened_at": now}
            for i in range(first, last + 1)
        ],
    )
    ids = dict(s.execute(UNIT_IDS, {"lot_id": lot_id, "first": first, "last": last}).all())
    out = []
    for i in range(first, last + 1):
        base = i * GRAMS_PER_TONNE
        out.append(
            Allocated(
                ids[i],
                first_unit + i,
                max(start, base) - base,
                min(end, base + GRAMS_PER_TONNE) - base,
            )
        )
    s.execute(
        NEW_ALLOCATIONS,
        [
            {
                "reservation_id": reservation_id,
                "unit_id": a.unit_id,
                "gram_start": a.gram_start,
                "gram_end": a.gram_end,
                "created_at": now,
            }
            for a in out
        ],
    )
    return out
