"""Request and response shapes of the courts API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from backend.accounts.models import CourtLevel
from backend.core.messages import Coded
from backend.core.provinces import PROVINCES
from backend.core.text_fields import Label
from backend.courts.cases import NewCase, NewDefendant
from backend.courts.models import CaseStatus, MassBasis
from backend.credits.models import ProjectType, Standard
from backend.credits.schemas import MAX_MASS_G, REGION

PROVINCE = validate.OneOf(sorted(PROVINCES), error=Coded("courts.province"))
# Loose on purpose: a case number is stored exactly as the court writes it, (2023)川1827刑初12号
CASE_NUMBER = validate.Regexp(
    r"^[(（]\d{4}[)）]\S{2,50}号$",
    error=Coded("courts.case_number_format"),
)
MASS = validate.Range(min=1, max=MAX_MASS_G)


def _province(**kw: object) -> fields.String:
    return fields.String(validate=PROVINCE, metadata={"example": "CN-SC"}, **kw)  # type: ignore[arg-type]


# --- courts -------------------------------------------------------------------------------


class CourtCreateSchema(Schema):
    name = Label(
        required=True, min_length=1, max_length=200, metadata={"example": "宝兴县人民法院"}
    )
    level = fields.Enum(CourtLevel, by_value=True, required=True)
    province = _province(required=True)
    parent_id = fields.Integer(
        strict=True, metadata={"description": "The court one level above (none for a high court)"}
    )


class CourtSchema(Schema):
    """Dumps a `Court` (with its organisation)."""

    id = fields.Integer(
        attribute="organisation_id", metadata={"description": "The court's organisation id"}
    )
    name = fields.String(attribute="organisation.name")
    level = fields.Enum(CourtLevel, by_value=True, attribute="organisation.court_level")
    parent_id = fields.Integer(allow_none=True, attribute="organisation.parent_id")
    province = fields.String()
    province_name = fields.String(metadata={"example": "四川省"})
    created_at = fields.DateTime()


class MonthStatsSchema(Schema):
    month = fields.String(metadata={"example": "2023-05"})
    cases_opened = fields.Integer()
    mass_required_g = fields.Integer()
    mass_verified_g = fields.Integer()
    certificates_verified = fields.Integer()


class CourtStatsSchema(Schema):
    court_id = fields.Integer()
    courts = fields.List(fields.Integer(), metadata={"description": "This court and those below"})
    cases = fields.Integer()
    cases_by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    mass_required_g = fields.Integer()
    mass_verified_g = fields.Integer()
    certificates_verified = fields.Integer()
    by_month = fields.List(fields.Nested(MonthStatsSchema))


# --- cases --------------------------------------------------------------------------------


class SiteSchema(Schema):
    place = Label(required=True, min_length=1, max_length=200, metadata={"example": "宝兴县蜂桶寨"})
    province = _province(required=True)
    province_name = fields.String(dump_only=True)


class DefendantInSchema(Schema):
    name = Label(required=True, min_length=1, max_length=100)
    phone = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "Optional; shown to court staff only"},
    )

    @post_load
    def _defendant(self, data: dict[str, Any], **_: Any) -> NewDefendant:
        return NewDefendant(**data)


class EligibleSchema(Schema):
    standards = fields.List(
        fields.Enum(Standard, by_value=True), required=True, validate=validate.Length(min=1, max=4)
    )
    types = fields.List(
        fields.Enum(ProjectType, by_value=True),
        required=True,
        validate=validate.Length(min=1, max=20),
    )
    regions = fields.List(
        fields.String(validate=REGION),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Provinces (CN-SC) or countries (CN)"},
    )


class EligibleViewSchema(Schema):
    standards = fields.List(fields.String(), metadata={"example": ["CCER", "CDCER"]})
    types = fields.List(fields.String(), metadata={"example": ["forestry"]})
    regions = fields.List(fields.String(), metadata={"example": ["CN-SC"]})


class CaseCreateSchema(Schema):
    court_id = fields.Integer(strict=True, required=True)
    number = fields.String(
        required=True,
        validate=[validate.Length(max=60), CASE_NUMBER],
        metadata={"example": "(2023)川1827刑初12号"},
    )
    offence = Label(required=True, min_length=1, max_length=200, metadata={"example": "非法狩猎"})
    site = fields.Nested(SiteSchema, required=True)
    defendants = fields.List(
        fields.Nested(DefendantInSchema), required=True, validate=validate.Length(min=1, max=50)
    )
    mass_g = fields.Integer(
        strict=True,
        required=True,
        validate=MASS,
        metadata={"description": "Grams CO2e to restore", "example": 24_000_000},
    )
    mass_basis = fields.Enum(
        MassBasis,
        by_value=True,
        required=True,
        metadata={"description": "per_defendant: each owes mass_g; total: together"},
    )
    eligible = fields.Nested(
        EligibleSchema,
        metadata={
            "description": "Default: CDCER or CCER forestry from the site's province, or from "
            "anywhere in China when that province has none in stock"
        },
    )
    deadline = fields.Date(required=True, metadata={"description": "Last day to buy (CST)"})

    @post_load
    def _case(self, data: dict[str, Any], **_: Any) -> NewCase:
        return NewCase(**data)


class CaseQuerySchema(Schema):
    court_id = fields.Integer(metadata={"description": "One court's cases, lower courts included"})
    status = fields.Enum(CaseStatus, by_value=True)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(validate=validate.Length(max=200))


class CloseSchema(Schema):
    reason = Label(
        max_length=300,
        load_default="",
        metadata={"description": "Required when the case is not fulfilled"},
    )


class DeadlineSchema(Schema):
    deadline = fields.Date(required=True, metadata={"description": "The new last day to buy"})
    reason = Label(required=True, min_length=2, max_length=300)


class PurchaseSchema(Schema):
    order_id = fields.String()
    status = fields.String()
    mass_g = fields.Integer()
    certificate_number = fields.String(allow_none=True)


class DefendantSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    required_g = fields.Integer(allow_none=True, metadata={"description": "None: a total basis"})
    bought_g = fields.Integer(
        metadata={"description": "In orders awaiting payment, paid or retired"}
    )
    verified_g = fields.Integer()
    purchase_url = fields.String(metadata={"description": "The defendant's link; print its QR"})
    qr_url = fields.String()
    orders = fields.List(fields.Nested(PurchaseSchema))


class PersonSchema(Schema):  # dumps a views.Person
    id = fields.Integer()
    display_name = fields.String()


class VerificationSchema(Schema):
    certificate_number = fields.String()
    defendant_id = fields.Integer()
    mass_g = fields.Integer()
    verified_by = fields.Nested(PersonSchema, allow_none=True)
    verified_at = fields.DateTime()


class CaseCourtSchema(Schema):
    id = fields.Integer(attribute="organisation_id")
    name = fields.String(attribute="organisation.name")


class CaseSchema(Schema):
    """Dumps a `views.CaseView`: what was bought and verified from the view, the rest from the
    case."""

    FROM_VIEW = frozenset({"site", "required_g", "verified_g", "defendants", "verifications"})

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        return super().get_attribute(obj if attr in self.FROM_VIEW else obj.case, attr, default)

    id = fields.String(metadata={"example": "case_..."})
    court = fields.Nested(CaseCourtSchema)
    number = fields.String()
    offence = fields.String()
    site = fields.Nested(SiteSchema)
    mass_g = fields.Integer()
    mass_basis = fields.Enum(MassBasis, by_value=True)
    required_g = fields.Integer(metadata={"description": "The whole case's requirement"})
    verified_g = fields.Integer()
    eligible = fields.Nested(EligibleViewSchema)
    deadline = fields.Date()
    status = fields.Enum(CaseStatus, by_value=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    fulfilled_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    closed_reason = fields.String()
    defendants = fields.List(fields.Nested(DefendantSchema))
    verifications = fields.List(fields.Nested(VerificationSchema))


class CasePageSchema(Schema):
    items = fields.List(fields.Nested(CaseSchema))
    next_cursor = fields.String(allow_none=True)


class VerificationCreateSchema(Schema):
    certificate_number = fields.String(
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"example": "DD-2026-000123"},
    )


class AuditEntrySchema(Schema):
    id = fields.Integer()
    action = fields.String(metadata={"example": "certificate.verified"})
    actor = fields.Nested(PersonSchema, allow_none=True)
    at = fields.DateTime()
    details = fields.Dict()


class AuditSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))


# --- purchases ----------------------------------------------------------------------------


class OrderRequestSchema(Schema):
    mass_g = fields.Integer(
        strict=True,
        validate=MASS,
        metadata={"description": "Default: everything left to buy on this link"},
    )
    provider = fields.String(
        validate=validate.Length(min=1, max=16),
        metadata={"description": "How to pay, among the rails offered; default: the first"},
    )
    channel = fields.String(
        validate=validate.Length(min=1, max=16),
        metadata={
            "description": "The way to pay at the provider, as for `POST /orders` (WeChat Pay: "
            "`jsapi`, `h5` or `native`); default: by the User-Agent"
        },
    )


class PurchaseQuoteLineSchema(Schema):
    """Dumps a quote line (`inventory.QuoteLine` of a lot)."""

    project_name_zh = fields.String(attribute="lot.project.name_zh")
    project_name_en = fields.String(attribute="lot.project.name_en")
    standard = fields.String(attribute="lot.standard")
    project_type = fields.String(attribute="lot.project.type")
    province = fields.String(allow_none=True, attribute="lot.project.province")
    vintage = fields.Integer(attribute="lot.vintage")
    mass_g = fields.Integer()


class PurchaseQuoteSchema(Schema):
    """Dumps a `views.QuoteView`."""

    mass_g = fields.Integer(attribute="quote.mass_g")
    credits_amount = fields.Integer(attribute="price.credits")
    fee_amount = fields.Integer(attribute="price.fee")
    amount = fields.Integer(
        attribute="price.total", metadata={"description": "Fen, what the order would cost now"}
    )
    currency = fields.String()
    lines = fields.List(fields.Nested(PurchaseQuoteLineSchema), attribute="quote.lines")


class OfferSchema(Schema):
    """Dumps a `views.OfferView`."""

    case_number = fields.String(attribute="offer.case.number")
    court = fields.String(attribute="offer.case.court.organisation.name")
    site = fields.Nested(SiteSchema)
    defendant = fields.String(
        attribute="offer.defendant.name",
        metadata={"description": "The name the certificate will carry"},
    )
    mass_basis = fields.Enum(MassBasis, by_value=True, attribute="offer.case.mass_basis")
    required_g = fields.Integer(attribute="offer.case.mass_g")
    bought_g = fields.Integer()
    remaining_g = fields.Integer(attribute="offer.remaining_g")
    deadline = fields.Date(attribute="offer.case.deadline")
    case_status = fields.Enum(CaseStatus, by_value=True, attribute="offer.case.status")
    open = fields.Boolean(metadata={"description": "False: this link sells nothing now"})
    closed_because = fields.String(
        allow_none=True, metadata={"description": "In the language of Accept-Language"}
    )
    eligible = fields.Nested(EligibleViewSchema, attribute="offer.case.eligible")
    quote = fields.Nested(PurchaseQuoteSchema, allow_none=True)
