"""Meetings: travel, hotel nights, venue energy, meals, printing and waste."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.core.errors import ValidationFailed
from backend.footprint import origins
from backend.footprint.calc import Category, Computation, Phase, Term, Text, text
from backend.footprint.geo import Place, city
from backend.footprint.travel import (
    Cabin,
    Mode,
    ground_or_distance_leg,
    radiative_forcing,
    route_km,
)

DEFAULT_CITY = "chengdu"
LOCAL_MODES = (Mode.metro, Mode.bus, Mode.car)
LONG_MODES = (Mode.flight, Mode.high_speed_rail, Mode.coach)
MEAL_TYPES = ("vegan", "vegetarian", "meat")


def venue_city(comp: Computation, data: dict[str, Any], path: str) -> Place:
    """The host city (default Chengdu), which also picks the provincial grid factor."""
    name = data.get("city")
    if name is None:
        comp.assume(f"{path}.city", DEFAULT_CITY, text("assume.city_chengdu"))
        return _city(DEFAULT_CITY, f"{path}.city")
    return _city(name, f"{path}.city")


def _city(name: str, path: str) -> Place:
    place = city(name)
    if place is None:
        raise ValidationFailed(path, "footprint.unknown_city", name=name)
    return place


def grid_region(data: dict[str, Any], host: Place) -> str:
    """The province whose grid factor applies: given explicitly, else the host city's."""
    return str(data.get("province") or host.province)


def compute(comp: Computation, data: dict[str, Any], path: str = "meeting") -> None:
    """All lines of a meeting."""
    host = venue_city(comp, data, path)
    attendees = Decimal(data["attendees"])
    days = comp.given_or_default(data.get("days"), f"{path}.days", "meeting.days")
    out_of_town = _travel(comp, data, path, host, attendees, days)
    _hotel(comp, data, path, out_of_town, days)
    _venue_energy(comp, data, path, host, attendees, days)
    _meals(comp, data, path, attendees, days)
    printing(
        comp,
        data.get("printed_pages"),
        f"{path}.printed_pages",
        attendees,
        "meeting.pages_per_attendee",
    )
    waste = data.get("waste_kg")
    kg = Decimal(waste) if waste is not None else None
    if kg is None:
        per = comp.default(f"{path}.waste_kg", "meeting.waste_kg_per_attendee_day")
        terms = [
            Term(attendees, text("term.attendees")),
            Term(days, text("term.days")),
            Term(per, text("term.kg_per_person_day")),
        ]
    else:
        terms = [Term(kg, text("term.kg"))]
    comp.add(
        Category.waste,
        Phase.wrap_up,
        text("line.waste"),
        terms,
        comp.factors.factor("waste.general"),
    )


def _travel(
    comp: Computation,
    data: dict[str, Any],
    path: str,
    host: Place,
    attendees: Decimal,
    days: Decimal,
) -> Decimal:
    """Explicit legs when given, else the local / out-of-town model. Returns out-of-town count."""
    legs = data.get("travel")
    if legs:
        for i, leg in enumerate(legs):
            _leg(comp, leg, f"{path}.travel.{i}", host)
        counted = sum((Decimal(leg["people"]) for leg in legs), Decimal(0))
        if counted > attendees:
            raise ValidationFailed(f"{path}.travel", "footprint.travellers_over_attendees")
        if data.get("out_of_town_attendees") is not None:
            return Decimal(data["out_of_town_attendees"])
        return sum(
            (Decimal(leg["people"]) for leg in legs if Mode(leg["mode"]) in LONG_MODES), Decimal(0)
        )
    local, out = _split(comp, data, path, attendees)
    if data.get("origins"):
        origins.travel(comp, data["origins"], f"{path}.origins", host)
    trip = comp.given_or_default(
        data.get("local_trip_km"), f"{path}.local_trip_km", "meeting.local_trip_km"
    )
    for mode in LOCAL_MODES:
        share = comp.default(f"{path}.local_mode_share.{mode}", f"meeting.local_mode_share.{mode}")
        ground_or_distance_leg(
            comp,
            mode=mode,
            people=local,
            km=trip,
            km_label=text("term.km_round_trip_per_day"),
            phase=Phase.staging,
            label=text("line.local_travel", mode=mode),
            extra=[Term(days, text("term.days")), Term(share, text("term.share_mode", mode=mode))],
        )
    if out and not data.get("origins"):
        mode = Mode(data.get("out_of_town_mode") or Mode.high_speed_rail)
        origin = data.get("out_of_town_origin")
        corrections: list[Term] = []
        if origin:
            km, label, corrections = route_km(
                comp, mode, _city(origin, f"{path}.out_of_town_origin"), host
            )
        else:
            km = comp.default(f"{path}.out_of_town_trip_km", "meeting.out_of_town_trip_km")
            label = text("term.km_one_way")
        ground_or_distance_leg(
            comp,
            mode=mode,
            people=out,
            km=km,
            km_label=label,
            phase=Phase.staging,
            label=text("line.out_of_town_travel", mode=mode),
            extra=[Term(Decimal(2), text("term.ways")), *corrections],
            rf=mode == Mode.flight and radiative_forcing(comp, data, path),
        )
    return out


