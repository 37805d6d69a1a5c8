"""Routes of the courts domain: courts, restorative cases, defendants' purchase links, 核销
(verification), the case report, statistics and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db, public_url
from backend.core.lang import request_lang
from backend.courts import audit, cases, hierarchy, links, purchases, report, stats, views
from backend.courts.models import Court
from backend.courts.schemas import (
    AuditSchema,
    CaseCreateSchema,
    CasePageSchema,
    CaseQuerySchema,
    CaseSchema,
    CloseSchema,
    CourtCreateSchema,
    CourtSchema,
    CourtStatsSchema,
    DeadlineSchema,
    OfferSchema,
    OrderRequestSchema,
    VerificationCreateSchema,
    VerificationSchema,
)
from backend.courts.verification import verify
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import current_claim, idempotent
from backend.orders import services as order_services
from backend.orders.schemas import OrderSchema
from backend.orders.services import OrderView
from backend.payments import providers
from backend.payments.provider import Payer
from backend.web.blueprint import Blueprint
from backend.web.limiter import writes

blp = Blueprint(
    "courts",
    __name__,
    url_prefix="/api/v1",
    description="Courts (司法碳普惠): restorative cases, defendants' carbon-sink purchases and "
    "single-use verification (核销)",
)
NO_STORE = {"Cache-Control": "private, no-store"}


def base_url() -> str:
    return public_url.base_url()


def _case(case_id: str) -> Any:
    return cases.get(db.session(), current_principal(), case_id)


@blp.route("/courts")
class Courts(MethodView):
    @blp.response(200, CourtSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self) -> Sequence[Court]:
        """The courts I see: mine and those below them (operators: all)."""
        return hierarchy.listing(db.session(), current_principal())

    @blp.arguments(CourtCreateSchema())
    @blp.response(201, CourtSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, body: dict[str, Any]) -> Court:
        """Create a court (operators); staff are added as judge or clerk members."""
        return hierarchy.create(db.session(), current_principal(), **body)


@blp.route("/courts/<int:court_id>")
class CourtById(MethodView):
    @blp.response(200, CourtSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, court_id: int) -> Court:
        """One court; courts I do not see are 404."""
        return hierarchy.get(db.session(), current_principal(), court_id)


@blp.route("/courts/<int:court_id>/stats")
class CourtStats(MethodView):
    @blp.response(200, CourtStatsSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, court_id: int) -> stats.CourtStats:
        """Cases by status, grams required and verified, by month; lower courts included."""
        return stats.of_court(db.session(), current_principal(), court_id)


@blp.route("/court-cases")
class Cases(MethodView):
    @blp.arguments(CaseQuerySchema(), location="query")
    @blp.response(200, CasePageSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> views.CasePage:
        """Cases I see (my court's and lower courts'), newest first."""
        s = db.session()
        items, cursor = cases.listing(s, current_principal(), **q)
        return views.CasePage([views.case(s, c, base_url()) for c in items], cursor)

    @blp.arguments(CaseCreateSchema())
    @blp.response(201, CaseSchema)
    @blp.alt_response(409, description="The court already has a case with this number")
    @blp.doc(security=BEARER_AUTH)
    def post(self, body: cases.NewCase) -> tuple[views.CaseView, int, dict[str, str]]:
        """Open a case (a judge or clerk of the court); each defendant gets a purchase link."""
        s = db.session()
        case = cases.create(s, current_principal(), body)
        location = {"Location": f"/api/v1/court-cases/{case.id}"}
        return views.case(s, case, base_url()), 201, location


@blp.route("/court-cases/<string:case_id>")
class CaseById(MethodView):
    @blp.response(200, CaseSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, case_id: str) -> views.CaseView:
        """One case with its defendants, purchases and verifications; others' cases are 404."""
        return views.case(db.session(), _case(case_id), base_url())


@blp.route("/court-cases/<string:case_id>/close", methods=["POST"])
@blp.arguments(CloseSchema())
@blp.response(200, CaseSchema)
@blp.alt_response(409, description="Already closed (`illegal-case-transition`)")
@blp.doc(security=BEARER_AUTH)
def close_case(body: dict[str, Any], case_id: str) -> views.CaseView:
    """Close a case (a judge of its court); a reason is needed if it is not fulfilled."""
    s = db.session()
    case = cases.close(s, current_principal(), case_id, body["reason"])
    return views.case(s, case, base_url())


