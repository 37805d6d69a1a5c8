"""Request and response shapes of the market report (the response dumps `report.MarketReport`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from backend.points.reward_schemas import PointsFlowsSchema
from backend.stats.services import FIRST_YEAR, LAST_YEAR


@dataclass(frozen=True)
class ReportQuery:
    year: int


class ReportQuerySchema(Schema):
    year = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR),
        metadata={"description": "Calendar year in China Standard Time", "example": 2024},
    )

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> ReportQuery:
        return ReportQuery(**data)


RETIRED_G = "Of `mass_g`, grams in units retired at their registry (as of now)"
PENDING_G = (
    "Of `mass_g`, grams allocated to their beneficiaries whose registry retirement is pending"
)


class ReportRowSchema(Schema):
    key = fields.String(metadata={"description": "Standard, project type or province code"})
    label_zh = fields.String()
    label_en = fields.String()
    mass_g = fields.Integer(metadata={"description": "Grams CO2e allocated to certificates"})
    registry_retired_g = fields.Integer(metadata={"description": RETIRED_G})
    registry_pending_g = fields.Integer(metadata={"description": PENDING_G})


class ReportScenarioSchema(Schema):
    key = fields.String(
        metadata={
            "description": "A footprint kind (`meeting`, `flight`, `hearing`, `venue`, `event`), "
            "`points_redemption`, `court_restoration`, or `other` (a mass without a footprint)"
        }
    )
    label_zh = fields.String()
    label_en = fields.String()
    neutralisations = fields.Integer()
    mass_g = fields.Integer()


class ReportMonthSchema(Schema):
    key = fields.String(metadata={"example": "2024-03"})
    neutralisations = fields.Integer()
    mass_g = fields.Integer()


class ReportProjectSchema(Schema):
    rank = fields.Integer()
    project_id = fields.Integer()
    registry_id = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    standard = fields.String()
    type = fields.String()
    province = fields.String(metadata={"description": "Province code, or country abroad"})
    mass_g = fields.Integer()
    neutralisations = fields.Integer(metadata={"description": "Certificates drawing on it"})


class ReportTotalsSchema(Schema):
    neutralisations = fields.Integer()
    mass_g = fields.Integer()


# --- the seed's market figures (reference data) -------------------------------------------


class ReferenceSourceSchema(Schema):
    title_zh = fields.String()
    title_en = fields.String()
    publisher_zh = fields.String()
    publisher_en = fields.String()
    published = fields.String()
    section = fields.String()
    cutoff = fields.String()


class ReferenceYearSchema(Schema):
    year = fields.Integer()
    partial_to = fields.String(metadata={"description": "the year counts to this day only"})
    rank = fields.Integer(metadata={"description": "among China's carbon markets"})
    volume_wan_t = fields.String(metadata={"description": "万吨, as printed"})
    amount = fields.String(metadata={"description": "as printed, with its unit (亿元, 万元)"})
    trading_days = fields.Integer()
    active_trading_days = fields.Integer()
    active_share_pct = fields.String()


class ReferenceNationalSchema(Schema):
    year = fields.Integer()
    partial_to = fields.String()
    markets = fields.Integer()
    total_wan_t = fields.String()
    sichuan_wan_t = fields.String()
    share_pct = fields.String()
    rank = fields.Integer()


class ReferenceCumulativeSchema(Schema):
    to = fields.String()
    volume_wan_t_about = fields.String()
    amount_over = fields.String()
    rank = fields.Integer()


class ReferenceModesSchema(Schema):
    period_zh = fields.String()
    period_en = fields.String()
    trades = fields.Integer()
    listing_pick = fields.Integer(metadata={"description": "定价点选"})
    block = fields.Integer(metadata={"description": "大宗交易"})
    agreement = fields.Integer(metadata={"description": "柜台转让（协议交易）"})
    listed_share_by_count_pct = fields.String()
    listed_share_by_volume_pct = fields.String()
    block_share_by_volume_pct = fields.String()
    note_zh = fields.String()
    note_en = fields.String()


class ReferenceMonthsSchema(Schema):
    jan_mar_pct = fields.String()
    jun_aug_pct = fields.String()


class ReferencePriceSchema(Schema):
    average_yuan_per_t = fields.String()
    change_pct = fields.String()


class ReferenceProjectsSchema(Schema):
    listed_traded = fields.Integer()
    provinces = fields.Integer()
    types = fields.Integer()
    traded = fields.Integer()
    top_types_zh = fields.List(fields.String())
    top_types_en = fields.List(fields.String())
    top_types_share_about_pct = fields.String()
    hydro_share_about_pct = fields.String()


class MarketReferenceSchema(Schema):
    """The seed report's CCER trading figures, as printed (strings keep them exact)."""

    source = fields.Nested(ReferenceSourceSchema)
    yearly = fields.List(fields.Nested(ReferenceYearSchema))
    national = fields.List(fields.Nested(ReferenceNationalSchema))
    cumulative = fields.Nested(ReferenceCumulativeSchema)
    modes = fields.Nested(ReferenceModesSchema)
    months_2022 = fields.Nested(ReferenceMonthsSchema)
    price_2022 = fields.Nested(ReferencePriceSchema)
    projects = fields.Nested(ReferenceProjectsSchema)


