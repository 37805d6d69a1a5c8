"""Credits API: browse projects, quote, and (operators) manage lots and registry retirements."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.credits import catalogue, inventory, registry, reports
from backend.credits.models import Lot, RegistryRetirement, Unit
from backend.credits.schemas import (
    LotCreateSchema,
    LotQuerySchema,
    LotSchema,
    ProjectCreateSchema,
    ProjectDetailSchema,
    ProjectQuerySchema,
    ProjectSchema,
    QuoteRequestSchema,
    QuoteSchema,
    RegistryRetirementCreateSchema,
    RegistryRetirementSchema,
    TotalsSchema,
    UnitSchema,
)
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "credits",
    __name__,
    url_prefix="/api/v1",
    description="Projects, lots, quotes and registry retirements",
)


@blp.route("/projects")
class Projects(MethodView):
    @blp.arguments(ProjectQuerySchema(), location="query")
    @blp.response(200, ProjectSchema(many=True))
    def get(self, f: catalogue.ProjectFilter) -> list[catalogue.ProjectStock]:
        """Projects with grams available; filter by standard, type, region, vintage."""
        return catalogue.projects(db.session(), f)

    @blp.arguments(ProjectCreateSchema())
    @blp.response(201, ProjectSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: catalogue.NewProject) -> catalogue.ProjectStock:
        """Add a project (operators)."""
        current_principal().require_operator()
        return catalogue.ProjectStock(catalogue.create_project(db.session(), new), 0)


@blp.route("/projects/<int:project_id>")
class ProjectById(MethodView):
    @blp.response(200, ProjectDetailSchema)
    def get(self, project_id: int) -> catalogue.ProjectStock:
        """A project with its tonnes and grams available by vintage."""
        return catalogue.project(db.session(), project_id)


@blp.route("/lots")
class Lots(MethodView):
    @blp.arguments(LotQuerySchema(), location="query")
    @blp.response(200, LotSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> list[Lot]:
        """Lots with their gram counters (operators)."""
        current_principal().require_operator()
        return catalogue.lots(db.session(), q.get("project_id"))

    @blp.arguments(LotCreateSchema())
    @blp.response(201, LotSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: catalogue.NewLot) -> Lot:
        """Add a lot of whole tonnes with its registry serial range (operators)."""
        current_principal().require_operator()
        return catalogue.add_lot(db.session(), new)


@blp.route("/credits/quote", methods=["POST"])
@blp.arguments(QuoteRequestSchema())
@blp.response(200, QuoteSchema)
@blp.alt_response(409, description="Not enough inventory (`credits.insufficient_inventory`)")
def quote(body: dict[str, Any]) -> inventory.Quote[Lot]:
    """Price a mass under preferences, without holding anything."""
    prefs = inventory.Preferences.from_dict(body["preferences"])
    return inventory.quote(db.session(), prefs, body["mass_g"])


@blp.route("/credits/totals")
class Totals(MethodView):
    @blp.response(200, TotalsSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self) -> reports.Totals:
        """Grams by standard, project type, province, and allocated by month (operators)."""
        current_principal().require_operator()
        return reports.totals(db.session())


@blp.route("/credits/units")
class PendingUnits(MethodView):
    @blp.response(200, UnitSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self) -> list[Unit]:
        """Opened units awaiting retirement at their registry (operators)."""
        current_principal().require_operator()
        return registry.pending(db.session())


@blp.route("/registry-retirements", methods=["POST"])
@blp.arguments(RegistryRetirementCreateSchema())
@blp.response(201, RegistryRetirementSchema)
@blp.doc(security=BEARER_AUTH)
def record_retirement(body: dict[str, Any]) -> RegistryRetirement:
    """Record units retired at the registry under one reference (operators)."""
    current_principal().require_operator()
    return registry.record(
        db.session(),
        standard=body["standard"],
        registry_ref=body["registry_ref"],
        retired_on=body["retired_on"],
        note=body["note"],
        ranges=[(u["lot_id"], u["first_serial"], u["last_serial"]) for u in body["units"]],
    )