@blp.route("/court-cases/<string:case_id>/deadline", methods=["POST"])
@blp.arguments(DeadlineSchema())
@blp.response(200, CaseSchema)
@blp.alt_response(409, description="The case is fulfilled or closed (`case-not-open`)")
@blp.doc(security=BEARER_AUTH)
def set_deadline(body: dict[str, Any], case_id: str) -> views.CaseView:
    """Move an open case's purchase deadline (a judge of its court), with a reason."""
    s = db.session()
    case = cases.set_deadline(s, current_principal(), case_id, body["deadline"], body["reason"])
    return views.case(s, case, base_url())


@blp.route("/court-cases/<string:case_id>/verifications", methods=["POST"])
@blp.arguments(VerificationCreateSchema())
@blp.response(201, VerificationSchema)
@blp.alt_response(409, description="Already verified (`already-verified`, naming the court)")
@blp.alt_response(422, description="Refused: revoked, not judicial, another case, ineligible")
@blp.doc(security=BEARER_AUTH)
def create_verification(body: dict[str, Any], case_id: str) -> views.VerificationView:
    """核销: verify a defendant's judicial certificate for this case, once ever."""
    s = db.session()
    done = verify(s, current_principal(), case_id, body["certificate_number"])
    return views.verification(s, done)


@blp.route("/court-cases/<string:case_id>/audit")
@blp.response(200, AuditSchema)
@blp.doc(security=BEARER_AUTH)
def case_audit(case_id: str) -> views.AuditPage:
    """Every court action on the case, oldest first (append-only)."""
    s = db.session()
    return views.audit(s, audit.of_case(s, _case(case_id).id))


@blp.route("/court-cases/<string:case_id>/report.png")
@blp.response(200, content_type="image/png", description="The case report, for the case file")
@blp.doc(security=BEARER_AUTH)
def case_report(case_id: str) -> Response:
    """The case report as a PNG: court, case, site, defendants, certificates, verifications."""
    png = report.render(report.lines(db.session(), _case(case_id)))
    return Response(png, mimetype="image/png", headers=NO_STORE)


@blp.route("/court-cases/<string:case_id>/defendants/<int:defendant_id>/qr.png")
@blp.response(200, content_type="image/png", description="The QR code of the purchase link")
@blp.doc(security=BEARER_AUTH)
def defendant_qr(case_id: str, defendant_id: int) -> Response:
    """The QR code of a defendant's purchase link, to print or show."""
    d = cases.defendant(_case(case_id), defendant_id)
    png = links.qr_png(links.purchase_url(base_url(), d.token))
    return Response(png, mimetype="image/png", headers=NO_STORE)


@blp.route("/court-purchases/<string:token>")
class Purchase(MethodView):
    @blp.response(200, OfferSchema)
    def get(self, token: str) -> views.OfferView:
        """Public: what this link's defendant must buy, the eligible credits and a price now."""
        fee_bps = current_app.config["ORDER_FEE_BPS"]
        return views.offer(purchases.offer(db.session(), token, fee_bps), request_lang())


@blp.route("/court-purchases/<string:token>/orders")
class PurchaseOrders(MethodView):
    @writes
    @idempotent
    @blp.arguments(OrderRequestSchema())
    @blp.response(201, OrderSchema)
    @blp.alt_response(409, description="The link sells nothing now, or the stock is short")
    @blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
    def post(self, body: dict[str, Any], token: str) -> tuple[OrderView, int, dict[str, str]]:
        """Order the defendant's restoration (signed in); then pay it like any order."""
        s, rails = db.session(), providers.rails()
        order = purchases.order(
            s,
            current_principal(),
            token,
            body.get("mass_g"),
            rails.choose(body.get("provider")),
            order_services.OrderSettings.from_config(current_app.config),
            current_claim(),
            Payer(body.get("channel"), None, request.user_agent.string, request.remote_addr or ""),
        )
        view = order_services.view(s, order, rails, history=False)
        return view, 201, {"Location": f"/api/v1/orders/{order.id}"}
