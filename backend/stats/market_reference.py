"""The Sichuan carbon market's published CCER trading (《四川碳市场运行报告（2023）》), kept as
reference data beside 点点's own trades: `data/market_reference.toml`, read once, its figures
as the report prints them."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

FILE = Path(__file__).parent / "data" / "market_reference.toml"


@cache
def reference() -> dict[str, Any]:
    """The reference figures: source, yearly table, national shares, cumulative, trades by mode,
    monthly concentration, average price and project types."""
    with FILE.open("rb") as f:
        return tomllib.load(f)
