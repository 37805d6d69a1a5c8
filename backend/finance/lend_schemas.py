"""Request and response shapes of the products, financing applications and statistics API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from backend.core.text_fields import Label, Text
from backend.credits.models import ProjectType
from backend.finance.applications import NewApplication, Transition
from backend.finance.product_models import (
    AMOUNT_MAX_FEN,
    DESCRIPTION_MAX,
    DOCUMENT_MAX,
    DOCUMENTS_MAX,
    NAME_MAX,
    RATE_MAX_BPS,
    REASON_MAX,
    TERM_MAX_MONTHS,
    LegState,
    ProductKind,
    ProductState,
)
from backend.finance.products import NewProduct

ID = validate.Range(min=1, max=2**31 - 1)
MONEY = validate.Range(min=1, max=AMOUNT_MAX_FEN)
RATE = validate.Range(min=0, max=RATE_MAX_BPS)
TERM = validate.Range(min=1, max=TERM_MAX_MONTHS)
PRODUCTS_PER_APPLICATION = 10  # our assumption: an enterprise compares a handful of offers


def _int(validator: validate.Validator, **kw: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validator, **kw)


# --- products --------------------------------------------------------------------------


class FinanceProductCreateSchema(Schema):
    kind = fields.Enum(
        ProductKind,
        by_value=True,
        required=True,
        metadata={"description": "credit (气候信贷) or insurance (气候保险)"},
    )
    name_zh = Label(required=True, min_length=1, max_length=NAME_MAX)
    name_en = Label(required=True, min_length=1, max_length=NAME_MAX)
    description_zh = Text(required=True, min_length=1, max_length=DESCRIPTION_MAX)
    description_en = Text(required=True, min_length=1, max_length=DESCRIPTION_MAX)
    rate_min_bps = _int(
        RATE,
        required=True,
        metadata={
            "description": "Basis points a year: for credit the annual interest rate, for "
            "insurance the premium rate of the sum insured"
        },
    )
    rate_max_bps = _int(RATE, required=True, metadata={"description": "As rate_min_bps"})
    term_min_months = _int(TERM, required=True)
    term_max_months = _int(TERM, required=True)
    amount_min_fen = _int(
        MONEY,
        required=True,
        metadata={"description": "For credit the loan amount, for insurance the sum insured"},
    )
    amount_max_fen = _int(MONEY, required=True)
    project_types = fields.List(
        fields.Enum(ProjectType, by_value=True),
        required=True,
        validate=validate.Length(min=1, max=len(ProjectType)),
        metadata={"description": "The project types the product finances (credits' types)"},
    )
    documents = fields.List(
        Label(min_length=1, max_length=DOCUMENT_MAX),
        required=True,
        validate=validate.Length(max=DOCUMENTS_MAX),
        metadata={"description": "Short labels of the documents an applicant provides"},
    )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewProduct:
        return NewProduct(**data)


class FinanceProductTransitionSchema(Schema):
    to = fields.String(
        required=True,
        validate=validate.OneOf([ProductState.published, ProductState.withdrawn]),
        metadata={"description": "published (from draft) or withdrawn (from published)"},
    )


class FinanceProductQuerySchema(Schema):
    kind = fields.Enum(ProductKind, by_value=True)
    project_type = fields.Enum(ProjectType, by_value=True)


class FinanceProductSchema(Schema):
    id = fields.Integer()
    institution_id = fields.Integer(attribute="participant_id")
    institution_name = fields.String(attribute="institution.organisation.name")
    kind = fields.Enum(ProductKind, by_value=True)
    name_zh = fields.String()
    name_en = fields.String()
    description_zh = fields.String()
    description_en = fields.String()
    rate_min_bps = fields.Integer(
        metadata={"description": "credit: annual interest rate; insurance: premium rate"}
    )
    rate_max_bps = fields.Integer()
    term_min_months = fields.Integer()
    term_max_months = fields.Integer()
    amount_min_fen = fields.Integer()
    amount_max_fen = fields.Integer()
    project_types = fields.List(fields.String())
    documents = fields.List(fields.String())
    illustrative = fields.Boolean(
        metadata={"description": "Figures are an example of our own, not the institution's"}
    )
    state = fields.Enum(ProductState, by_value=True)
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)


# --- applications ----------------------------------------------------------------------


class FinancingApplicationCreateSchema(Schema):
    amount_fen = _int(MONEY, required=True)
    term_months = _int(TERM, required=True)
    project_type = fields.Enum(ProjectType, by_value=True, required=True)
    registry_project_id = _int(
        ID, allow_none=True, metadata={"description": "A registry project of the applicant's"}
    )
    description = Text(required=True, min_length=1, max_length=DESCRIPTION_MAX)
    taxonomy_code = Label(
        allow_none=True,
        min_length=1,
        max_length=20,
        metadata={"description": "The 绿色产业指导目录 category claimed, e.g. 3.2.2"},
    )
    product_ids = fields.List(
        _int(ID),
        required=True,
        validate=validate.Length(min=1, max=PRODUCTS_PER_APPLICATION),
    )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewApplication:
        return NewApplication(**data)


class LegStepSchema(Schema):
    id = fields.Integer()
    from_state = fields.Enum(LegState, by_value=True, allow_none=True)
    to_state = fields.Enum(LegState, by_value=True)
    amount_fen = fields.Integer(allow_none=True)
    disbursed_on = fields.Date(allow_none=True)
    reason = fields.String(allow_none=True)
    by_id = fields.Integer(allow_none=True, metadata={"description": "The user who acted"})
    at = fields.DateTime()


class LegSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    product_name_zh = fields.String(attribute="product.name_zh")
    product_name_en = fields.String(attribute="product.name_en")
    product_kind = fields.Enum(ProductKind, by_value=True, attribute="product.kind")
    institution_id = fields.Integer()
    institution_name = fields.String(attribute="product.institution.organisation.name")
    applied_fen = fields.Integer()
    state = fields.Enum(LegState, by_value=True)
    approved_fen = fields.Integer(allow_none=True)
    disbursed_fen = fields.Integer(allow_none=True)
    disbursed_on = fields.Date(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    steps = fields.List(fields.Nested(LegStepSchema), metadata={"description": "Oldest first"})


class FinancingApplicationSchema(Schema):
    """An application with the legs its caller may see (an `applications.ApplicationView`)."""

    id = fields.Integer(attribute="application.id")
    organisation_id = fields.Integer(attribute="application.organisation_id")
    organisation_name = fields.String(attribute="application.organisation.name")
    amount_fen = fields.Integer(attribute="application.amount_fen")
    term_months = fields.Integer(attribute="application.term_months")
    project_type = fields.Enum(ProjectType, by_value=True, attribute="application.project_type")
    registry_project_id = fields.Integer(
        allow_none=True, attribute="application.registry_project_id"
    )
    description = fields.String(attribute="application.description")
    taxonomy_code = fields.String(allow_none=True, attribute="application.taxonomy_code")
    created_at = fields.DateTime(attribute="application.created_at")
    legs = fields.List(fields.Nested(LegSchema))


class InboxQuerySchema(Schema):
    state = fields.Enum(LegState, by_value=True)


class LegTransitionSchema(Schema):
    to = fields.String(
        required=True,
        validate=validate.OneOf([s for s in LegState if s != LegState.applied]),
        metadata={
            "description": "under_review, approved (amount_fen), disbursed (amount_fen, "
            "disbursed_on), declined (reason): the institution's admins; withdrawn (before "
            "approval): the applicant's admins"
        },
    )
    amount_fen = _int(MONEY)
    disbursed_on = fields.Date()
    reason = Text(min_length=1, max_length=REASON_MAX)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Transition:
        return Transition(**{**data, "to": LegState(data["to"])})


# --- statistics ------------------------------------------------------------------------


class LendingFiguresSchema(Schema):
    applied_fen = fields.Integer(metadata={"description": "Every application's amount"})
    facilitated_fen = fields.Integer(metadata={"description": "Amounts disbursed"})
    institutions = fields.Integer(metadata={"description": "Financial-institution accounts"})
    enterprises = fields.Integer(metadata={"description": "Registered companies"})
    applications = fields.Integer()
    credit_products = fields.Integer(metadata={"description": "Published"})
    insurance_products = fields.Integer(metadata={"description": "Published"})
    green_enterprises = fields.Integer(metadata={"description": "Listed 绿色企业"})
    green_projects = fields.Integer(metadata={"description": "Listed 绿色项目"})
    climate_enterprises = fields.Integer(metadata={"description": "Listed 气候友好型企业"})
    climate_projects = fields.Integer(metadata={"description": "Listed 气候投融资项目"})


class LendingSourceSchema(Schema):
    title_zh = fields.String()
    title_en = fields.String()
    publisher_zh = fields.String()
    publisher_en = fields.String()
    published = fields.String()
    section = fields.String()
    as_of = fields.String()


class LendingReferenceFiguresSchema(Schema):
    applied_yi = fields.String(metadata={"description": "亿元, as printed"})
    facilitated_yi = fields.String(metadata={"description": "亿元, as printed"})
    institutions = fields.Integer()
    enterprises = fields.Integer()
    credit_products = fields.Integer()
    insurance_products = fields.Integer()
    green_enterprises = fields.Integer()
    green_projects = fields.Integer()
    climate_projects = fields.Integer(metadata={"description": "气候投融资项目, 征集筛选"})


class LendingReferenceSchema(Schema):
    source = fields.Nested(LendingSourceSchema)
    figures = fields.Nested(LendingReferenceFiguresSchema)


class FinanceStatsSchema(Schema):
    """Our figures, computed from our rows, and the seed's published ones beside them."""

    ours = fields.Nested(LendingFiguresSchema)
    reference = fields.Nested(
        LendingReferenceSchema,
        metadata={"description": "绿蓉融's figures as the seed report prints them"},
    )
