"""Quotes, reservations and retirement into gram allocations, safe under concurrency.

Every change to a lot is one conditional UPDATE (`... WHERE available_g >= :take`), applied to the
lots of a use case in ascending id order, so concurrent transactions queue on row locks and never
deadlock, and the database refuses to oversell. Default policy: eligible lots, cheapest first, then
oldest vintage, then oldest lot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from backend.credits.models import (
    GRAMS_PER_TONNE,
    Allocation,
    Lot,
    Project,
    ProjectType,
    Reservation,
    ReservationLine,
    ReservationStatus,
    Standard,
    Unit,
)
from backend.db import utcnow
from backend.errors import Conflict, DomainError, NotFound

DEFAULT_TTL = timedelta(minutes=30)
MAX_ATTEMPTS = 8


class InsufficientInventory(DomainError):
    status, slug, title = 409, "insufficient-inventory", "Not enough credits"

    def __init__(self, requested_g: int, available_g: int) -> None:
        super().__init__(
            f"{requested_g} g requested, {available_g} g available under these preferences.",
            code="insufficient_inventory",
            requested_g=requested_g,
            available_g=available_g,
        )


class ReservationClosed(Conflict):
    slug, title = "reservation-closed", "The reservation is no longer active"


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

    def lots(self) -> Select[Lot]:
        """Eligible lots with grams available, in policy order."""
        q = select(Lot).join(Project).where(Lot.available_g > 0)
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
        return q.order_by(Lot.price_fen_per_t, Lot.vintage, Lot.id)


@dataclass(frozen=True)
class QuoteLine:
    lot: Lot
    mass_g: int

    @property
    def amount_fen(self) -> int:
        """Rounded down: any fraction of a fen is in the customer's favour."""
        return self.mass_g * self.lot.price_fen_per_t // GRAMS_PER_TONNE


@dataclass(frozen=True)
class Quote:
    mass_g: int
    lines: list[QuoteLine] = field(default_factory=list)

    @property
    def amount_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)


def _plan(lots: list[Lot], mass_g: int) -> Quote:
    lines, need = [], mass_g
    for lot in lots:
        if need == 0:
            break
        take = min(need, lot.available_g)
        lines.append(QuoteLine(lot, take))
        need -= take
    if need:
        raise InsufficientInventory(mass_g, mass_g - need)
    return Quote(mass_g, lines)


def quote(s: Session, prefs: Preferences, mass_g: int) -> Quote:
    """What `mass_g` would cost now under `prefs` (nothing is held)."""
    return _plan(list(s.scalars(prefs.lots())), mass_g)


