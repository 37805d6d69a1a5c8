"""Price bands: a price must lie within a mode's band around the product's previous close, the
price of its last standing (not reversed) trade before today's trading day. A product is a
standard and a project type. With no previous close there is no band (the first trade of a
product sets the reference)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.errors import ValidationFailed
from backend.credits.models import Standard
from backend.market.models import Mode, Trade, standing
from backend.market.rules import Rules


@dataclass(frozen=True)
class Band:
    previous_close: int | None  # fen per tonne
    low: int | None
    high: int | None


def previous_close(s: Session, standard: Standard, project_type: str, today: date) -> int | None:
    return s.scalar(
        select(Trade.price_fen_per_t)
        .where(
            Trade.standard == standard,
            Trade.project_type == project_type,
            Trade.trading_day < today,
            standing(),
        )
        .order_by(Trade.executed_at.desc(), Trade.id.desc())
        .limit(1)
    )


def band(
    s: Session, rules: Rules, mode: Mode, standard: Standard, project_type: str, today: date
) -> Band:
    close = previous_close(s, standard, project_type, today)
    bps = rules.band_bps[mode]
    if close is None or bps == 0:
        return Band(close, None, None)
    # Bounds rounded inwards: a price on the bound is never beyond the band.
    return Band(close, -(-close * (10_000 - bps) // 10_000), close * (10_000 + bps) // 10_000)


def check(
    s: Session,
    rules: Rules,
    mode: Mode,
    standard: Standard,
    project_type: str,
    today: date,
    price_fen_per_t: int,
) -> None:
    """422 on `price_fen_per_t` outside the band."""
    b = band(s, rules, mode, standard, project_type, today)
    if b.low is not None and b.high is not None and not b.low <= price_fen_per_t <= b.high:
        raise ValidationFailed(
            "price_fen_per_t",
            "market.price_out_of_band",
            low=b.low,
            high=b.high,
            previous_close=b.previous_close,
        )
