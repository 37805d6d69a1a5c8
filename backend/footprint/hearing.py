"""Court hearings: participants' travel, courtroom energy, printing, remote links, and the
saving an online hearing would make."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.footprint.calc import Category, Computation, Phase, Term, text
from backend.footprint.meeting import grid_region, printing, venue_city, venue_energy
from backend.footprint.travel import Mode, ground_or_distance_leg

DEFAULT_PARTICIPANTS = (("judge", 1), ("clerk", 1), ("party", 2), ("lawyer", 2))


def participants(comp: Computation, data: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The participants as given, else a documented small bench (1 judge, 1 clerk, 2+2)."""
    given = data.get("participants")
    if given:
        return list(given)
    comp.assume(f"{path}.participants", "judge:1,clerk:1,party:2,lawyer:2", text("assume.bench"))
    return [{"role": role, "count": n} for role, n in DEFAULT_PARTICIPANTS]


def compute(
    comp: Computation, data: dict[str, Any], path: str = "hearing", online: bool = False
) -> None:
    """All lines of a hearing; `online=True` works out the same hearing held fully online."""
    host = venue_city(comp, data, path)
    hours = comp.given_or_default(data.get("hours"), f"{path}.hours", "hearing.hours")
    people = participants(comp, data, path)
    total = Decimal(0)
    for i, p in enumerate(people):
        count = Decimal(p["count"])
        total += count
        remote = count if online else Decimal(p.get("remote") or 0)
        present = count - remote
        if present:
            km = comp.given_or_default(
                p.get("distance_km"), f"{path}.participants.{i}.distance_km", "hearing.trip_km"
            )
            mode = Mode(p.get("mode") or Mode.car)
            ground_or_distance_leg(
                comp,
                mode=mode,
                people=present,
                km=km,
                km_label=text("term.km_one_way"),
                phase=Phase.staging,
                label=text("line.hearing_travel", role=p["role"], mode=mode),
                extra=[Term(Decimal(2), text("term.ways"))],
            )
        if remote:
            comp.add(
                Category.digital,
                Phase.staging,
                text("line.video_link", role=p["role"]),
                [Term(remote, text("term.remote_participants")), Term(hours, text("term.hours"))],
                comp.factors.factor("digital.video_call_hour"),
            )
    if not online:
        area = comp.given_or_default(
            data.get("courtroom_m2"), f"{path}.courtroom_m2", "hearing.courtroom_m2"
        )
        kwh = data.get("courtroom_kwh")
        venue_energy(
            comp,
            kwh=Decimal(kwh) if kwh is not None else None,
            area=area,
            hours=hours,
            days=Decimal(1),
            green=Decimal(0),
            region=grid_region(data, host),
            label=text("line.courtroom_electricity"),
        )
    printing(
        comp,
        data.get("printed_pages"),
        f"{path}.printed_pages",
        total,
        "hearing.pages_per_participant",
    )