def reserve(
    s: Session,
    prefs: Preferences,
    mass_g: int,
    *,
    reference: str = "",
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> Reservation:
    """Hold `mass_g` for a pending order; 409 `insufficient_inventory` if it is not there.

    Plans against a snapshot, then applies conditional UPDATEs in lot id order; if another
    transaction got there first, rolls back and plans again.
    """
    now = now or utcnow()
    for _ in range(MAX_ATTEMPTS):
        try:
            plan = quote(s, prefs, mass_g)
        except InsufficientInventory:
            s.rollback()
            if not expire_due(s, now):
                raise
            continue
        reservation = Reservation(
            mass_g=mass_g,
            reference=reference,
            created_at=now,
            expires_at=now + ttl,
            status=ReservationStatus.active,
        )
        reservation.lines = [
            ReservationLine(
                lot_id=line.lot.id, mass_g=line.mass_g, price_fen_per_t=line.lot.price_fen_per_t
            )
            for line in sorted(plan.lines, key=lambda x: x.lot.id)
        ]
        s.add(reservation)
        s.flush()
        if all(
            _move(s, line.lot_id, line.mass_g, "available_g", "reserved_g")
            for line in reservation.lines
        ):
            s.commit()
            return reservation
        s.rollback()
    raise InsufficientInventory(mass_g, available(s, prefs))


def _move(s: Session, lot_id: int, grams: int, source: str, target: str) -> int | None:
    """Move grams between a lot's counters if the source holds them; the new target total."""
    src, dst = getattr(Lot, source), getattr(Lot, target)
    row = s.execute(
        update(Lot)
        .where(Lot.id == lot_id, src >= grams)
        .values({src: src - grams, dst: dst + grams})
        .returning(dst)
    ).first()
    return None if row is None else int(row[0])


def available(s: Session, prefs: Preferences) -> int:
    """Grams available under `prefs` right now."""
    sub = prefs.lots().order_by(None).subquery()
    return int(s.scalar(select(func.coalesce(func.sum(sub.c.available_g), 0))) or 0)


def _lock(s: Session, reservation_id: int) -> Reservation:
    r = s.scalars(
        select(Reservation).where(Reservation.id == reservation_id).with_for_update()
    ).first()
    if r is None:
        raise NotFound("No such reservation.")
    if r.status != ReservationStatus.active:
        raise ReservationClosed(f"The reservation is {r.status.value}.", status_now=r.status.value)
    return r


def _release(s: Session, r: Reservation, status: ReservationStatus, now: datetime) -> None:
    for line in r.lines:
        if _move(s, line.lot_id, line.mass_g, "reserved_g", "available_g") is None:
            raise RuntimeError(f"lot {line.lot_id} holds less than reservation {r.id} reserved")
    r.status = status
    r.closed_at = now


def cancel(s: Session, reservation_id: int, now: datetime | None = None) -> Reservation:
    """Give the held mass back."""
    r = _lock(s, reservation_id)
    _release(s, r, ReservationStatus.cancelled, now or utcnow())
    s.commit()
    return r


def expire_due(s: Session, now: datetime | None = None, limit: int = 200) -> int:
    """Release reservations past their expiry; returns how many (skips ones locked elsewhere)."""
    now = now or utcnow()
    due = s.scalars(
        select(Reservation)
        .where(Reservation.status == ReservationStatus.active, Reservation.expires_at <= now)
        .order_by(Reservation.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for r in due:
        _release(s, r, ReservationStatus.expired, now)
    s.commit()
    return len(due)


def retire(s: Session, reservation_id: int, now: datetime | None = None) -> list[Allocation]:
    """Turn a reservation into gram allocations of units, atomically.

    Each lot hands out the next contiguous grams of its gram space (one conditional UPDATE), and
    those grams are recorded against the units they fall in, opening units as needed.
    """
    now = now or utcnow()
    r = _lock(s, reservation_id)
    if r.expires_at <= now:
        _release(s, r, ReservationStatus.expired, now)
        s.commit()
        raise ReservationClosed(
            "The reservation expired; its credits were released.", status_now="expired"
        )
    r.status = ReservationStatus.retired
    r.closed_at = now
    allocations: list[Allocation] = []
    for line in r.lines:
        end = _move(s, line.lot_id, line.mass_g, "reserved_g", "allocated_g")
        if end is None:
            raise RuntimeError(f"lot {line.lot_id} holds less than reservation {r.id} reserved")
        allocations += _allocate(s, r.id, line.lot, end - line.mass_g, end, now)
    s.commit()
    return allocations


def _allocate(
    s: Session, reservation_id: int, lot: Lot, start: int, end: int, now: datetime
) -> list[Allocation]:
    """Split the lot grams [start, end) over its units, opening the units they touch."""
    first, last = start // GRAMS_PER_TONNE, (end - 1) // GRAMS_PER_TONNE
    rows = [
        {"lot_id": lot.id, "unit_index": i, "serial": lot.first_unit + i, "opened_at": now}
        for i in range(first, last + 1)
    ]
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(
        insert(Unit).values(rows).on_conflict_do_nothing(index_elements=["lot_id", "unit_index"])
    )
    ids = dict(
        s.execute(
            select(Unit.unit_index, Unit.id).where(
                Unit.lot_id == lot.id, Unit.unit_index.between(first, last)
            )
        ).all()
    )
    out = []
    for i in range(first, last + 1):
        base = i * GRAMS_PER_TONNE
        lo, hi = max(start, base) - base, min(end, base + GRAMS_PER_TONNE) - base
        out.append(
            Allocation(
                reservation_id=reservation_id,
                unit_id=ids[i],
                gram_start=lo,
                gram_end=hi,
                created_at=now,
            )
        )
    s.add_all(out)
    return out
