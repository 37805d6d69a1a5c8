"""Request and response shapes of the footprint API, with the documented input limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_dump,
    post_load,
    validate,
    validates_schema,
)

from backend.core.messages import Coded
from backend.footprint.calc import Category, Phase, Text
from backend.footprint.document import FootprintRequest
from backend.footprint.models import Kind
from backend.footprint.site import FUELS, PRESETS, REFRIGERANTS, VEHICLE_KM
from backend.footprint.standards import DEFAULT, STANDARDS
from backend.footprint.travel import Cabin, Mode

# Input limits (README, "Footprint input limits"): anything above is a typo or an attack.
MAX_PEOPLE = 1_000_000
MAX_DAYS = 366
MAX_KM = 40_075  # once around the Earth, one way
MAX_KWH = 10**10
MAX_MASS_KG = 10**10
MAX_VOLUME = 10**10
MAX_PAGES = 10**9
MAX_MEALS = 10**9
MAX_NIGHTS = 10**8
MAX_HOURS = 24 * 366
MAX_PASSENGERS = 10_000
MAX_VIA = 8
MAX_COMPONENTS = 200
MAX_LEGS = 100
MAX_PERIOD_DAYS = 3660  # ten years
MAX_VEHICLE_KM = 10**9
MAX_REFRIGERANT_KG = 10**6


def whole(maximum: int, *, required: bool = False, minimum: int = 0, **kw: Any) -> fields.Integer:
    return fields.Integer(
        required=required, strict=True, validate=validate.Range(min=minimum, max=maximum), **kw
    )


def quantity(maximum: int, **kw: Any) -> fields.Decimal:
    return fields.Decimal(
        places=None,
        allow_nan=False,
        as_string=True,
        validate=validate.Range(min=Decimal(0), max=Decimal(maximum)),
        **kw,
    )


def share(**kw: Any) -> fields.Decimal:
    return quantity(1, **kw)


def iata(**kw: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(r"^[A-Za-z]{3}$", error=Coded("footprint.iata")),
        metadata={"example": "CTU"},
        **kw,
    )


def place_name(**kw: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=50), **kw)


def province(**kw: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(r"^CN-[A-Z]{2}$", error=Coded("footprint.province")),
        metadata={"description": "Picks the provincial grid factor", "example": "CN-SC"},
        **kw,
    )


def label() -> fields.String:
    return fields.String(validate=validate.Length(max=200))


class ModeShareSchema(Schema):
    metro = share()
    bus = share()
    car = share()

    @validates_schema
    def _sums_to_one(self, data: dict[str, Any], **_: Any) -> None:
        if data and len(data) == 3 and sum(data.values()) != 1:
            raise ValidationError(Coded("footprint.shares_sum"), "_schema")
        if data and len(data) != 3:
            raise ValidationError(Coded("footprint.shares_all_three"), "_schema")


class TravelLegSchema(Schema):
    mode = fields.Enum(Mode, by_value=True, required=True)
    people = whole(MAX_PEOPLE, required=True, minimum=1)
    distance_km = quantity(MAX_KM, metadata={"description": "One way"})
    origin = place_name(metadata={"description": "City the travellers come from"})
    round_trip = fields.Boolean(load_default=True)
    cabin = fields.Enum(Cabin, by_value=True)
    radiative_forcing = fields.Boolean()


class OriginSchema(Schema):
    from_ = place_name(
        required=True,
        data_key="from",
        metadata={
            "description": "A city (北京, Beijing), an airport's IATA code (PEK) or a railway "
            "station (北京南站)",
            "example": "北京",
        },
    )
    people = whole(MAX_PEOPLE, required=True, minimum=1)
    mode = fields.Enum(
        Mode,
        by_value=True,
        metadata={
            "description": "Default: flight from an airport or a far city, high-speed rail from a "
            "station or a nearer city"
        },
    )
    round_trip = fields.Boolean(load_default=True)
    cabin = fields.Enum(Cabin, by_value=True)
    radiative_forcing = fields.Boolean()


class MeetingVenueSchema(Schema):
    kwh = quantity(MAX_KWH, metadata={"description": "Metered electricity; else area × hours"})
    area_m2 = quantity(10**7)
    hours_per_day = quantity(24)
    green_share = share(metadata={"description": "Share of green power (0–1), counted as zero"})


class MealsSchema(Schema):
    vegan = whole(MAX_MEALS)
    vegetarian = whole(MAX_MEALS)
    meat = whole(MAX_MEALS)


class MeetingSchema(Schema):
    name = label()
    city = place_name(metadata={"example": "成都"})
    province = province()
    attendees = whole(MAX_PEOPLE, required=True, minimum=1)
    days = whole(MAX_DAYS, minimum=1)
    local_attendees = whole(MAX_PEOPLE)
    out_of_town_attendees = whole(MAX_PEOPLE)
    out_of_town_origin = place_name(metadata={"description": "One origin for all; or `origins`"})
    out_of_town_mode = fields.Enum(Mode, by_value=True)
    origins = fields.List(
        fields.Nested(OriginSchema),
        validate=validate.Length(max=MAX_LEGS),
        metadata={"description": "Where out-of-town attendees come from, and how many from each"},
    )
    radiative_forcing = fields.Boolean(
        metadata={"description": "For flights; must agree with the standard if given"}
    )
    local_trip_km = quantity(MAX_KM, metadata={"description": "Round trip per attendee per day"})
    travel = fields.List(fields.Nested(TravelLegSchema), validate=validate.Length(max=MAX_LEGS))
    hotel_nights = whole(MAX_NIGHTS)
    venue = fields.Nested(MeetingVenueSchema)
    meals = fields.Nested(MealsSchema)
    printed_pages = whole(MAX_PAGES)
    waste_kg = quantity(MAX_MASS_KG)

    @validates_schema
    def _one_way_to_say_where_from(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("origins") and (data.get("travel") or data.get("out_of_town_origin")):
            raise ValidationError(Coded("footprint.origins_or_travel"), "origins")


class FlightSchema(Schema):
    from_ = iata(required=True, data_key="from")
    to = iata(required=True)
    via = fields.List(iata(), validate=validate.Length(max=MAX_VIA))
    cabin = fields.Enum(Cabin, by_value=True)
    round_trip = fields.Boolean()
    passengers = whole(MAX_PASSENGERS, minimum=1)
    radiative_forcing = fields.Boolean()
    full_journey = fields.Boolean(
        metadata={"description": "Add ground travel to the first airport and from the last"}
    )
    ground_mode = fields.Enum(
        Mode,
        by_value=True,
        validate=validate.OneOf([m for m in Mode if m != Mode.flight]),
        metadata={"description": "To and from the airports (default: car)"},
    )
    origin_ground_km = quantity(MAX_KM, metadata={"description": "To the first airport, one way"})
    destination_ground_km = quantity(
        MAX_KM, metadata={"description": "From the last airport, one way"}
    )


class ParticipantSchema(Schema):
    role = fields.String(
        required=True,
        validate=validate.OneOf(
            ["judge", "clerk", "prosecutor", "party", "lawyer", "witness", "expert", "other"]
        ),
    )
    count = whole(10_000, required=True, minimum=1)
    remote = whole(10_000)
    mode = fields.Enum(Mode, by_value=True)
    distance_km = quantity(MAX_KM, metadata={"description": "One way"})

    @validates_schema
    def _remote_within_count(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("remote", 0) > data.get("count", 0):
            raise ValidationError(Coded("footprint.remote_over_count"), "remote")


class HearingSchema(Schema):
    name = label()
    case_number = fields.String(
        validate=validate.Length(max=100), metadata={"example": "(2023)川1827刑初12号"}
    )
    city = place_name()
    province = province()
    hours = quantity(MAX_HOURS)
    participants = fields.List(
        fields.Nested(ParticipantSchema), validate=validate.Length(min=1, max=MAX_LEGS)
    )
    courtroom_kwh = quantity(MAX_KWH)
    courtroom_m2 = quantity(10**5)
    printed_pages = whole(MAX_PAGES)


class SpectatorsSchema(Schema):
    per_day = whole(MAX_PEOPLE, required=True)
    trip_km = quantity(MAX_KM, metadata={"description": "Round trip"})
    mode_share = fields.Nested(ModeShareSchema)


class DelegationSchema(Schema):
    label = label()
    people = whole(MAX_PEOPLE, required=True, minimum=1)
    from_ = iata(data_key="from")
    to = iata()
    flight_km = quantity(MAX_KM, metadata={"description": "One way, when airports are unknown"})
    round_trip = fields.Boolean(load_default=True)
    cabin = fields.Enum(Cabin, by_value=True)
    radiative_forcing = fields.Boolean()
    hotel_nights = whole(MAX_DAYS, metadata={"description": "Per person"})


class VenueSchema(Schema):
    name = label()
    province = province()
    days = whole(MAX_DAYS, minimum=1)
    phase = fields.Enum(Phase, by_value=True)
    electricity_kwh = quantity(MAX_KWH)
    green_share = share()
    natural_gas_m3 = quantity(MAX_VOLUME)
    diesel_l = quantity(MAX_VOLUME)
    water_m3 = quantity(MAX_VOLUME)
    waste_kg = quantity(MAX_MASS_KG)
    spectators = fields.Nested(SpectatorsSchema)
    delegations = fields.List(
        fields.Nested(DelegationSchema), validate=validate.Length(max=MAX_LEGS)
    )


class PeriodSchema(Schema):
    start = fields.Date(required=True, metadata={"example": "2026-01-01"})
    end = fields.Date(required=True, metadata={"example": "2026-12-31"})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["end"] < data["start"]:
            raise ValidationError(Coded("footprint.period_reversed"), "end")
        if (data["end"] - data["start"]).days >= MAX_PERIOD_DAYS:
            raise ValidationError(Coded("footprint.period_too_long", days=MAX_PERIOD_DAYS), "end")


class VehicleSchema(Schema):
    """An owned vehicle's fuel in litres, or (when fuel is unknown) its km."""

    fuel = fields.String(validate=validate.OneOf(list(FUELS)))
    litres = quantity(MAX_VOLUME)
    vehicle = fields.String(validate=validate.OneOf(list(VEHICLE_KM)))
    km = quantity(MAX_VEHICLE_KM)

    @validates_schema
    def _one_way(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("fuel") and data.get("litres") is not None:
            if data.get("vehicle") or data.get("km") is not None:
                raise ValidationError(Coded("footprint.vehicle_both"), "km")
        elif not (data.get("vehicle") and data.get("km") is not None):
            raise ValidationError(Coded("footprint.vehicle_neither"), "litres")


class RefrigerantSchema(Schema):
    gas = fields.String(required=True, validate=validate.OneOf(REFRIGERANTS))
    kg = quantity(MAX_REFRIGERANT_KG, required=True, metadata={"description": "Topped up"})


class CommutingSchema(Schema):
    staff = whole(MAX_PEOPLE, required=True, minimum=1)
    working_days = whole(
        MAX_PERIOD_DAYS, metadata={"description": "Per person; default: weekdays in the period"}
    )
    trip_km = quantity(MAX_KM, metadata={"description": "Round trip per working day"})
    mode_share = fields.Nested(ModeShareSchema)


class SiteFootprintSchema(Schema):
    name = label()
    preset = fields.String(
        validate=validate.OneOf(list(PRESETS)),
        metadata={"description": "Which inputs the form shows; never changes the arithmetic"},
    )
    province = province()
    period = fields.Nested(PeriodSchema, required=True)
    electricity_kwh = quantity(MAX_KWH)
    green_power_pct = quantity(100, metadata={"description": "Green power, percent (0-100)"})
    natural_gas_m3 = quantity(MAX_VOLUME)
    diesel_l = quantity(MAX_VOLUME)
    waste_kg = quantity(MAX_MASS_KG)
    vehicles = fields.List(fields.Nested(VehicleSchema), validate=validate.Length(max=MAX_LEGS))
    refrigerants = fields.List(
        fields.Nested(RefrigerantSchema), validate=validate.Length(max=MAX_LEGS)
    )
    commuting = fields.Nested(CommutingSchema)


SECTIONS = {
    Kind.meeting: MeetingSchema,
    Kind.flight: FlightSchema,
    Kind.hearing: HearingSchema,
    Kind.venue: VenueSchema,
    Kind.site: SiteFootprintSchema,
}


KIND_NAMES = {
    Kind.meeting: "footprint.kind_meeting",
    Kind.flight: "footprint.kind_flight",
    Kind.hearing: "footprint.kind_hearing",
    Kind.venue: "footprint.kind_venue",
    Kind.site: "footprint.kind_site",
    Kind.event: "footprint.kind_event",
}


def kind_name(kind: Kind | None) -> Coded | None:
    """A kind as people read it (None when the request gave no valid kind)."""
    return Coded(KIND_NAMES[kind]) if kind is not None else None


def _one_section(data: dict[str, Any], kinds: list[Kind]) -> None:
    kind = data.get("kind")
    present = [k for k in kinds if data.get(k.value) is not None]
    if kind is not None and kind not in present:
        raise ValidationError(Coded("footprint.section_required", kind=kind_name(kind)), kind.value)
    extra = [k.value for k in present if k != kind]
    if extra:
        refused = Coded("footprint.section_not_allowed", kind=kind_name(kind))
        raise ValidationError({k: [refused] for k in extra})


class ComponentSchema(Schema):
    kind = fields.Enum(Kind, by_value=True, required=True, validate=validate.OneOf(list(SECTIONS)))
    meeting = fields.Nested(MeetingSchema)
    flight = fields.Nested(FlightSchema)
    hearing = fields.Nested(HearingSchema)
    venue = fields.Nested(VenueSchema)
    site = fields.Nested(SiteFootprintSchema)

    @validates_schema
    def _one(self, data: dict[str, Any], **_: Any) -> None:
        _one_section(data, list(SECTIONS))


class EventSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    footprints = fields.List(
        fields.String(validate=validate.Regexp(r"^fp_[A-Za-z0-9]{1,40}$")),
        validate=validate.Length(max=MAX_COMPONENTS),
        metadata={"description": "Ids of existing footprints to add up"},
    )
    components = fields.List(
        fields.Nested(ComponentSchema), validate=validate.Length(max=MAX_COMPONENTS)
    )

    @validates_schema
    def _something(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("footprints") and not data.get("components"):
            raise ValidationError(Coded("footprint.event_empty"), "components")
        ids = data.get("footprints") or []
        if len(set(ids)) != len(ids):
            raise ValidationError(Coded("footprint.event_duplicate"), "footprints")


class FootprintCreateSchema(Schema):
    kind = fields.Enum(Kind, by_value=True, required=True)
    meeting = fields.Nested(MeetingSchema)
    flight = fields.Nested(FlightSchema)
    hearing = fields.Nested(HearingSchema)
    venue = fields.Nested(VenueSchema)
    site = fields.Nested(SiteFootprintSchema)
    event = fields.Nested(EventSchema)
    factor_set = fields.String(
        validate=validate.Length(max=16),
        metadata={"description": "Default: the latest published set"},
    )
    organisation_id = fields.Integer(
        metadata={"description": "Organisation to own it (default: your only organisation, if one)"}
    )
    standard = fields.String(
        validate=validate.OneOf(list(STANDARDS)),
        metadata={
            "description": f"Claim standard (default {DEFAULT}); GET /factors describes each",
            "example": DEFAULT,
        },
    )

    @validates_schema
    def _one(self, data: dict[str, Any], **_: Any) -> None:
        _one_section(data, list(Kind))

    @post_load(pass_original=True)
    def _request(
        self, data: dict[str, Any], original: dict[str, Any], **_: Any
    ) -> FootprintRequest:
        kind: Kind = data["kind"]
        return FootprintRequest(
            kind=kind,
            section=data[kind.value],
            inputs=original,
            factor_set=data.get("factor_set"),
            organisation_id=data.get("organisation_id"),
            standard=data.get("standard"),
        )


class FactorRefSchema(Schema):
    """A `factors.Factor`; `url` and `note` only when it has them."""

    key = fields.String()
    value = fields.String(metadata={"description": "Decimal, exact"})
    unit = fields.String()
    source = fields.String()
    year = fields.Integer()
    region = fields.String()
    url = fields.String()
    note = fields.String()

    @post_dump
    def _omit_empty(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for key in ("url", "note"):
            if not data.get(key):
                data.pop(key, None)
        return data


class LineSchema(Schema):
    category = fields.String(metadata={"enum": [c.value for c in Category]})
    scope = fields.Integer(metadata={"description": "GHG Protocol scope: 1, 2 or 3"})
    phase = fields.String(metadata={"enum": [p.value for p in Phase]})
    # Typed as any Field: the stored form (`StoredLineSchema`) keeps ids, not words.
    label: fields.Field = fields.String(
        metadata={"description": "In the language of Accept-Language"}
    )
    component: fields.Field = fields.String()
    mass_g = fields.Integer()
    quantity = fields.String(metadata={"description": "Product of the terms, in the factor's unit"})
    factor = fields.Nested(FactorRefSchema, allow_none=True)


class BreakdownSchema(Schema):
    lines = fields.List(fields.Nested(LineSchema))
    by_category = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_scope = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_phase = fields.Dict(keys=fields.String(), values=fields.Integer())


class DefaultUsedSchema(Schema):
    field = fields.String(metadata={"example": "meeting.days"})
    value = fields.String()
    unit: fields.Field = fields.String()
    source: fields.Field = fields.String(metadata={"description": "Citation"})
    key = fields.String(metadata={"description": "Key in the factor set's defaults"})
    assumption: fields.Field = fields.String(
        metadata={"description": "What was assumed, in words, when it is not a number"}
    )


def _text(attr: str) -> fields.Function:
    """A `calc.Text` attribute as stored (template id and values); a plain string as it is."""

    def dump(obj: Any) -> Any:
        value = getattr(obj, attr)
        return value.dump() if isinstance(value, Text) else value or ""

    return fields.Function(dump)


class StoredLineSchema(LineSchema):
    label = _text("label")
    component = _text("component")


class StoredBreakdownSchema(BreakdownSchema):
    lines = fields.List(fields.Nested(StoredLineSchema))


class StoredDefaultSchema(DefaultUsedSchema):
    unit = _text("unit")
    source = _text("source")
    assumption = _text("assumption")

    @post_dump
    def _omit_no_assumption(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if not data.get("assumption"):
            data.pop("assumption", None)
        return data


class StandardRefSchema(Schema):
    """The claim standard a footprint was worked out under (`standards.Standard`)."""

    id = fields.String(metadata={"example": DEFAULT})
    name_zh = fields.String()
    name_en = fields.String()
    radiative_forcing = fields.Boolean(metadata={"description": "Flights count aviation's RF"})


class CitationSchema(Schema):
    publisher = fields.String()
    title = fields.String()
    year = fields.Integer()
    url = fields.String()


class CreditKindSchema(Schema):
    id = fields.String(metadata={"description": "CCER, CDCER, CEA, pilot-allowance, CER"})
    name_zh = fields.String()
    name_en = fields.String()
    note = fields.String()
    project_country = fields.String(
        metadata={"description": "Only from projects in this country, when not empty"}
    )
    citation = fields.Nested(CitationSchema)


class StandardSchema(StandardRefSchema):
    boundary_zh = fields.String()
    boundary_en = fields.String()
    accepted_credits = fields.List(
        fields.Nested(CreditKindSchema),
        metadata={"description": "Credit kinds that may neutralise a footprint for a claim"},
    )
    citation = fields.Nested(CitationSchema)


class FootprintSchema(Schema):
    """A `document.Document`, in the order it is stored."""

    id = fields.String(metadata={"example": "fp_3x9k2m4q8w7e5r6t"})
    kind = fields.Enum(Kind, by_value=True)
    name = fields.String()
    mass_g = fields.Integer(metadata={"description": "Total, grams CO2e, rounded up once"})
    factor_set = fields.String()
    standard = fields.Nested(
        StandardRefSchema,
        metadata={"description": "Absent on footprints made before claim standards existed"},
    )
    inputs = fields.Dict(metadata={"description": "The inputs as received"})
    user_id = fields.Integer(allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    breakdown = fields.Nested(BreakdownSchema)
    defaults = fields.List(fields.Nested(DefaultUsedSchema))
    trail: fields.Field = fields.List(
        fields.String(),
        metadata={
            "description": "How each line was worked out, in the language of Accept-Language"
        },
    )
    comparisons = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Hearings: online_hearing_mass_g and online_saving_g"},
    )


class StoredFootprintSchema(FootprintSchema):
    """What is stored: words as catalogue ids with values (`trail_text` renders them when read)."""

    breakdown = fields.Nested(StoredBreakdownSchema)
    defaults = fields.List(fields.Nested(StoredDefaultSchema))
    trail = fields.List(fields.Dict())


class FactorSetSummarySchema(Schema):
    version = fields.String()
    published = fields.Date()
    description = fields.String()


class FactorSetSchema(FactorSetSummarySchema):
    factors = fields.List(fields.Nested(FactorRefSchema))
    defaults = fields.List(fields.Nested(FactorRefSchema))
    versions = fields.List(fields.Nested(FactorSetSummarySchema))
    standards = fields.List(
        fields.Nested(StandardSchema), metadata={"description": "The claim standards"}
    )


class FactorQuerySchema(Schema):
    version = fields.String(validate=validate.Length(max=16))
