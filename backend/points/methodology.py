"""Green-travel action types: the reduction each unit earns, its source, and its limits."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
VERSION = "2026.1"


@dataclass(frozen=True)
class ActionType:
    name: str
    unit: str  # pkm, step, checkin
    reduction_g: Decimal  # grams CO2e per unit
    source: str
    note: str
    daily_cap_g: int
    confirm: timedelta
    self_daily_cap_g: int | None = None
    self_confirm: timedelta | None = None
    max_km: Decimal | None = None
    max_speed_kmh: Decimal | None = None
    max_units: int | None = None

    def grams(self, units: Decimal) -> int:
        """The reduction of `units`, rounded down: never credit more than was saved."""
        return int((self.reduction_g * units).to_integral_value(ROUND_FLOOR))

    @property
    def confirm_hours(self) -> int:
        return int(self.confirm.total_seconds() // 3600)


@dataclass(frozen=True)
class Methodology:
    version: str
    description: str
    point_grams: int
    types: dict[str, ActionType]
    self_report_types: tuple[str, ...]  # sorted

    @property
    def listed_types(self) -> list[ActionType]:
        return list(self.types.values())


def _decimal(raw: Any) -> Decimal | None:
    return Decimal(str(raw)) if raw is not None else None


@cache
def load(version: str = VERSION) -> Methodology:
    raw = tomllib.loads((DATA / f"green-travel-{version}.toml").read_text(encoding="utf-8"))
    types = {}
    for name, t in raw["types"].items():
        types[name] = ActionType(
            name=name,
            unit=t["unit"],
            reduction_g=Decimal(t["reduction_g"]),
            source=t["source"],
            note=t.get("note", ""),
            daily_cap_g=int(t["daily_cap_g"]),
            confirm=timedelta(hours=int(t["confirm_hours"])),
            self_daily_cap_g=t.get("self_daily_cap_g"),
            self_confirm=timedelta(hours=t["self_confirm_hours"])
            if "self_confirm_hours" in t
            else None,
            max_km=_decimal(t.get("max_km")),
            max_speed_kmh=_decimal(t.get("max_speed_kmh")),
            max_units=t.get("max_units"),
        )
    return Methodology(
        version=raw["version"],
        description=raw["description"],
        point_grams=int(raw["point_grams"]),
        types=types,
        self_report_types=tuple(sorted(raw["self_report_types"])),
    )
