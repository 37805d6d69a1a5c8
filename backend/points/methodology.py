"""Action types: the reduction each unit earns, its source, and its limits, by methodology
version. New actions earn under the current version; an action keeps the version it earned
under (`GreenAction.methodology`), and every version stays loadable by name."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
PREFIX = "green-travel-"
CURRENT = "2026.2"


class UnknownVersion(LookupError):
    """No methodology of that name."""


@dataclass(frozen=True)
class ActionType:
    name: str
    label_zh: str
    label_en: str
    unit: str  # pkm, step, checkin, item, order
    reduction_g: Decimal | None  # grams CO2e per unit; None: only by the replaced mode
    source: str
    note: str
    daily_cap_g: int
    confirm: timedelta
    year: int | None = None  # of the source (2026.1 gave none)
    # grams CO2e per unit by the mode the trip replaced (a bike ride, a walk)
    replaces: dict[str, Decimal] = field(default_factory=dict)
    self_daily_cap_g: int | None = None
    self_confirm: timedelta | None = None
    max_km: Decimal | None = None
    max_speed_kmh: Decimal | None = None
    max_units: int | None = None
    # False for a reward the scheme sets (a check-in): its points are no measured reduction, so
    # statistics count its actions and none of its grams
    measured: bool = True

    def rate(self, replaces: str | None = None) -> Decimal | None:
        """Grams per unit: by the replaced mode if given, else the type's own; None if unknown."""
        return self.reduction_g if replaces is None else self.replaces.get(replaces)

    def grams(self, units: Decimal, replaces: str | None = None) -> int:
        """The reduction of `units`, rounded down: never credit more than was saved."""
        rate = self.rate(replaces)
        if rate is None:
            raise ValueError(f"{self.name}: no reduction for replaces={replaces!r}")
        return int((rate * units).to_integral_value(ROUND_FLOOR))

    @property
    def replaces_required(self) -> bool:
        return self.reduction_g is None

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


def _hours(raw: Any) -> timedelta | None:
    return timedelta(hours=int(raw)) if raw is not None else None


def _type(name: str, t: dict[str, Any]) -> ActionType:
    return ActionType(
        name=name,
        label_zh=t["label_zh"],
        label_en=t["label_en"],
        unit=t["unit"],
        reduction_g=_decimal(t.get("reduction_g")),
        source=t["source"],
        note=t.get("note", ""),
        daily_cap_g=int(t["daily_cap_g"]),
        confirm=timedelta(hours=int(t["confirm_hours"])),
        year=t.get("year"),
        replaces={mode: Decimal(g) for mode, g in t.get("replaces", {}).items()},
        self_daily_cap_g=t.get("self_daily_cap_g"),
        self_confirm=_hours(t.get("self_confirm_hours")),
        max_km=_decimal(t.get("max_km")),
        max_speed_kmh=_decimal(t.get("max_speed_kmh")),
        max_units=t.get("max_units"),
        measured=bool(t.get("measured", True)),
    )


def versions() -> list[str]:
    """Every methodology version in the repository, oldest first."""
    return sorted(p.stem.removeprefix(PREFIX) for p in DATA.glob(f"{PREFIX}*.toml"))


@cache
def load(version: str = CURRENT) -> Methodology:
    """A version by name (UnknownVersion if there is none); the current one by default."""
    if version not in versions():
        raise UnknownVersion(version)
    raw = tomllib.loads((DATA / f"{PREFIX}{version}.toml").read_text(encoding="utf-8"))
    return Methodology(
        version=raw["version"],
        description=raw["description"],
        point_grams=int(raw["point_grams"]),
        types={name: _type(name, t) for name, t in raw["types"].items()},
        self_report_types=tuple(sorted(raw["self_report_types"])),
    )


def current() -> Methodology:
    """The version new actions earn under."""
    return load(CURRENT)
