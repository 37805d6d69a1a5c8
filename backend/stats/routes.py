"""Stats API: the yearly market report as JSON and its charts as PNG (public)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView

from backend.core import db
from backend.points import statistics
from backend.points.reward_schemas import PointsTotalsSchema
from backend.stats import charts, market_reference, services
from backend.stats.report import MarketReport
from backend.stats.schemas import (
    MarketReferenceSchema,
    MarketReportSchema,
    ReportQuery,
    ReportQuerySchema,
)
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "stats",
    __name__,
    url_prefix="/api/v1",
    description="The yearly market report (the 点点 platform's tables) and its charts",
)
PNG_CACHE = "public, max-age=60"


@blp.route("/stats/report")
class Report(MethodView):
    @blp.arguments(ReportQuerySchema(), location="query")
    @blp.response(200, MarketReportSchema)
    def get(self, q: ReportQuery) -> MarketReport:
        """A year's market report: neutralisations, grams by standard, type, province, month."""
        return services.report(db.session(), q.year)


@blp.route("/stats/report/charts/<string:chart>.png")
class ReportChart(MethodView):
    @blp.arguments(ReportQuerySchema(), location="query")
    @blp.response(200, content_type="image/png", description="A bar chart, 1200 px wide")
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    @blp.alt_response(404, description="No such chart")
    def get(self, q: ReportQuery, chart: str) -> Response:
        """A chart of the report: `by-standard`, `by-type`, `by-province`, `by-month`,
        `by-scenario`, `by-action` (carbon-inclusion reductions by action type)."""
        charts.chart_of(chart)
        report = services.report(db.session(), q.year)
        key = charts.content_key(chart, report)
        headers = {"ETag": f'"{key}"', "Cache-Control": PNG_CACHE}
        if key in request.if_none_match:
            return Response(status=304, headers=headers)
        png = charts.CACHE.get(key, lambda: charts.render(chart, report))
        return Response(png.body, mimetype="image/png", headers=headers)


@blp.route("/stats/points")
class PointsTotals(MethodView):
    @blp.response(200, PointsTotalsSchema)
    def get(self) -> statistics.Totals:
        """Points funded by sponsors, issued, in circulation, redeemed and expired; the
        reduction credited by action type; each sponsor's budget and what of it was spent."""
        return statistics.totals(db.session())


@blp.route("/stats/market/reference")
class MarketReference(MethodView):
    @blp.response(200, MarketReferenceSchema)
    def get(self) -> dict[str, Any]:
        """The Sichuan carbon market's published CCER trading (the seed report), as reference."""
        return market_reference.reference()
