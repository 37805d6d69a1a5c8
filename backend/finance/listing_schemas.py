"""Request and response shapes of the 绿蓉融 database and the ESG disclosure."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from backend.core.flag_field import Flag
from backend.core.messages import Coded
from backend.core.text_fields import Label, Text
from backend.finance.listing_models import (
    METHOD_MAX,
    REASON_MAX,
    STATEMENT_MAX,
    BenefitMethod,
    ListingKind,
    ListingState,
    Subject,
)
from backend.finance.listings import NewApplication

# An evidence file and a step of the history have the registry's shapes.
from backend.registry.schemas import DocumentSchema, StateChangeSchema

ID = validate.Range(min=1, max=2**31 - 1)
# Up to 1e9 MWh (1,000 TWh) a year and 1e9 t: above any single project (三峡 generates about
# 100 TWh a year; 中国长江三峡集团 annual reports) so only nonsense is refused.
QUANTITY = validate.Range(min=1, max=10**9)
CODE = validate.Regexp(
    r"^[1-9][0-9]?(\.[1-9][0-9]?){0,2}$", error=Coded("finance.taxonomy_code_format")
)


# --- taxonomy ----------------------------------------------------------------------------


class TaxonomyCategorySchema(Schema):
    code = fields.String()
    level = fields.Integer()
    name_zh = fields.String()
    name_en = fields.String()
    grid_displacement = Flag(
        metadata={"description": "Benefit computed from MWh/year and the grid factor"}
    )


class TaxonomyCatalogueSchema(Schema):
    version = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    document = fields.String()
    issued_by = fields.String()
    published = fields.String()
    complete_levels = fields.List(fields.Integer())
    categories = fields.List(fields.Nested(TaxonomyCategorySchema), attribute="category_list")


# --- applications ------------------------------------------------------------------------


class ListingApplicationCreateSchema(Schema):
    subject = fields.Enum(Subject, by_value=True, required=True)
    kind = fields.Enum(ListingKind, by_value=True, required=True)
    taxonomy_version = Label(required=True, min_length=1, max_length=10)
    taxonomy_code = fields.String(required=True, validate=CODE)
    statement = Text(required=True, min_length=1, max_length=STATEMENT_MAX)
    project_name_zh = Label(min_length=1, max_length=200)
    project_name_en = Label(min_length=1, max_length=200)
    province = fields.String(
        validate=validate.Regexp(r"^CN-[A-Z]{2}$", error=Coded("finance.province"))
    )
    registry_project_id = fields.Integer(strict=True, validate=ID)
    annual_mwh = fields.Integer(strict=True, validate=QUANTITY)
    stated_t_per_year = fields.Integer(strict=True, validate=QUANTITY)
    stated_method = Text(min_length=1, max_length=METHOD_MAX)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> NewApplication:
        return NewApplication(**data)


class ListingTransitionSchema(Schema):
    to = fields.Enum(ListingState, by_value=True, required=True)
    reason = Text(load_default=None, min_length=1, max_length=REASON_MAX)


class BenefitFactorSchema(Schema):
    key = fields.String(attribute="factor_key")
    value = fields.Decimal(attribute="factor_value", as_string=True)
    unit = fields.String(attribute="factor_unit")
    source = fields.String(attribute="factor_source")
    year = fields.Integer(attribute="factor_year")
    factor_set = fields.String()


class BenefitSchema(Schema):
    """tCO2e avoided per year: how, from what, and the calculation trail."""

    avoided_kg_per_year = fields.Integer(attribute="avoided_kg")
    avoided_t_per_year = fields.String(
        attribute="avoided_t", metadata={"description": "Three decimals"}
    )
    method = fields.Enum(BenefitMethod, by_value=True, attribute="benefit_method")
    computed = Flag(metadata={"description": "False when stated"})
    stated_method = fields.String(allow_none=True)
    factor = fields.Nested(BenefitFactorSchema, allow_none=True)
    trail_zh = fields.String()
    trail_en = fields.String()


class _Listing(Schema):
    id = fields.Integer()
    organisation_id = fields.Integer()
    organisation_name = fields.String(attribute="organisation.name")
    subject = fields.Enum(Subject, by_value=True)
    kind = fields.Enum(ListingKind, by_value=True)
    taxonomy_version = fields.String()
    taxonomy_code = fields.String()
    category = fields.Nested(TaxonomyCategorySchema, allow_none=True)
    project_name_zh = fields.String(allow_none=True)
    project_name_en = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    registry_project_id = fields.Integer(allow_none=True)
    annual_mwh = fields.Integer(allow_none=True)
    benefit = fields.Nested(BenefitSchema, allow_none=True)


class ListingApplicationSchema(_Listing):
    """An application as its organisation's people and operators see it."""

    statement = fields.String()
    state = fields.Enum(ListingState, by_value=True)
    reason = fields.String(allow_none=True)
    applied_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    documents = fields.List(fields.Nested(DocumentSchema))
    events = fields.List(fields.Nested(StateChangeSchema), metadata={"description": "Oldest first"})


class PublicListingSchema(_Listing):
    """A listed enterprise or project: organisations only, no person, no phone."""

    listed_at = fields.DateTime(attribute="decided_at")


class ListedQuerySchema(Schema):
    kind = fields.Enum(ListingKind, by_value=True)
    category = fields.String(validate=CODE, metadata={"description": "A code, and all under it"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ListedPageSchema(Schema):
    items = fields.List(fields.Nested(PublicListingSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


# --- ESG ---------------------------------------------------------------------------------


class EsgLangQuerySchema(Schema):
    lang = fields.String(validate=validate.OneOf(["zh", "en"]))


class EsgPublicationSchema(Schema):
    published = Flag(required=True)


class EsgPublicationStateSchema(Schema):
    published = Flag()
    at = fields.DateTime(allow_none=True)


class EsgRetiredRowSchema(Schema):
    standard = fields.String()
    project = fields.String()
    registry_id = fields.String()
    tonnes = fields.String()
    mass_g = fields.Integer()


class EsgRegistryRowSchema(Schema):
    id = fields.Integer()
    project = fields.String()
    methodology = fields.String()
    state = fields.String()
    issued_t = fields.Integer()


class EsgListedRowSchema(Schema):
    id = fields.Integer()
    project = fields.String()
    kind = fields.String()
    taxonomy = fields.String()
    avoided_t_per_year = fields.String()
    method = fields.String()
    trail = fields.String()


class EsgSchema(Schema):
    """An organisation's disclosure in one language (`lang`), each section with its source."""

    organisation_id = fields.Integer()
    organisation_name = fields.String()
    lang = fields.String()
    published = Flag()
    published_at = fields.DateTime(allow_none=True)
    orders_retired = fields.Integer()
    neutralised_t = fields.String()
    neutralised_g = fields.Integer()
    certificates = fields.List(fields.String(), metadata={"description": "The latest 20"})
    retired = fields.List(fields.Nested(EsgRetiredRowSchema))
    registry = fields.List(fields.Nested(EsgRegistryRowSchema))
    listed = fields.List(fields.Nested(EsgListedRowSchema))
    enterprise_listings = fields.List(fields.String())
    avoided_t_per_year = fields.String()
    sources = fields.Dict(keys=fields.String(), values=fields.String())
