"""Versioned factor sets, read from `data/factors-<version>.toml`; every number has a source."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
REQUIRED = ("value", "unit", "source", "year", "region")


class UnknownFactorSet(LookupError):
    """No factor set has this version."""


@dataclass(frozen=True)
class Factor:
    """One number with where it came from."""

    key: str
    value: Decimal
    unit: str
    source: str
    year: int
    region: str
    url: str = ""
    note: str = ""
    source_zh: str = ""  # the source (a default's: Diandian's reasoning) in Chinese, if given
    unit_zh: str = ""


@dataclass(frozen=True)
class FactorSet:
    """Emission factors and default assumptions of one published version."""

    version: str
    published: date
    description: str
    factors: dict[str, Factor]
    defaults: dict[str, Factor]

    def factor(self, key: str) -> Factor:
        return self.factors[key]

    def default(self, key: str) -> Factor:
        return self.defaults[key]

    def grid(self, region: str) -> Factor:
        """Grid factor of a province (ISO 3166-2:CN), falling back to the national one."""
        return self.factors.get(f"electricity.grid.{region}") or self.factors["electricity.grid.CN"]


def _entries(raw: dict[str, Any], where: str) -> dict[str, Factor]:
    out = {}
    for key, entry in raw.items():
        missing = [f for f in REQUIRED if f not in entry]
        if missing:
            raise ValueError(f"{where}.{key} lacks {', '.join(missing)}")
        out[key] = Factor(
            key=key,
            value=Decimal(str(entry["value"])),
            unit=entry["unit"],
            source=entry["source"],
            year=int(entry["year"]),
            region=entry["region"],
            url=entry.get("url", ""),
            note=entry.get("note", ""),
            source_zh=entry.get("source_zh", ""),
            unit_zh=entry.get("unit_zh", ""),
        )
    return out


def load_file(path: Path) -> FactorSet:
    """Parse and check one factor-set file."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    published = raw["published"]
    return FactorSet(
        version=str(raw["version"]),
        published=published if isinstance(published, date) else date.fromisoformat(published),
        description=raw.get("description", ""),
        factors=_entries(raw.get("factors", {}), "factors"),
        defaults=_entries(raw.get("defaults", {}), "defaults"),
    )


@cache
def all_sets() -> dict[str, FactorSet]:
    """Every shipped factor set by version, oldest first."""
    sets = [load_file(p) for p in DATA.glob("factors-*.toml")]
    return {s.version: s for s in sorted(sets, key=lambda s: (s.published, s.version))}


def latest_version() -> str:
    """The newest published version."""
    return next(reversed(all_sets()))


def get(version: str) -> FactorSet:
    """A factor set by version."""
    try:
        return all_sets()[version]
    except KeyError:
        raise UnknownFactorSet(version) from None