def _split(
    comp: Computation, data: dict[str, Any], path: str, attendees: Decimal
) -> tuple[Decimal, Decimal]:
    local, out = data.get("local_attendees"), data.get("out_of_town_attendees")
    travelling = sum(o["people"] for o in data.get("origins") or [])
    if travelling:
        if out is not None and out != travelling:
            raise ValidationFailed(f"{path}.out_of_town_attendees", "footprint.origins_sum")
        out = travelling
    if local is None and out is None:
        if comp.standard is not None:
            comp.assume(f"{path}.local_attendees", "all_local", text("assume.all_local"))
            return attendees, Decimal(0)
        share = comp.default(f"{path}.local_attendees", "meeting.local_share")
        local_d = (attendees * share).to_integral_value()
        return local_d, attendees - local_d
    if local is not None and out is not None and local + out != attendees:
        raise ValidationFailed(f"{path}.local_attendees", "footprint.attendees_split")
    known = Decimal(local if local is not None else out or 0)
    if known > attendees:
        field = "local_attendees" if local is not None else "out_of_town_attendees"
        field = "origins" if travelling and local is None else field
        raise ValidationFailed(f"{path}.{field}", "footprint.over_attendees")
    other = attendees - known
    return (known, other) if local is not None else (other, known)


def _leg(comp: Computation, leg: dict[str, Any], path: str, host: Place) -> None:
    mode = Mode(leg["mode"])
    people = Decimal(leg["people"])
    ways = Decimal(2) if leg.get("round_trip", True) else Decimal(1)
    corrections: list[Term] = []
    if leg.get("distance_km") is not None:
        km, label = Decimal(leg["distance_km"]), text("term.km_one_way")
    elif leg.get("origin"):
        km, label, corrections = route_km(comp, mode, _city(leg["origin"], f"{path}.origin"), host)
    else:
        raise ValidationFailed(f"{path}.distance_km", "footprint.distance_or_origin")
    cabin = Cabin(leg["cabin"]) if leg.get("cabin") else None
    ground_or_distance_leg(
        comp,
        mode=mode,
        people=people,
        km=km,
        km_label=label,
        phase=Phase.staging,
        label=(
            text("line.travel_from", origin=leg["origin"], mode=mode)
            if leg.get("origin")
            else text("line.travel", mode=mode)
        ),
        cabin=cabin,
        rf=mode == Mode.flight and radiative_forcing(comp, leg, path),
        extra=([Term(ways, text("term.ways"))] if ways != 1 else []) + corrections,
    )


def _hotel(comp: Computation, data: dict[str, Any], path: str, out: Decimal, days: Decimal) -> None:
    nights = data.get("hotel_nights")
    if nights is not None:
        terms = [Term(Decimal(nights), text("term.room_nights"))]
    else:
        per = comp.default(f"{path}.hotel_nights", "meeting.hotel_nights_per_day")
        terms = [
            Term(out, text("term.out_of_town_attendees")),
            Term(days, text("term.days")),
            Term(per, text("term.nights_per_day")),
        ]
    comp.add(
        Category.accommodation,
        Phase.staging,
        text("line.hotel"),
        terms,
        comp.factors.factor("hotel.night.CN"),
    )


