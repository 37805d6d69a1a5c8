"""Places and distances: airports (airportsdata), Chinese cities, great circles, ICAO correction."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import airportsdata

from backend.footprint.factors import DATA

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
KM = Decimal("0.1")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lat: float
    lon: float
    province: str = ""
    country: str = ""


@cache
def _airports() -> dict[str, Any]:
    return airportsdata.load("IATA")


def airport(code: str) -> Place | None:
    """An airport by IATA code (any case), or None."""
    a = _airports().get(code.strip().upper())
    if a is None:
        return None
    return Place(
        code=a["iata"],
        name=a["name"],
        lat=float(a["lat"]),
        lon=float(a["lon"]),
        country=a["country"],
    )


@cache
def _cities() -> dict[str, Place]:
    raw = tomllib.loads((DATA / "cities.toml").read_text(encoding="utf-8"))["cities"]
    index: dict[str, Place] = {}
    for key, c in raw.items():
        place = Place(
            code=key,
            name=c["en"],
            lat=float(c["lat"]),
            lon=float(c["lon"]),
            province=c["province"],
            country="CN",
        )
        for name in (key, c["en"], c["zh"]):
            index[name.strip().lower()] = place
    return index


def city(name: str) -> Place | None:
    """A Chinese city by key, English or Chinese name (成都, Chengdu, chengdu)."""
    return _cities().get(name.strip().lower())


def great_circle_km(a: Place, b: Place) -> Decimal:
    """Haversine distance, rounded to 0.1 km; the arithmetic after this is Decimal."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    return Decimal(repr(km)).quantize(KM)
