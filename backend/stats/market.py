"""The report's market section: 点点's own trades (`market_trades`) executed in a calendar year
in China that stand (a reversed trade, 冲正, counts nowhere), by mode, month, project type and
province, beside the seed report's published figures for that year (`market_reference`).

Every figure is a grouped query; Python only adds up the groups. Shares are basis points of
the year's total, apportioned by the largest-remainder method, so the shares of one table add
up to exactly 10,000 whenever the year has trades (and are all 0 when it has none). The two
concentration windows (the seed's January–March and June–August) are each the exact fraction
rounded half up, not sums of the rounded monthly shares.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from backend.core import provinces
from backend.core.clock import month_sql
from backend.market.models import Mode, Trade, standing
from backend.stats import labels, market_reference
from backend.stats.report import MarketMonthRow, MarketRow, MarketSection, ModeRow, Window

BP = 10_000
# The seed's monthly concentration (2022): "1-3月" and "6-8月" (二、市场交易 3. 交易时间).
WINDOWS: tuple[tuple[str, int, int], ...] = (("jan_mar", 1, 3), ("jun_aug", 6, 8))


def shares_bp(values: Sequence[int]) -> list[int]:
    """Each value's share of their sum in basis points, by the largest remainder: the floors,
    then one more point to the largest remainders (ties: the earlier value) until they add up
    to 10,000. All zeros when the sum is 0."""
    total = sum(values)
    if total == 0:
        return [0] * len(values)
    floors = [v * BP // total for v in values]
    order = sorted(range(len(values)), key=lambda i: (-(values[i] * BP % total), i))
    for i in order[: BP - sum(floors)]:
        floors[i] += 1
    return floors


def share_bp(part: int, total: int) -> int:
    """`part` of `total` in basis points, rounded half up (0 of nothing)."""
    return (2 * part * BP + total) // (2 * total) if total else 0


def average_fen_per_t(amount_fen: int, volume_t: int) -> int | None:
    """The volume-weighted average price in fen per tonne, rounded half up; None without volume."""
    return (2 * amount_fen + volume_t) // (2 * volume_t) if volume_t else None


class _Sums:
    """Trades, tonnes and fen under each key of one table."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        self.trades: Counter[str] = Counter({k: 0 for k in keys})
        self.volume: Counter[str] = Counter({k: 0 for k in keys})
        self.amount: Counter[str] = Counter({k: 0 for k in keys})

    def add(self, key: str, trades: int, volume: int, amount: int) -> None:
        self.trades[key] += trades
        self.volume[key] += volume
        self.amount[key] += amount

    def rows(self, keys: Sequence[str], label: labels.Label) -> tuple[MarketRow, ...]:
        return tuple(
            MarketRow(k, *label(k), self.trades[k], self.volume[k], self.amount[k]) for k in keys
        )


def _grouped(s: Session, key: Any, in_year: ColumnElement[bool]) -> _Sums:
    out = _Sums()
    rows = s.execute(
        select(key, func.count(), func.sum(Trade.quantity_t), func.sum(Trade.amount_fen))
        .where(in_year)
        .group_by(key)
    )
    for k, n, volume, amount in rows:
        out.add(str(k), int(n), int(volume), int(amount))
    return out


def section(s: Session, year: int, start: datetime, end: datetime) -> MarketSection:
    """The year's market section: trades executed in [start, end), China's calendar year."""
    in_year = (Trade.executed_at >= start) & (Trade.executed_at < end) & standing()
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    modes = [m.value for m in Mode]
    month = month_sql(s, Trade.executed_at)
    by_mode, by_month = _Sums(modes), _Sums(months)
    fees = 0
    for mode, m, n, volume, amount, fee in s.execute(
        select(
            Trade.mode,
            month,
            func.count(),
            func.sum(Trade.quantity_t),
            func.sum(Trade.amount_fen),
            func.sum(Trade.buyer_fee_fen + Trade.seller_fee_fen),
        )
        .where(in_year)
        .group_by(Trade.mode, month)
    ):
        by_mode.add(Mode(mode).value, int(n), int(volume), int(amount))
        by_month.add(str(m), int(n), int(volume), int(amount))
        fees += int(fee)
    types = _grouped(s, Trade.project_type, in_year)
    regions = _grouped(s, Trade.province, in_year)
    volume = sum(by_mode.volume.values())
    amount = sum(by_mode.amount.values())
    return MarketSection(
        trades=sum(by_mode.trades.values()),
        volume_t=volume,
        amount_fen=amount,
        average_fen_per_t=average_fen_per_t(amount, volume),
        fees_fen=fees,
        by_mode=_modes(by_mode, modes),
        by_month=_months(by_month, months),
        concentration=_windows(by_month, year, volume),
        by_project_type=types.rows(
            sorted(types.volume, key=lambda k: (-types.volume[k], -types.amount[k], k)),
            labels.project_type,
        ),
        by_province=regions.rows(sorted(regions.volume, key=provinces.order), labels.province),
        reference=reference(year),
    )


def _modes(t: _Sums, keys: list[str]) -> tuple[ModeRow, ...]:
    by_count = shares_bp([t.trades[k] for k in keys])
    by_volume = shares_bp([t.volume[k] for k in keys])
    return tuple(
        ModeRow(k, *labels.mode(k), t.trades[k], t.volume[k], t.amount[k], c, v)
        for k, c, v in zip(keys, by_count, by_volume, strict=True)
    )


def _months(t: _Sums, keys: list[str]) -> tuple[MarketMonthRow, ...]:
    shares = shares_bp([t.volume[k] for k in keys])
    return tuple(
        MarketMonthRow(k, t.trades[k], t.volume[k], t.amount[k], share)
        for k, share in zip(keys, shares, strict=True)
    )


def _windows(t: _Sums, year: int, total: int) -> tuple[Window, ...]:
    out = []
    for key, first, last in WINDOWS:
        volume = sum(t.volume[f"{year}-{m:02d}"] for m in range(first, last + 1))
        share = share_bp(volume, total)
        out.append(Window(key, f"{year}-{first:02d}", f"{year}-{last:02d}", volume, share))
    return tuple(out)


def reference(year: int) -> dict[str, Any]:
    """The seed report's figures for `year`, to show beside ours: its Table 1 row (volume,
    rank), its 9-market share, and for 2022 the trades by mode (of the year to 2023-04-30, as
    the seed counts them), the monthly windows and the average price; None where it has none."""
    ref = market_reference.reference()
    return {
        "source": ref["source"],
        "yearly": next((r for r in ref["yearly"] if r["year"] == year), None),
        "national": next((r for r in ref["national"] if r["year"] == year), None),
        "modes": ref["modes"] if year == 2022 else None,
        "months": ref.get(f"months_{year}"),
        "price": ref.get(f"price_{year}"),
    }
