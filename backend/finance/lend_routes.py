"""Finance API, lending part: institutions' credit and insurance products, enterprises'
financing applications and their legs, and 绿蓉融's statistics."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.finance import applications, finance_stats, products
from backend.finance.lend_schemas import (
    FinanceProductCreateSchema,
    FinanceProductQuerySchema,
    FinanceProductSchema,
    FinanceProductTransitionSchema,
    FinanceStatsSchema,
    FinancingApplicationCreateSchema,
    FinancingApplicationSchema,
    InboxQuerySchema,
    LegTransitionSchema,
)
from backend.finance.product_models import Product, ProductState
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import idempotent
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "finance_lending",
    __name__,
    url_prefix="/api/v1/finance",
    description="Green finance: institutions' products, financing applications, statistics",
)


@blp.route("/products")
class Products(MethodView):
    @blp.arguments(FinanceProductQuerySchema(), location="query")
    @blp.response(200, FinanceProductSchema(many=True))
    def get(self, q: dict[str, Any]) -> list[Product]:
        """Published products, newest first (public)."""
        return products.published(db.session(), q.get("kind"), q.get("project_type"))


@blp.route("/products/<int:product_id>")
class OneProduct(MethodView):
    @blp.response(200, FinanceProductSchema)
    def get(self, product_id: int) -> Product:
        """A published or withdrawn product (public); a draft for its institution's people."""
        return products.get_public(db.session(), current_principal(), product_id)


@blp.route("/products/<int:product_id>/transitions", methods=["POST"])
@blp.arguments(FinanceProductTransitionSchema())
@blp.response(200, FinanceProductSchema)
@blp.alt_response(409, description="Not in a state that allows it (`finance.product_state`)")
@blp.doc(security=BEARER_AUTH)
def move_product(body: dict[str, Any], product_id: int) -> Product:
    """Publish a draft or withdraw a published product (the institution's admins)."""
    return products.move(db.session(), current_principal(), product_id, ProductState(body["to"]))


@blp.route("/participants/<int:participant_id>/products")
class InstitutionProducts(MethodView):
    @blp.response(200, FinanceProductSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> list[Product]:
        """An institution's products in every state (its people, operators)."""
        return products.of_institution(db.session(), current_principal(), participant_id)

    @blp.arguments(FinanceProductCreateSchema())
    @blp.response(201, FinanceProductSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: products.NewProduct, participant_id: int) -> Product:
        """Draft a product (the institution's admins)."""
        return products.create(db.session(), current_principal(), participant_id, new)


@blp.route("/participants/<int:participant_id>/applications")
class Inbox(MethodView):
    @blp.arguments(InboxQuerySchema(), location="query")
    @blp.response(200, FinancingApplicationSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any], participant_id: int) -> list[applications.ApplicationView]:
        """The applications on an institution's products, with those legs only (its people,
        operators)."""
        return applications.inbox(db.session(), current_principal(), participant_id, q.get("state"))


@blp.route("/organisations/<int:org_id>/applications")
class OrganisationApplications(MethodView):
    @blp.response(200, FinancingApplicationSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> list[applications.ApplicationView]:
        """An enterprise's applications, newest first (its people, operators)."""
        return applications.of_organisation(db.session(), current_principal(), org_id)


@blp.route("/organisations/<int:org_id>/applications", methods=["POST"])
@idempotent
@blp.arguments(FinancingApplicationCreateSchema())
@blp.response(201, FinancingApplicationSchema)
@blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
def apply(new: applications.NewApplication, org_id: int) -> applications.ApplicationView:
    """Apply for financing against published products whose criteria the project meets (the
    organisation's admins); one leg per product."""
    return applications.create(db.session(), current_principal(), org_id, new)


@blp.route("/applications/<int:application_id>")
class OneApplication(MethodView):
    @blp.response(200, FinancingApplicationSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, application_id: int) -> applications.ApplicationView:
        """An application: the applicant's people and operators see every leg, an institution's
        people its own legs; anyone else 404."""
        return applications.visible(db.session(), current_principal(), application_id)


@blp.route("/applications/<int:application_id>/legs/<int:leg_id>/transitions", methods=["POST"])
@blp.arguments(LegTransitionSchema())
@blp.response(200, FinancingApplicationSchema)
@blp.alt_response(409, description="The leg is not in a state that allows it (`finance.leg_state`)")
@blp.doc(security=BEARER_AUTH)
def move_leg(
    t: applications.Transition, application_id: int, leg_id: int
) -> applications.ApplicationView:
    """Take under review, approve, disburse or decline (the institution's admins), or withdraw
    before approval (the applicant's admins); each step is recorded."""
    return applications.move(db.session(), current_principal(), application_id, leg_id, t)


@blp.route("/stats")
class Stats(MethodView):
    @blp.response(200, FinanceStatsSchema)
    def get(self) -> finance_stats.FinanceStats:
        """绿蓉融's figures from our rows, and the seed report's beside them (public)."""
        return finance_stats.stats(db.session())
