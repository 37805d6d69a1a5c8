"""Request and response shapes of the credits API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from backend.core.messages import Coded
from backend.credits.catalogue import LotFields, NewLot, NewProject, ProjectFilter
from backend.credits.models import ProjectType, Standard
from backend.credits.serials import names_its_units

MAX_MASS_G = 10**15  # a billion tonnes
MAX_UNIT = 10**15
REGION = validate.Regexp(r"^(CN-[A-Z]{2}|[A-Z]{2})$", error=Coded("credits.region"))
VINTAGE = validate.Range(min=1990, max=2100)
MONEY = validate.Range(min=0, max=10**15)


def _vintage_order(data: dict[str, Any]) -> None:
    lo, hi = data.get("vintage_from"), data.get("vintage_to")
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError(Coded("credits.vintage_from_after_to"), "vintage_from")


class PreferencesSchema(Schema):
    """Which credits may be used. Default policy: cheapest first, then oldest vintage."""

    standards = fields.List(fields.Enum(Standard, by_value=True), validate=validate.Length(max=4))
    project_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1)),
        validate=validate.Length(max=100),
    )
    types = fields.List(fields.Enum(ProjectType, by_value=True), validate=validate.Length(max=20))
    regions = fields.List(
        fields.String(validate=REGION),
        validate=validate.Length(max=50),
        metadata={"description": "Provinces (CN-SC) or countries (CN)"},
    )
    vintage_from = fields.Integer(strict=True, validate=VINTAGE)
    vintage_to = fields.Integer(strict=True, validate=VINTAGE)

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        _vintage_order(data)


class QuoteRequestSchema(Schema):
    mass_g = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_MASS_G)
    )
    preferences = fields.Nested(PreferencesSchema, load_default=dict)


class QuoteLineSchema(Schema):
    """An `inventory.QuoteLine`: grams from one lot."""

    lot_id = fields.Integer(attribute="lot.id")
    project_id = fields.Integer(attribute="lot.project_id")
    project_name_zh = fields.String(attribute="lot.project.name_zh")
    project_name_en = fields.String(attribute="lot.project.name_en")
    standard = fields.Enum(Standard, by_value=True, attribute="lot.standard")
    vintage = fields.Integer(attribute="lot.vintage")
    mass_g = fields.Integer()
    price_fen_per_t = fields.Integer(attribute="lot.price_fen_per_t")
    amount = fields.Integer(attribute="amount_fen", metadata={"description": "Fen, rounded down"})


class QuoteSchema(Schema):
    """An `inventory.Quote`."""

    mass_g = fields.Integer()
    amount = fields.Integer(attribute="amount_fen", metadata={"description": "Total in fen"})
    currency = fields.Constant(
        "CNY", metadata={"type": "string", "enum": ["CNY"], "example": "CNY"}
    )
    lines = fields.List(fields.Nested(QuoteLineSchema))


class ProjectQuerySchema(Schema):
    standard = fields.List(fields.Enum(Standard, by_value=True))
    type = fields.List(fields.Enum(ProjectType, by_value=True))
    region = fields.List(fields.String(validate=REGION))
    vintage_from = fields.Integer(validate=VINTAGE)
    vintage_to = fields.Integer(validate=VINTAGE)
    has_available = fields.Boolean()

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        _vintage_order(data)

    @post_load
    def _filter(self, data: dict[str, Any], **_: Any) -> ProjectFilter:
        return ProjectFilter(
            standards=tuple(data.get("standard") or ()),
            types=tuple(data.get("type") or ()),
            regions=tuple(data.get("region") or ()),
            vintage_from=data.get("vintage_from"),
            vintage_to=data.get("vintage_to"),
            has_available=data.get("has_available"),
        )


class ProjectCreateSchema(Schema):
    standard = fields.Enum(Standard, by_value=True, required=True)
    registry_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.Enum(ProjectType, by_value=True, required=True)
    methodology = fields.String(required=True, validate=validate.Length(min=1, max=100))
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    province = fields.String(
        allow_none=True, load_default=None, validate=validate.Regexp(r"^CN-[A-Z]{2}$")
    )
    description = fields.String(load_default="", validate=validate.Length(max=5000))

    @validates_schema
    def _province_in_china(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("province") and data.get("country") != "CN":
            raise ValidationError(Coded("credits.province_outside_china"), "province")

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Any:
        return NewProject(**data)


# What ProjectSchema reads from a ProjectStock itself; every other field is its project's.
STOCK = frozenset({"available_g", "vintages"})


class ProjectSchema(ProjectCreateSchema):
    """A `catalogue.ProjectStock`: the project's own fields, and its grams available."""

    id = fields.Integer()
    available_g = fields.Integer()
    created_at = fields.DateTime()

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        return super().get_attribute(obj if attr in STOCK else obj.project, attr, default)


