"""Request and response shapes of the points API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from backend.core.messages import Coded
from backend.core.text_fields import Label
from backend.credits import inventory
from backend.credits.schemas import MAX_MASS_G, PreferencesSchema
from backend.points.earning import Reason
from backend.points.models import VenueKind
from backend.points.partners import PartnerAction
from backend.points.wallet import RedemptionRequest

MAX_BATCH = 1000


class ReportedActionSchema(Schema):
    external_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(
        required=True,
        validate=validate.Length(min=3, max=32),
        metadata={"description": "The citizen's phone (E.164 or mainland)"},
    )
    type = fields.String(
        required=True,
        metadata={
            "description": "An action type of the current methodology (GET /points/methodology)"
        },
    )
    units = fields.Decimal(
        required=True,
        places=3,
        allow_nan=False,
        as_string=True,
        validate=validate.Range(min=0, min_inclusive=False, max=10**6),
        metadata={"description": "In the type's unit: km (pkm), items, orders or 1 (checkin)"},
    )
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(metadata={"description": "Required for km-based types"})
    venue = fields.String(validate=validate.Length(min=1, max=60))
    replaces = fields.String(
        validate=validate.Length(min=1, max=16),
        metadata={
            "description": "The mode the trip replaced (car, taxi, bus, metro): required for a "
            "walk, optional for a bike ride (a cautious default applies)"
        },
    )

    @post_load
    def _action(self, data: dict[str, Any], **_: Any) -> PartnerAction:
        return PartnerAction(**data)


_FIELDS = frozenset(ReportedActionSchema().fields)
_REQUIRED = frozenset({"external_id", "phone", "type", "units", "started_at"})
_LENGTHS = {"external_id": (1, 100), "phone": (3, 32), "venue": (1, 60), "replaces": (1, 16)}
_MILLI = Decimal("0.001")
_MAX_UNITS = Decimal(10**6)


def _aware(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)  # what AwareDateTime parses with
    except ValueError:
        return None
    return at if at.tzinfo is not None and at.utcoffset() is not None else None


def _plain(item: object) -> PartnerAction | None:
    """A report that `ReportedActionSchema` would take, loaded as it would load it, or None
    for anything else (which then goes through the schema, for its errors)."""
    if type(item) is not dict or not _REQUIRED <= item.keys() <= _FIELDS:
        return None
    for name, (least, most) in _LENGTHS.items():
        value = item.get(name, "")
        if name in item and not (type(value) is str and least <= len(value) <= most):
            return None
    units, started = item["units"], _aware(item["started_at"])
    if type(item["type"]) is not str or type(units) not in (int, float, str) or started is None:
        return None
    ended = _aware(item["ended_at"]) if "ended_at" in item else None
    if "ended_at" in item and ended is None:
        return None
    try:
        number = Decimal(str(units))
        number = number.quantize(_MILLI) if number.is_finite() else Decimal(0)
    except ArithmeticError:
        return None
    if not 0 < number <= _MAX_UNITS:
        return None
    return PartnerAction(
        external_id=item["external_id"],
        phone=item["phone"],
        type=item["type"],
        units=number,
        started_at=started,
        ended_at=ended,
        venue=item.get("venue"),
        replaces=item.get("replaces"),
    )


class ActionList(fields.List):
    """The batch's reports: each checked by a plain loop when it is well formed (the same
    checks and values as `ReportedActionSchema`, about a tenth of its cost for 1,000 reports);
    if any is not, the whole list goes through the schema, which words the errors."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is list:
            loaded = [_plain(item) for item in value]
            if None not in loaded:
                return loaded
        return super()._deserialize(value, attr, data, **kwargs)


class BatchSchema(Schema):
    actions = ActionList(
        fields.Nested(ReportedActionSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )

    @post_load
    def _actions(self, data: dict[str, Any], **_: Any) -> list[PartnerAction]:
        actions: list[PartnerAction] = data["actions"]
        return actions


class OutcomeSchema(Schema):
    index = fields.Integer()
    status = fields.String(
        validate=validate.OneOf(["accepted", "duplicate", "rejected", "reversed"]),
        metadata={"description": "accepted, duplicate, rejected or reversed"},
    )
    reason = fields.String(
        allow_none=True,
        validate=validate.OneOf([r.value for r in Reason]),
        metadata={"description": "Why it earned nothing (a code; the app has a message for each)"},
    )
    action_id = fields.String(allow_none=True)
    points = fields.Integer()
    capped = fields.Boolean(metadata={"description": "Fewer points than the reduction: a cap"})


class BatchResultSchema(Schema):
    accepted = fields.Integer()
    duplicates = fields.Integer()
    rejected = fields.Integer()
    results = fields.List(fields.Nested(OutcomeSchema))


class ReversalSchema(Schema):
    external_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )


class PartnerSecretSchema(Schema):
    organisation_id = fields.Integer()
    secret = fields.String(metadata={"description": "Shown once; sign batches with it"})
    header = fields.String(metadata={"example": "Diandian-Signature: t=<unix>,v1=<hex>"})


class CheckInSchema(Schema):
    venue = fields.String(
        required=True,
        validate=validate.Length(min=1, max=400),
        metadata={
            "description": "The venue's current code, as its QR encodes it: "
            "`<base>/checkin?v=<venue id>&w=<window>&s=<signature>` (or that query alone)"
        },
    )


