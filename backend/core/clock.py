"""Time: stored in UTC, shown and grouped in China Standard Time.

Every date a person reads (a certificate, a case deadline, a statement) and every monthly or daily
grouping goes through this module, so a certificate issued at 07:49 Beijing time is dated that
day everywhere, and falls in the same month on `/stats` and `/stats/report`.

China Standard Time is UTC+8 with no daylight saving since 1991 (State Council, 1992), so the SQL
forms below add eight hours on SQLite; PostgreSQL converts with its own zone database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

CHINA = ZoneInfo("Asia/Shanghai")
CHINA_NAME = "Asia/Shanghai"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (what we store)."""
    return datetime.now(UTC)


def china(at: datetime) -> datetime:
    """`at` (aware) in China Standard Time."""
    if at.tzinfo is None:
        raise ValueError("naive datetime: times are stored and passed in UTC")
    return at.astimezone(CHINA)


def china_date(at: datetime) -> date:
    """The calendar date in China of an instant."""
    return china(at).date()


def china_today(now: datetime | None = None) -> date:
    """Today's date in China."""
    return china_date(now or utcnow())


def china_month(at: datetime) -> str:
    """`YYYY-MM` of an instant, in China."""
    return china(at).strftime("%Y-%m")


def china_minute(at: datetime) -> str:
    """`YYYY-MM-DD HH:MM` in China: a time of day shown to a person."""
    return china(at).strftime("%Y-%m-%d %H:%M")


def china_day_start(day: date) -> datetime:
    """The UTC instant at which `day` begins in China (for range filters on UTC columns)."""
    return datetime.combine(day, time.min, CHINA).astimezone(UTC)


def month_sql(s: Session, column: Any) -> ColumnElement[str]:
    """`YYYY-MM` in China of a UTC timestamp column, on either database."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(CHINA_NAME, column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def year_sql(s: Session, column: Any) -> ColumnElement[str]:
    """`YYYY` in China of a UTC timestamp column, on either database."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(CHINA_NAME, column), "YYYY")
    return func.strftime("%Y", column, "+8 hours")


def day_sql(s: Session, column: Any) -> ColumnElement[str]:
    """`YYYY-MM-DD` in China of a UTC timestamp column, on either database."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(CHINA_NAME, column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+8 hours")
