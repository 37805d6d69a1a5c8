"""A site (a branch, office, shop, restaurant or scenic spot) over a period: grid electricity,
fuels, owned vehicles, refrigerant top-ups, waste and staff commuting. A preset only chooses
which of these inputs its form shows; it never changes the arithmetic."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from backend.footprint import venue
from backend.footprint.calc import Category, Computation, Phase, Term, text
from backend.footprint.meeting import venue_energy
from backend.footprint.travel import Mode, ground_or_distance_leg, mode_share

REFRIGERANTS = ("R-22", "R-410A", "R-32", "R-134a")
FUELS = {"petrol": "line.vehicle_petrol", "diesel": "line.vehicle_diesel"}
VEHICLE_KM = {"car": ("line.vehicle_car_km", "transport.car")}  # per vehicle-km
COMMUTE_MODES = (Mode.metro, Mode.bus, Mode.car)
METERED = tuple(row for row in venue.METERED if row[0] != "water_m3")
# CDCER's scenes (seed: catering, supermarkets, A-grade scenic spots) and 零碳网点 (bank branches,
# offices). Which inputs each shows is the form's business (pwa/src/app/calculators.ts).
PRESETS = ("catering", "supermarket", "scenic_spot", "bank_branch", "office")


def compute(comp: Computation, data: dict[str, Any], path: str = "site") -> None:
    """All lines of one site over its period."""
    province = data.get("province") or comp.assume(
        f"{path}.province", venue.DEFAULT_PROVINCE, text("assume.sichuan")
    )
    if data.get("electricity_kwh") is not None:
        venue_energy(
            comp,
            kwh=Decimal(data["electricity_kwh"]),
            area=Decimal(0),
            hours=Decimal(0),
            days=Decimal(1),
            green=Decimal(data.get("green_power_pct") or 0) / 100,
            region=province,
            label=text("line.site_electricity"),
        )
    venue.metered(comp, data, METERED, Phase.staging)
    for v in data.get("vehicles") or []:
        _vehicle(comp, v)
    for r in data.get("refrigerants") or []:
        comp.add(
            Category.refrigerant,
            Phase.staging,
            text("line.refrigerant", gas=r["gas"]),
            [Term(Decimal(r["kg"]), text("term.kg_topped_up"))],
            comp.factors.factor(f"refrigerant.{r['gas']}"),
        )
    if data.get("commuting"):
        _commuting(comp, data["commuting"], data["period"], f"{path}.commuting")


def _vehicle(comp: Computation, v: dict[str, Any]) -> None:
    if v.get("fuel"):
        terms = [Term(Decimal(v["litres"]), text("term.litres"))]
        label = text(FUELS[v["fuel"]])
        factor = comp.factors.factor(f"fuel.{v['fuel']}")
    else:
        terms = [Term(Decimal(v["km"]), text("term.vehicle_km"))]
        template, key = VEHICLE_KM[v["vehicle"]]
        label, factor = text(template), comp.factors.factor(key)
    comp.add(Category.fuel, Phase.staging, label, terms, factor)


def weekdays(start: date, end: date) -> int:
    """Monday to Friday from `start` to `end`, both included."""
    return sum((start + timedelta(d)).weekday() < 5 for d in range((end - start).days + 1))


def _commuting(comp: Computation, c: dict[str, Any], period: dict[str, Any], path: str) -> None:
    """Staff × working days × round trip km, by mode (given, else Diandian's default split)."""
    days = c.get("working_days")
    if days is None:
        n = weekdays(period["start"], period["end"])
        comp.assume(f"{path}.working_days", str(n), text("assume.weekdays", days=n))
        days = n
    km = comp.given_or_default(c.get("trip_km"), f"{path}.trip_km", "site.commute_trip_km")
    shares = c.get("mode_share") or {}
    for mode in COMMUTE_MODES:
        share = mode_share(comp, shares, mode, path, "site.commute_mode_share")
        ground_or_distance_leg(
            comp,
            mode=mode,
            people=Decimal(c["staff"]),
            km=km,
            km_label=text("term.km_round_trip_per_day"),
            phase=Phase.staging,
            label=text("line.commuting", mode=mode),
            extra=[
                Term(Decimal(days), text("term.working_days")),
                Term(share, text("term.share_mode", mode=mode)),
            ],
        )
