"""Points API: partners report and reverse actions (signed); citizens check in, see their
wallet and redeem; the methodology is public."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.certificates import issuers
from backend.core import db
from backend.core.errors import Forbidden, NotFound
from backend.core.public_url import base_url
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import current_claim, idempotent
from backend.points import earning, methodology, partners, venues, wallet
from backend.points.models import Redemption, Venue
from backend.points.schemas import (
    ActionPageSchema,
    BatchResultSchema,
    BatchSchema,
    CheckInSchema,
    LowCarbonVenueChangeSchema,
    LowCarbonVenueSchema,
    MethodologyQuerySchema,
    MethodologySchema,
    PageQuerySchema,
    PartnerSecretSchema,
    RedemptionRequestSchema,
    RedemptionSchema,
    ReversalSchema,
    VenueCodeSchema,
    WalletSchema,
)
from backend.web.blueprint import Blueprint
from backend.web.limiter import writes

blp = Blueprint(
    "points",
    __name__,
    url_prefix="/api/v1",
    description="Carbon-inclusion points (碳惠天府): green actions, wallet, redemption",
)
SIGNATURE = {
    "in": "header",
    "name": partners.HEADER,
    "required": True,
    "description": 't=<unix time>,v1=<hex HMAC-SHA256(partner secret, t + "." + raw body)>; '
    "at most 5 minutes old",
    "schema": {"type": "string"},
}


def _partner() -> int:
    """The reporting organisation: an API key with `points:report` and a valid signature."""
    who = current_principal()
    if who.api_key is None:
        who.require_user()
        raise Forbidden("points.partners_use_api_keys")
    org_id = who.api_key.organisation_id
    who.authorize_org(org_id, scope="points:report")
    partners.verify(
        db.session(),
        current_app.config["SECRET_KEY"],
        org_id,
        request.headers.get(partners.HEADER),
        request.get_data(),
    )
    return org_id


def signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Check the partner and its signature before the body is even parsed."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, partner_id=_partner(), **kwargs)

    return wrapper


@blp.route("/points/actions", methods=["POST"])
@signed
@blp.arguments(BatchSchema())
@blp.response(200, BatchResultSchema)
@blp.alt_response(403, description="Not a partner's API key, or a bad or stale signature")
@blp.doc(security=BEARER_AUTH, parameters=[SIGNATURE])
def report_actions(actions: list[partners.PartnerAction], partner_id: int) -> earning.Batch:
    """Report up to 1,000 green actions (signed); each is accepted, a duplicate or rejected."""
    return partners.report(db.session(), partner_id, actions, methodology.current())


@blp.route("/points/actions/reversals", methods=["POST"])
@signed
@blp.arguments(ReversalSchema())
@blp.response(200, BatchResultSchema)
@blp.alt_response(403, description="Not a partner's API key, or a bad or stale signature")
@blp.doc(security=BEARER_AUTH, parameters=[SIGNATURE])
def reverse_actions(body: dict[str, Any], partner_id: int) -> earning.Batch:
    """Withdraw actions still pending (signed); confirmed ones cannot be withdrawn."""
    return earning.reverse(db.session(), partner_id, body["external_ids"])


@blp.route("/organisations/<int:org_id>/points-partner", methods=["POST"])
@blp.response(201, PartnerSecretSchema)
@blp.doc(security=BEARER_AUTH)
def enrol_partner(org_id: int) -> partners.Enrolment:
    """Make an organisation a points partner, or rotate its signing secret (operators)."""
    current_principal().require_operator()
    return partners.enrol(db.session(), current_app.config["SECRET_KEY"], org_id)


@blp.route("/points/methodology")
class Methodology(MethodView):
    @blp.arguments(MethodologyQuerySchema(), location="query")
    @blp.response(200, MethodologySchema)
    @blp.alt_response(404, description="No methodology of that version")
    def get(self, q: dict[str, Any]) -> methodology.Methodology:
        """The action types: reduction per unit, source, caps and confirmation windows; the
        current version, or an earlier one by `version`."""
        try:
            return methodology.load(q.get("version", methodology.CURRENT))
        except methodology.UnknownVersion:
            raise NotFound("points.unknown_methodology", params={"version": q["version"]}) from None


@blp.route("/wallet")
class Wallet(MethodView):
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, WalletSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> wallet.Statement:
        """My points: balance, pending, and the history of every movement, newest first."""
        user = current_principal().require_user()
        cursor = int(q["cursor"]) if q.get("cursor", "").isdigit() else None
        return wallet.statement(db.session(), user.id, q["limit"], cursor)


@blp.route("/wallet/actions")
class WalletActions(MethodView):
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, ActionPageSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> wallet.ActionPage:
        """My green actions, newest first, with their status and points."""
        user = current_principal().require_user()
        return wallet.actions(db.session(), user.id, q["limit"], q.get("cursor"))


@blp.route("/wallet/checkins", methods=["POST"])
@writes
@blp.arguments(CheckInSchema())
@blp.response(201, BatchResultSchema)
@blp.doc(security=BEARER_AUTH)
@blp.alt_response(422, description="Not a current code of an active venue: scan it there")
def check_in(body: dict[str, Any]) -> earning.Batch:
    """Check in at a low-carbon venue with its current code (its QR), once a venue a day."""
    user = current_principal().require_user()
    cfg = current_app.config
    return wallet.check_in(
        db.session(),
        cfg["SECRET_KEY"],
        user.id,
        body["venue"],
        cfg["POINTS_VENUE_WINDOW_SECONDS"],
        methodology.current(),
    )


@blp.route("/wallet/redemptions", methods=["POST"])
@writes
@idempotent
@blp.arguments(RedemptionRequestSchema())
@blp.response(201, RedemptionSchema)
@blp.alt_response(409, description="Not enough points, or not enough credits")
@blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
def redeem(req: wallet.RedemptionRequest) -> Redemption:
    """Spend points on real credits (CDCER unless chosen), retired with a certificate."""
    user = current_principal().require_user()
    return wallet.redeem(
        db.session(), user, issuers.current(), methodology.current(), req, claim=current_claim()
    )


# --- venues and their check-in codes ----------------------------------------------------------


def _staff_venue(venue_id: str) -> Venue:
    """A venue its organisation's people (any role) and operators may see; API keys are not
    staff (401), outsiders get 404."""
    who = current_principal()
    who.require_user()
    venue = venues.get(db.session(), venue_id)
    who.authorize_org(venue.organisation_id)
    return venue


@blp.route("/organisations/<int:org_id>/venues")
class OrganisationVenues(MethodView):
    @blp.response(200, LowCarbonVenueSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> list[Venue]:
        """The organisation's venues (its people and operators)."""
        who = current_principal()
        who.require_user()
        who.authorize_org(org_id)
        return venues.of_organisation(db.session(), org_id)

    @blp.arguments(LowCarbonVenueSchema())
    @blp.response(201, LowCarbonVenueSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, body: dict[str, Any], org_id: int) -> Venue:
        """Add a low-carbon venue whose staff are the organisation's people (operators)."""
        current_principal().require_operator()
        return venues.create(db.session(), current_app.config["SECRET_KEY"], org_id, **body)


@blp.route("/venues/<venue_id>", methods=["PATCH"])
@blp.arguments(LowCarbonVenueChangeSchema())
@blp.response(200, LowCarbonVenueSchema)
@blp.doc(security=BEARER_AUTH)
def change_venue(changes: dict[str, Any], venue_id: str) -> Venue:
    """Rename a venue, or stop (or resume) its check-ins (operators)."""
    current_principal().require_operator()
    s = db.session()
    return venues.update(s, venues.get(s, venue_id), changes)


@blp.route("/venues/<venue_id>/code")
class VenueCode(MethodView):
    @blp.response(200, VenueCodeSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, venue_id: str) -> venues.Code:
        """The venue's current check-in code, to show as a QR (its staff and operators)."""
        venue = _staff_venue(venue_id)
        cfg = current_app.config
        return venues.current_code(
            venue, cfg["SECRET_KEY"], base_url(), cfg["POINTS_VENUE_WINDOW_SECONDS"]
        )