# --- the report's market section: 点点's own trades ----------------------------------------

SHARE_BP = "Basis points of the year's total (largest remainder: a table's shares add up to "
SHARE_BP += "10000 when the year has trades; all 0 when it has none)"


class ReportModeSchema(Schema):
    key = fields.String(
        metadata={"description": "`listing` (定价点选), `block` (大宗交易), `agreement` (协议转让)"}
    )
    label_zh = fields.String()
    label_en = fields.String()
    trades = fields.Integer()
    volume_t = fields.Integer()
    amount_fen = fields.Integer()
    share_by_count_bp = fields.Integer(metadata={"description": SHARE_BP})
    share_by_volume_bp = fields.Integer(metadata={"description": SHARE_BP})


class ReportMarketMonthSchema(Schema):
    key = fields.String(metadata={"example": "2026-03"})
    trades = fields.Integer()
    volume_t = fields.Integer()
    amount_fen = fields.Integer()
    share_by_volume_bp = fields.Integer(metadata={"description": SHARE_BP})


class ReportWindowSchema(Schema):
    key = fields.String(metadata={"description": "`jan_mar` or `jun_aug` (the seed's windows)"})
    first = fields.String(metadata={"example": "2026-01"})
    last = fields.String(metadata={"example": "2026-03"})
    volume_t = fields.Integer()
    share_by_volume_bp = fields.Integer(
        metadata={"description": "The window's share of the year's volume, rounded half up"}
    )


class ReportMarketRowSchema(Schema):
    key = fields.String(metadata={"description": "A project type, or a province code"})
    label_zh = fields.String()
    label_en = fields.String()
    trades = fields.Integer()
    volume_t = fields.Integer()
    amount_fen = fields.Integer()


class ReportMarketReferenceSchema(Schema):
    """The seed report's figures for the year, where it has them (else null)."""

    source = fields.Nested(ReferenceSourceSchema)
    yearly = fields.Nested(
        ReferenceYearSchema, allow_none=True, metadata={"description": "Its Table 1 row"}
    )
    national = fields.Nested(
        ReferenceNationalSchema,
        allow_none=True,
        metadata={"description": "The 9 markets' volume, Sichuan's share and rank"},
    )
    modes = fields.Nested(
        ReferenceModesSchema,
        allow_none=True,
        metadata={"description": "2022 only: trades by mode, of the year to 2023-04-30"},
    )
    months = fields.Nested(ReferenceMonthsSchema, allow_none=True)
    price = fields.Nested(ReferencePriceSchema, allow_none=True)


class ReportMarketSchema(Schema):
    trades = fields.Integer()
    volume_t = fields.Integer()
    amount_fen = fields.Integer()
    average_fen_per_t = fields.Integer(
        allow_none=True,
        metadata={"description": "amount / volume in fen, rounded half up; null without volume"},
    )
    fees_fen = fields.Integer(metadata={"description": "Buyers' and sellers' fees"})
    by_mode = fields.List(fields.Nested(ReportModeSchema))
    by_month = fields.List(fields.Nested(ReportMarketMonthSchema))
    concentration = fields.List(fields.Nested(ReportWindowSchema))
    by_project_type = fields.List(fields.Nested(ReportMarketRowSchema))
    by_province = fields.List(fields.Nested(ReportMarketRowSchema))
    reference = fields.Nested(ReportMarketReferenceSchema)


class MarketReportSchema(Schema):
    year = fields.Integer()
    timezone = fields.String(metadata={"example": "Asia/Shanghai"})
    neutralisations = fields.Integer(metadata={"description": "Valid certificates issued"})
    mass_g = fields.Integer(metadata={"description": "Grams CO2e allocated to them"})
    registry_retired_g = fields.Integer(metadata={"description": RETIRED_G})
    registry_pending_g = fields.Integer(metadata={"description": PENDING_G})
    beneficiaries = fields.Integer(metadata={"description": "Distinct beneficiary names"})
    organisations = fields.Integer(metadata={"description": "Distinct ordering organisations"})
    people = fields.Integer(
        metadata={"description": "Distinct people who ordered or redeemed points for themselves"}
    )
    projects = fields.Integer()
    provinces = fields.Integer()
    cumulative = fields.Nested(
        ReportTotalsSchema, metadata={"description": "Everything to the end of the year"}
    )
    by_scenario = fields.List(fields.Nested(ReportScenarioSchema))
    by_standard = fields.List(fields.Nested(ReportRowSchema))
    by_project_type = fields.List(fields.Nested(ReportRowSchema))
    by_province = fields.List(fields.Nested(ReportRowSchema))
    by_month = fields.List(fields.Nested(ReportMonthSchema))
    top_projects = fields.List(fields.Nested(ReportProjectSchema))
    points = fields.Nested(
        PointsFlowsSchema,
        metadata={
            "description": "Carbon-inclusion points in the year: funded, issued, redeemed, "
            "expired; grams CO2e credited by action type (actions that occurred in the year); "
            "each sponsor's budget funded and spent in the year (credits left: now)"
        },
    )
    market = fields.Nested(
        ReportMarketSchema,
        metadata={
            "description": "点点's own trades executed in the year (China time), by mode, month, "
            "project type and province, beside the seed report's figures for the year"
        },
    )