class ActionTypeSchema(Schema):
    type = fields.String(attribute="name", metadata={"example": "metro"})
    label_zh = fields.String(metadata={"example": "地铁"})
    label_en = fields.String(metadata={"example": "Metro"})
    unit = fields.String(metadata={"description": "pkm, step, checkin, item or order"})
    reduction_g = fields.String(
        allow_none=True,
        metadata={"description": "Grams CO2e per unit (decimal, exact); null: only by `replaces`"},
    )
    replaces = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Grams CO2e per unit by the mode the trip replaced"},
    )
    replaces_required = fields.Boolean(metadata={"description": "A report must name `replaces`"})
    source = fields.String()
    year = fields.Integer(allow_none=True, metadata={"description": "The source's year"})
    note = fields.String()
    daily_cap_g = fields.Integer()
    self_daily_cap_g = fields.Integer(allow_none=True)
    max_km = fields.String(allow_none=True)
    max_speed_kmh = fields.String(allow_none=True)
    max_units = fields.Integer(allow_none=True, metadata={"description": "At most in one report"})
    measured = fields.Boolean(
        metadata={"description": "False for a reward the scheme sets: no reduction in statistics"}
    )
    confirm_hours = fields.Integer(metadata={"description": "Pending this long; 0: at once"})


class MethodologyQuerySchema(Schema):
    version = fields.String(
        validate=validate.Length(min=1, max=16),
        metadata={"description": "An earlier version by name (an action's `methodology`)"},
    )


class MethodologySchema(Schema):
    version = fields.String()
    description = fields.String()
    point_grams = fields.Integer(metadata={"description": "Grams CO2e per point"})
    self_report_types = fields.List(fields.String())
    types = fields.List(fields.Nested(ActionTypeSchema), attribute="listed_types")


class TransferSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "earn, confirm, reverse, redeem or expire"})
    amount = fields.Integer()
    from_ = fields.String(data_key="from")
    to = fields.String()
    reference = fields.String()
    at = fields.DateTime()


class WalletSchema(Schema):
    balance = fields.Integer(metadata={"description": "Spendable points (1 point = 1 g)"})
    pending = fields.Integer(metadata={"description": "Earned, confirmed when the window closes"})
    history = fields.List(fields.Nested(TransferSchema))
    next_cursor = fields.Integer(allow_none=True)


class PageQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(validate=validate.Length(max=64))


class ActionSchema(Schema):
    id = fields.String()
    type = fields.String()
    source = fields.String()
    status = fields.String()
    points = fields.Integer()
    units = fields.Method("_units")
    replaces = fields.String(allow_none=True)
    methodology = fields.String(metadata={"description": "The version it earned under"})
    occurred_at = fields.DateTime()
    confirm_after = fields.DateTime()
    sponsor = fields.Function(
        lambda a: a.bonus.sponsor.organisation.name if a.bonus else None,
        allow_none=True,
        metadata={"description": "A bonus: the sponsor who awarded it"},
    )
    reason = fields.Function(
        lambda a: a.bonus.reason if a.bonus else None,
        allow_none=True,
        metadata={"description": "A bonus: why the sponsor awarded it"},
    )

    def _units(self, action: Any) -> str:
        return f"{action.units_milli / 1000:g}"


class ActionPageSchema(Schema):
    items = fields.List(fields.Nested(ActionSchema))
    next_cursor = fields.String(allow_none=True)


class RedemptionRequestSchema(Schema):
    points = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_MASS_G))
    mass_g = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_MASS_G))
    preferences = fields.Nested(PreferencesSchema, load_default=dict)
    beneficiary = Label(max_length=100, metadata={"description": "Default: your display name"})

    @validates_schema
    def _one(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("points") is None) == (data.get("mass_g") is None):
            raise ValidationError(Coded("points.points_or_mass"), "points")

    @post_load
    def _request(self, data: dict[str, Any], **_: Any) -> RedemptionRequest:
        prefs = inventory.Preferences.from_dict(data.pop("preferences"))
        return RedemptionRequest(preferences=prefs, **data)


class RedemptionSchema(Schema):
    id = fields.String()
    points = fields.Integer()
    mass_g = fields.Integer()
    certificate_number = fields.String()
    created_at = fields.DateTime()


class LowCarbonVenueSchema(Schema):
    id = fields.String(dump_only=True, metadata={"example": "ven_…"})
    organisation_id = fields.Integer(dump_only=True)
    name_zh = Label(
        required=True, min_length=1, max_length=100, metadata={"example": "天府绿道·锦城公园"}
    )
    name_en = Label(
        required=True, min_length=1, max_length=100, metadata={"example": "Jincheng Park Greenway"}
    )
    kind = fields.Enum(
        VenueKind,
        by_value=True,
        required=True,
        metadata={"description": "greenway (绿道), linpan (川西林盘), park or venue"},
    )
    active = fields.Boolean(
        load_default=True, metadata={"description": "Inactive venues' codes are refused"}
    )
    created_at = fields.DateTime(dump_only=True)


class LowCarbonVenueChangeSchema(Schema):
    name_zh = Label(min_length=1, max_length=100)
    name_en = Label(min_length=1, max_length=100)
    active = fields.Boolean()


class VenueCodeSchema(Schema):
    venue = fields.Nested(LowCarbonVenueSchema)
    window = fields.Integer(metadata={"description": "Unix time divided by the window length"})
    url = fields.String(metadata={"description": "What the QR encodes; the app opens at it"})
    expires_at = fields.DateTime(metadata={"description": "When the next code replaces it"})
    expires_in = fields.Float(
        metadata={"description": "Seconds until then, by the server's clock: refresh after them"}
    )
    window_seconds = fields.Integer(metadata={"description": "How long each code is shown"})
