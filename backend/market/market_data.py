"""Market data (行情), public: the products traded or listed with their last price, previous
close and today's figures; daily open/high/low/close per product, computed in SQL by China
day; and the trade records with the parties hidden.

A product is a standard and a project type. The previous close is `bands.previous_close`, the
rule the price bands use (nothing new here). Nothing here names a party: no participant, no
organisation, no person. Only trades that stand count: a reversed trade (冲正,
`models.standing`) is in no price, volume, candle or public record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from backend.core.clock import china_date, china_day_start, day_sql
from backend.credits.labels import TYPE_LABELS
from backend.credits.models import Standard
from backend.market import bands
from backend.market.models import Listing, ListingState, Mode, Trade, standing
from backend.registry.models import RegistryProject

DEFAULT_DAYS = 60
MAX_DAYS = 366
DEFAULT_LIMIT = 50
MAX_LIMIT = 100


@dataclass(frozen=True)
class Product:
    standard: str
    project_type: str
    label_zh: str
    label_en: str
    last_fen_per_t: int | None
    previous_close_fen_per_t: int | None
    change_bp: int | None
    today_volume_t: int
    today_amount_fen: int
    open_listings: int
    best_ask_fen_per_t: int | None
    last_trade_at: datetime | None


def labels(standard: str, project_type: str) -> tuple[str, str]:
    """`CDCER 造林与林业经营`, `CDCER Forestry`: the standard's code and the type's name."""
    zh, en = TYPE_LABELS.get(project_type, (project_type, project_type))
    return f"{standard} {zh}", f"{standard} {en}"


def change_bp(last: int | None, previous: int | None) -> int | None:
    """The change of `last` from `previous` in basis points, rounded half away from zero."""
    if last is None or not previous:
        return None
    diff = (last - previous) * 10_000
    q, r = divmod(abs(diff), previous)
    q += 1 if 2 * r >= previous else 0
    return q if diff >= 0 else -q


def products(s: Session, now: datetime) -> list[Product]:
    """One row per product with a trade or an open listing, by standard then project type."""
    today = china_date(now)
    traded = {
        (st, pt): (at, vol, amount)
        for st, pt, at, vol, amount in s.execute(
            select(
                Trade.standard,
                Trade.project_type,
                func.max(Trade.executed_at),
                func.sum(case((Trade.trading_day == today, Trade.quantity_t), else_=0)),
                func.sum(case((Trade.trading_day == today, Trade.amount_fen), else_=0)),
            )
            .where(standing())
            .group_by(Trade.standard, Trade.project_type)
        )
    }
    listed = {
        (st, pt): (n, best)
        for st, pt, n, best in s.execute(
            select(
                Listing.standard,
                Listing.project_type,
                func.count(),
                func.min(Listing.price_fen_per_t),
            )
            .where(Listing.state == ListingState.open)
            .group_by(Listing.standard, Listing.project_type)
        )
    }
    out = []
    for standard, ptype in sorted(traded.keys() | listed.keys()):
        at, volume, amount = traded.get((standard, ptype), (None, 0, 0))
        n, best = listed.get((standard, ptype), (0, None))
        last = _last_price(s, standard, ptype)
        previous = bands.previous_close(s, standard, ptype, today)
        zh, en = labels(standard, ptype)
        out.append(
            Product(
                standard=standard,
                project_type=ptype,
                label_zh=zh,
                label_en=en,
                last_fen_per_t=last,
                previous_close_fen_per_t=previous,
                change_bp=change_bp(last, previous),
                today_volume_t=int(volume or 0),
                today_amount_fen=int(amount or 0),
                open_listings=int(n),
                best_ask_fen_per_t=best,
                last_trade_at=at,
            )
        )
    return out


def _last_price(s: Session, standard: Standard, project_type: str) -> int | None:
    return s.scalar(
        select(Trade.price_fen_per_t)
        .where(Trade.standard == standard, Trade.project_type == project_type, standing())
        .order_by(Trade.executed_at.desc(), Trade.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Day:
    day: date  # in China
    open_fen_per_t: int
    high_fen_per_t: int
    low_fen_per_t: int
    close_fen_per_t: int
    volume_t: int
    amount_fen: int
    trades: int


@dataclass(frozen=True)
class Daily:
    standard: Standard
    project_type: str | None
    days: list[Day]


def daily(
    s: Session,
    standard: Standard,
    project_type: str | None,
    days: int,
    now: datetime,
) -> Daily:
    """Open, high, low, close, volume, amount and count per China day, for the `days` China
    days ending today, days with trades only, oldest first. Open and close are the first and
    last trade of the day by time, then id; one query, grouped by the China day in SQL."""
    since = china_day_start(china_date(now) - timedelta(days=days - 1))
    where = [Trade.standard == standard, Trade.executed_at >= since, standing()]
    if project_type is not None:
        where.append(Trade.project_type == project_type)
    day = day_sql(s, Trade.executed_at).label("day")
    ranked = (
        select(
            day,
            Trade.price_fen_per_t.label("price"),
            Trade.quantity_t.label("quantity"),
            Trade.amount_fen.label("amount"),
            func.row_number()
            .over(partition_by=day, order_by=(Trade.executed_at, Trade.id))
            .label("first"),
            func.row_number()
            .over(partition_by=day, order_by=(Trade.executed_at.desc(), Trade.id.desc()))
            .label("last"),
        )
        .where(and_(*where))
        .subquery()
    )
    c = ranked.c
    rows = s.execute(
        select(
            c.day,
            func.max(case((c.first == 1, c.price))),
            func.max(c.price),
            func.min(c.price),
            func.max(case((c["last"] == 1, c.price))),
            func.sum(c.quantity),
            func.sum(c.amount),
            func.count(),
        )
        .group_by(c.day)
        .order_by(c.day)
    )
    return Daily(
        standard,
        project_type,
        [Day(date.fromisoformat(d), *(int(v) for v in figures)) for d, *figures in rows],
    )


@dataclass(frozen=True)
class PublicTrade:
    number: str
    at: datetime
    mode: Mode
    standard: Standard
    project_type: str
    project_name_zh: str
    project_name_en: str
    vintage: int
    quantity_t: int
    price_fen_per_t: int
    amount_fen: int


@dataclass(frozen=True)
class TradePage:
    items: list[PublicTrade]
    next_before: int | None


def public_trades(
    s: Session,
    standard: Standard | None,
    project_type: str | None,
    before: int | None,
    limit: int,
) -> TradePage:
    """Trades newest first (by id: the order they settled in), `limit` a page, after the
    trade id `before` (keyset: pages never overlap, whatever settles meanwhile)."""
    q = (
        select(Trade, RegistryProject)
        .join(RegistryProject, RegistryProject.id == Trade.project_id)
        .where(standing())
    )
    if standard is not None:
        q = q.where(Trade.standard == standard)
    if project_type is not None:
        q = q.where(Trade.project_type == project_type)
    if before is not None:
        q = q.where(Trade.id < before)
    rows = s.execute(q.order_by(Trade.id.desc()).limit(limit + 1)).all()
    items = [
        PublicTrade(
            number=t.number,
            at=t.executed_at,
            mode=t.mode,
            standard=t.standard,
            project_type=t.project_type,
            project_name_zh=p.name_zh,
            project_name_en=p.name_en,
            vintage=t.vintage,
            quantity_t=t.quantity_t,
            price_fen_per_t=t.price_fen_per_t,
            amount_fen=t.amount_fen,
        )
        for t, p in rows[:limit]
    ]
    more = len(rows) > limit
    return TradePage(items, rows[limit - 1][0].id if more else None)
