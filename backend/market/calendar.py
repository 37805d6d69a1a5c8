"""The trading calendar: trading days are mainland China's working days, 调休 included (the
`chinesecalendar` package, which follows the State Council's yearly holiday notices), during
the configured trading hours, Asia/Shanghai.

For a year the package has no data for (1.11.0 stops at 2026) we fall back to Monday to Friday:
our assumption, until the package publishes that year. Every answer says which source it used
(`calendar_source`), and the fallback is logged once per year.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import chinese_calendar

from backend.core.clock import CHINA, china, china_minute, utcnow
from backend.core.errors import Conflict

log = logging.getLogger(__name__)

OFFICIAL = "chinesecalendar"
FALLBACK = "weekdays"  # our assumption for years the package does not cover
HORIZON = 30  # days ahead searched for the next opening (the longest holiday is 8 days)


def now() -> datetime:
    """The time the market goes by; tests replace it, never the wall clock."""
    return utcnow()


@dataclass(frozen=True)
class Day:
    day: date
    trading: bool
    source: str  # OFFICIAL or FALLBACK


def trading_day(day: date) -> Day:
    """Whether `day` is a trading day, and by which source."""
    try:
        return Day(day, bool(chinese_calendar.is_workday(day)), OFFICIAL)
    except NotImplementedError:
        _warn(day.year)
        return Day(day, day.weekday() < 5, FALLBACK)


@cache
def _warn(year: int) -> None:
    log.warning(
        "chinesecalendar has no holidays for %s: trading days that year are Monday to Friday "
        "(our assumption) until the package is updated",
        year,
    )


def is_open(at: datetime, sessions: tuple[tuple[time, time], ...]) -> bool:
    local = china(at)
    if not trading_day(local.date()).trading:
        return False
    t = local.time()
    return any(start <= t < end for start, end in sessions)


def next_open(at: datetime, sessions: tuple[tuple[time, time], ...]) -> datetime:
    """The next instant the market opens after `at` (or `at` if it is open)."""
    local = china(at)
    for ahead in range(HORIZON + 1):
        day = local.date() + timedelta(days=ahead)
        if not trading_day(day).trading:
            continue
        for start, end in sessions:
            opening = datetime.combine(day, start, CHINA)
            if ahead == 0 and local.time() >= end:
                continue
            return max(opening, local) if ahead == 0 else opening
    raise RuntimeError("no trading session within 30 days")  # pragma: no cover - no such calendar


def require_open(at: datetime, sessions: tuple[tuple[time, time], ...]) -> None:
    """409 `market.closed`, saying when it next opens, outside the trading hours."""
    if is_open(at, sessions):
        return
    opens = next_open(at, sessions)
    raise Conflict(
        "market.closed",
        params={"opens": china_minute(opens)},
        opens_at=opens.isoformat(),
        calendar_source=trading_day(china(opens).date()).source,
    )