def venue_energy(
    comp: Computation,
    *,
    kwh: Decimal | None,
    area: Decimal,
    hours: Decimal,
    days: Decimal,
    green: Decimal,
    region: str,
    label: Text,
) -> None:
    """Grid electricity, metered or estimated from area × hours; green power counts as zero."""
    if kwh is not None:
        terms = [Term(kwh, text("term.kwh"))]
    else:
        per = comp.factors.default("meeting.venue_kwh_per_m2_hour").value
        terms = [
            Term(area, text("term.m2")),
            Term(hours, text("term.hours_per_day")),
            Term(days, text("term.days")),
            Term(per, text("term.kwh_per_m2_hour")),
        ]
    if green:
        terms.append(Term(1 - green, text("term.non_green_share", green=green)))
    comp.add(Category.venue_energy, Phase.staging, label, terms, comp.factors.grid(region))


def _venue_energy(
    comp: Computation,
    data: dict[str, Any],
    path: str,
    host: Place,
    attendees: Decimal,
    days: Decimal,
) -> None:
    venue = data.get("venue") or {}
    kwh = venue.get("kwh")
    area = hours = Decimal(0)
    if kwh is None:
        comp.default(f"{path}.venue.kwh_per_m2_hour", "meeting.venue_kwh_per_m2_hour")
        if venue.get("area_m2") is not None:
            area = Decimal(venue["area_m2"])
        else:
            area = attendees * comp.default(
                f"{path}.venue.area_m2", "meeting.venue_area_m2_per_attendee"
            )
        hours = comp.given_or_default(
            venue.get("hours_per_day"), f"{path}.venue.hours_per_day", "meeting.venue_hours_per_day"
        )
    venue_energy(
        comp,
        kwh=Decimal(kwh) if kwh is not None else None,
        area=area,
        hours=hours,
        days=days,
        green=Decimal(venue.get("green_share") or 0),
        region=grid_region(data, host),
        label=text("line.venue_electricity"),
    )


def _meals(
    comp: Computation, data: dict[str, Any], path: str, attendees: Decimal, days: Decimal
) -> None:
    meals = data.get("meals")
    if meals is not None:
        for kind in MEAL_TYPES:
            count = Decimal(meals.get(kind) or 0)
            comp.add(
                Category.catering,
                Phase.staging,
                text("line.meals", meal=kind),
                [Term(count, text("term.meals"))],
                comp.factors.factor(f"meal.{kind}"),
            )
        return
    per_day = comp.default(f"{path}.meals", "meeting.meals_per_day")
    for kind in MEAL_TYPES:
        share = comp.default(f"{path}.meals.{kind}", f"meeting.meal_mix.{kind}")
        terms = [
            Term(attendees, text("term.attendees")),
            Term(days, text("term.days")),
            Term(per_day, text("term.meals_per_day")),
            Term(share, text("term.share_meal", meal=kind)),
        ]
        comp.add(
            Category.catering,
            Phase.staging,
            text("line.meals", meal=kind),
            terms,
            comp.factors.factor(f"meal.{kind}"),
        )


def printing(
    comp: Computation, pages: int | None, path: str, people: Decimal, per_person_key: str
) -> None:
    """Printed pages × paper mass per page × the paper factor."""
    kg_per_page = comp.factors.default("paper.kg_per_page").value
    if pages is not None:
        terms = [Term(Decimal(pages), text("term.pages"))]
    else:
        per = comp.default(path, per_person_key)
        terms = [Term(people, text("term.people")), Term(per, text("term.pages_each"))]
    terms.append(Term(kg_per_page, text("term.kg_per_page")))
    comp.add(
        Category.materials,
        Phase.preparation,
        text("line.printing"),
        terms,
        comp.factors.factor("materials.paper"),
    )