class VintageSchema(Schema):
    vintage = fields.Integer()
    tonnes = fields.Integer()
    available_g = fields.Integer()


class ProjectDetailSchema(ProjectSchema):
    vintages = fields.List(fields.Nested(VintageSchema))


class LotFieldsSchema(Schema):
    vintage = fields.Integer(required=True, strict=True, validate=VINTAGE)
    serial_range = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "As the registry writes the block: its first and last unit numbers "
            "side by side, e.g. `CN-5-512000001-512120000-1-1-0-4521`",
        },
    )
    first_unit = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=MAX_UNIT)
    )
    last_unit = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=MAX_UNIT)
    )
    acquisition_cost_fen = fields.Integer(required=True, strict=True, validate=MONEY)
    price_fen_per_t = fields.Integer(required=True, strict=True, validate=MONEY)

    @validates_schema(skip_on_field_errors=False)
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if "first_unit" in data and data.get("last_unit", data["first_unit"]) < data["first_unit"]:
            raise ValidationError(Coded("credits.last_unit_below_first"), "last_unit")

    @validates_schema
    def _serials(self, data: dict[str, Any], **_: Any) -> None:
        first, last = data.get("first_unit"), data.get("last_unit")
        if first is None or last is None or last < first:
            return
        if not names_its_units(data.get("serial_range", ""), first, last):
            raise ValidationError(
                Coded("credits.serial_range_names_units", first=first, last=last), "serial_range"
            )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Any:
        return LotFields(**data)


class LotCreateSchema(LotFieldsSchema):
    project_id = fields.Integer(required=True, strict=True)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Any:
        return NewLot(**data)


class LotSchema(LotCreateSchema):
    id = fields.Integer()
    standard = fields.Enum(Standard, by_value=True)
    tonnes = fields.Integer()
    available_g = fields.Integer()
    reserved_g = fields.Integer()
    allocated_g = fields.Integer()
    created_at = fields.DateTime()


class LotQuerySchema(Schema):
    project_id = fields.Integer()


class UnitRangeSchema(Schema):
    lot_id = fields.Integer(required=True, strict=True)
    first_serial = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    last_serial = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("last_serial", 0) < data.get("first_serial", 0):
            raise ValidationError(Coded("credits.last_serial_below_first"), "last_serial")


class RegistryRetirementCreateSchema(Schema):
    standard = fields.Enum(Standard, by_value=True, required=True)
    registry_ref = fields.String(required=True, validate=validate.Length(min=1, max=100))
    retired_on = fields.AwareDateTime(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    units = fields.List(
        fields.Nested(UnitRangeSchema), required=True, validate=validate.Length(min=1, max=1000)
    )


class RegistryRetirementSchema(Schema):
    id = fields.Integer()
    standard = fields.Enum(Standard, by_value=True)
    registry_ref = fields.String()
    retired_on = fields.DateTime()
    note = fields.String()


class UnitSchema(Schema):
    id = fields.Integer()
    lot_id = fields.Integer()
    serial = fields.Integer()
    opened_at = fields.DateTime()
    retirement_id = fields.Integer(allow_none=True)


class GramTotalsSchema(Schema):
    available_g = fields.Integer()
    reserved_g = fields.Integer()
    allocated_g = fields.Integer()


class TotalsSchema(Schema):
    by_standard = fields.Dict(keys=fields.String(), values=fields.Nested(GramTotalsSchema))
    by_type = fields.Dict(keys=fields.String(), values=fields.Nested(GramTotalsSchema))
    by_province = fields.Dict(keys=fields.String(), values=fields.Nested(GramTotalsSchema))
    allocated_by_month = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "YYYY-MM → standard → grams"},
    )
