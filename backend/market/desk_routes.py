"""The 交易 tab's reads, a blueprint beside the market's: a participant's deals and listings (its
organisation's people, operators) and the rules in force (anyone)."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.market import access, calendar, desk, listings
from backend.market.desk_schemas import DealLineSchema, RulesSchema
from backend.market.rules import Rules
from backend.market.schemas import ListingSchema
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "market_desk",
    __name__,
    url_prefix="/api/v1/market",
    description="The market: a participant's deals and listings, the rules in force",
)


@blp.route("/participants/<int:participant_id>/deals")
class ParticipantDeals(MethodView):
    @blp.response(200, DealLineSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> list[desk.DealLine]:
        """Its block trades and agreements, both sides, newest first (its people, operators)."""
        s = db.session()
        return desk.deals_of(s, access.readable(s, current_principal(), participant_id).id)


@blp.route("/participants/<int:participant_id>/listings")
class ParticipantListings(MethodView):
    @blp.response(200, ListingSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> list[listings.ListingView]:
        """Its listings in every state, newest first (its people, operators)."""
        s = db.session()
        return desk.listings_of(s, access.readable(s, current_principal(), participant_id).id)


@blp.route("/rules")
class MarketRules(MethodView):
    @blp.response(200, RulesSchema)
    def get(self) -> desk.RulesView:
        """The rules in force: fees, bands, the block threshold, hours and calendar source."""
        return desk.rules_in_force(Rules.from_config(current_app.config), calendar.now())
