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
