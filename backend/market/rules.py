"""The market's rules, read from the configuration (docs/market.md gives each one's source, or
says it is our assumption)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from backend.market.models import Mode


@dataclass(frozen=True)
class Rules:
    sessions: tuple[tuple[time, time], ...]  # trading hours, Asia/Shanghai
    block_min_t: int
    band_bps: Mapping[Mode, int]  # 0: no band
    buyer_fee_bps: int
    seller_fee_bps: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Rules:
        return cls(
            sessions=parse_hours(config["MARKET_HOURS"]),
            block_min_t=int(config["MARKET_BLOCK_MIN_T"]),
            band_bps={
                Mode.listing: int(config["MARKET_LISTING_BAND_BPS"]),
                Mode.block: int(config["MARKET_BLOCK_BAND_BPS"]),
                Mode.agreement: int(config["MARKET_AGREEMENT_BAND_BPS"]),
            },
            buyer_fee_bps=int(config["MARKET_BUYER_FEE_BPS"]),
            seller_fee_bps=int(config["MARKET_SELLER_FEE_BPS"]),
        )


def parse_hours(spec: str) -> tuple[tuple[time, time], ...]:
    """`09:30-11:30,13:00-15:00` (checked by the configuration)."""
    out = []
    for part in spec.split(","):
        start, end = part.strip().split("-")
        out.append((time.fromisoformat(start), time.fromisoformat(end)))
    return tuple(out)


def fee(amount_fen: int, bps: int) -> int:
    """A fee in fen, rounded down (in the customer's favour)."""
    return amount_fen * bps // 10_000
