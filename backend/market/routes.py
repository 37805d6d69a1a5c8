"""Market API: funds accounts, listings (挂牌, 定价点选), block trades (大宗交易), agreement
transfers (协议转让) and a participant's trades."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import idempotent
from backend.market import (
    access,
    announcements,
    banking,
    calendar,
    confirmations,
    deals,
    funds,
    listings,
    market_data,
    restock,
    reversals,
    trades,
)
from backend.market.models import Announcement, DealState, FundsAccount, FundsEntry, Mode, Trade
from backend.market.rules import Rules
from backend.market.schemas import (
    AgreementCreateSchema,
    AnnouncementCreateSchema,
    AnnouncementSchema,
    BlockTradeCreateSchema,
    BuySchema,
    DailyQuerySchema,
    DailySchema,
    DealSchema,
    DealTransitionSchema,
    DepositedSchema,
    DepositSchema,
    EntrySchema,
    FundsSchema,
    ListingCreateSchema,
    ListingQuerySchema,
    ListingSchema,
    ProductSchema,
    PublicTradePageSchema,
    PublicTradesQuerySchema,
    RestockedSchema,
    RestockSchema,
    ReversalCreateSchema,
    TradeSchema,
    WithdrawSchema,
)
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "market",
    __name__,
    url_prefix="/api/v1/market",
    description="The market: funds, listings, block trades, agreement transfers, trades",
)
CLOSED = "Outside trading hours (`market.closed`, saying when the market opens)"


@dataclass(frozen=True)
class FundsView:
    participant_id: int
    account: FundsAccount
    entries: list[FundsEntry]


def _rules() -> Rules:
    return Rules.from_config(current_app.config)


@blp.route("/participants/<int:participant_id>/funds")
class Funds(MethodView):
    @blp.response(200, FundsSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> FundsView:
        """A participant's funds account and its latest entries (its people, operators)."""
        s = db.session()
        p = access.readable(s, current_principal(), participant_id)
        account = funds.find(s, p.id)
        return FundsView(p.id, account, funds.recent(s, account.id))


@blp.route("/participants/<int:participant_id>/funds/deposits", methods=["POST"])
@blp.arguments(DepositSchema())
@blp.response(201, DepositedSchema)
@blp.alt_response(200, schema=DepositedSchema, description="Credited before: nothing new")
@blp.doc(security=BEARER_AUTH)
def deposit(body: dict[str, Any], participant_id: int) -> tuple[banking.Credited, int]:
    """Credit a bank transfer by its reference, once (its admins, operators)."""
    s = db.session()
    p, user = access.crediting(s, current_principal(), participant_id)
    done = banking.deposit(s, banking.current(), p.id, body["bank_reference"], user.id)
    return done, 200 if done.replayed else 201


@blp.route("/participants/<int:participant_id>/funds/withdrawals", methods=["POST"])
@blp.arguments(WithdrawSchema())
@blp.response(201, EntrySchema)
@blp.alt_response(409, description="Not that much available (`market.insufficient_funds`)")
@blp.doc(security=BEARER_AUTH)
def withdraw(body: dict[str, Any], participant_id: int) -> FundsEntry:
    """Pay available funds out to the participant's bank account (its admins)."""
    s = db.session()
    p, user = access.acting(s, current_principal(), participant_id)
    return banking.withdraw(s, banking.current(), p.id, body["amount_fen"], user.id)


@blp.route("/participants/<int:participant_id>/trades")
class ParticipantTrades(MethodView):
    @blp.response(200, TradeSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, participant_id: int) -> list[Trade]:
        """The participant's trades, bought and sold, newest first (its people, operators)."""
        s = db.session()
        return trades.of(s, access.readable(s, current_principal(), participant_id).id)


@blp.route("/listings")
class Listings(MethodView):
    @blp.arguments(ListingQuerySchema(), location="query")
    @blp.response(200, ListingSchema(many=True))
    def get(self, q: dict[str, Any]) -> list[listings.ListingView]:
        """Open listings, cheapest first (public; sellers are organisations)."""
        return listings.public(db.session(), q.get("standard"), q.get("project_type"))

    @blp.arguments(ListingCreateSchema())
    @blp.response(201, ListingSchema)
    @blp.alt_response(409, description=CLOSED)
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: listings.NewListing) -> listings.ListingView:
        """List tonnes of a holding at a price; they are set aside (the seller's admins)."""
        s = db.session()
        made = listings.create(s, current_principal(), _rules(), new, calendar.now())
        return listings.view(s, made)


@blp.route("/listings/<int:listing_id>/withdrawal", methods=["POST"])
@blp.response(200, ListingSchema)
@blp.doc(security=BEARER_AUTH)
def withdraw_listing(listing_id: int) -> listings.ListingView:
    """Withdraw a listing: what is left returns to the seller (its admins)."""
    s = db.session()
    return listings.view(s, listings.withdraw(s, current_principal(), listing_id, calendar.now()))


@blp.route("/listings/<int:listing_id>/purchases", methods=["POST"])
@idempotent
@blp.arguments(BuySchema())
@blp.response(201, TradeSchema)
@blp.alt_response(409, description="Fewer tonnes left, funds short, or " + CLOSED)
@blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
def buy(body: dict[str, Any], listing_id: int) -> Trade:
    """定价点选: buy whole tonnes of a listing at its price (the buyer's admins)."""
    return listings.buy(
        db.session(), current_principal(), _rules(), listing_id, now=calendar.now(), **body
    )


def _propose(new: deals.NewDeal) -> deals.DealView:
    s = db.session()
    return deals.view(s, deals.propose(s, current_principal(), _rules(), new, calendar.now()))


def _move(mode: Mode, deal_id: int, to: str) -> deals.DealView:
    return deals.move(
        db.session(), current_principal(), _rules(), mode, deal_id, DealState(to), calendar.now()
    )


@blp.route("/block-trades", methods=["POST"])
@blp.arguments(BlockTradeCreateSchema())
@blp.response(201, DealSchema)
@blp.alt_response(409, description=CLOSED)
@blp.doc(security=BEARER_AUTH)
def propose_block(new: deals.NewDeal) -> deals.DealView:
    """Propose a 大宗交易 to a named counterparty; your side is set aside (its admins)."""
    return _propose(new)


@blp.route("/block-trades/<int:deal_id>/transitions", methods=["POST"])
@blp.arguments(DealTransitionSchema())
@blp.response(200, DealSchema)
@blp.alt_response(409, description="Closed already, funds or units short, or " + CLOSED)
@blp.doc(security=BEARER_AUTH)
def move_block(body: dict[str, Any], deal_id: int) -> deals.DealView:
    """Accept (settles) or decline (the counterparty), or withdraw (the proposer)."""
    return _move(Mode.block, deal_id, body["to"])


@blp.route("/agreements", methods=["POST"])
@blp.arguments(AgreementCreateSchema())
@blp.response(201, DealSchema)
@blp.alt_response(409, description=CLOSED)
@blp.doc(security=BEARER_AUTH)
def register_agreement(new: deals.NewDeal) -> deals.DealView:
    """Register a 协议转让 made off-screen, for the other party to confirm (its admins)."""
    return _propose(new)


@blp.route("/agreements/<int:deal_id>/transitions", methods=["POST"])
@blp.arguments(DealTransitionSchema())
@blp.response(200, DealSchema)
@blp.alt_response(409, description="Closed already, funds or units short, or " + CLOSED)
@blp.doc(security=BEARER_AUTH)
def move_agreement(body: dict[str, Any], deal_id: int) -> deals.DealView:
    """Confirm (`settled`: settles) or decline (the other party), or withdraw (who registered)."""
    return _move(Mode.agreement, deal_id, body["to"])


# --- market data, public trade records, announcements, 成交确认书 ------------------------


@blp.route("/products")
class Products(MethodView):
    @blp.response(200, ProductSchema(many=True))
    def get(self) -> list[market_data.Product]:
        """Products traded or listed: last price, previous close, today's volume (public)."""
        return market_data.products(db.session(), calendar.now())


@blp.route("/daily")
class Daily(MethodView):
    @blp.arguments(DailyQuerySchema(), location="query")
    @blp.response(200, DailySchema)
    def get(self, q: dict[str, Any]) -> market_data.Daily:
        """A product's daily open, high, low, close, volume and amount by China day (public)."""
        return market_data.daily(
            db.session(), q["standard"], q.get("project_type"), q["days"], calendar.now()
        )


@blp.route("/trades/public")
class PublicTrades(MethodView):
    @blp.arguments(PublicTradesQuerySchema(), location="query")
    @blp.response(200, PublicTradePageSchema)
    def get(self, q: dict[str, Any]) -> market_data.TradePage:
        """Trades newest first, the parties hidden; `before` pages on (public)."""
        return market_data.public_trades(
            db.session(), q.get("standard"), q.get("project_type"), q.get("before"), q["limit"]
        )


@blp.route("/announcements")
class Announcements(MethodView):
    @blp.response(200, AnnouncementSchema(many=True))
    def get(self) -> list[Announcement]:
        """The exchange's announcements (公告) in force, newest first (public)."""
        return announcements.in_force(db.session())

    @blp.arguments(AnnouncementCreateSchema())
    @blp.response(201, AnnouncementSchema)
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: announcements.NewAnnouncement) -> Announcement:
        """Publish an announcement, in Chinese and English (operators)."""
        return announcements.publish(db.session(), current_principal(), new, calendar.now())


@blp.route("/announcements/<int:announcement_id>/withdrawal", methods=["POST"])
@blp.response(200, AnnouncementSchema)
@blp.alt_response(409, description="Withdrawn already (`market.announcement_withdrawn`)")
@blp.doc(security=BEARER_AUTH)
def withdraw_announcement(announcement_id: int) -> Announcement:
    """Withdraw an announcement: it is no longer shown (operators)."""
    return announcements.withdraw(
        db.session(), current_principal(), announcement_id, calendar.now()
    )


@blp.route("/trades/<string:number>/confirmation.pdf")
class ConfirmationPdf(MethodView):
    @blp.response(200, content_type="application/pdf", description="One A4 page, zh and en")
    @blp.doc(security=BEARER_AUTH)
    def get(self, number: str) -> Response:
        """The 成交确认书 of a trade (its two parties' people, operators; others 404)."""
        c = confirmations.read(db.session(), current_principal(), number)
        return Response(
            confirmations.render(c),
            mimetype="application/pdf",
            headers={"Cache-Control": "private, max-age=300", "Vary": "Authorization"},
        )


@blp.route("/trades/<string:number>/reversal", methods=["POST"])
@blp.arguments(ReversalCreateSchema())
@blp.response(201, TradeSchema)
@blp.alt_response(
    409,
    description="Reversed already (`market.trade_reversed`), the buyer no longer holds the "
    "units (`market.reversal_units_not_held`) or the seller's funds fall short "
    "(`market.reversal_seller_short`)",
)
@blp.doc(security=BEARER_AUTH)
def reverse_trade(body: dict[str, str], number: str) -> Trade:
    """Reverse (冲正) a trade: units and funds go back, by new entries (operators)."""
    s = db.session()
    return reversals.reverse(s, current_principal(), number, body["reason"], calendar.now())


@blp.route("/restock", methods=["POST"])
@idempotent
@blp.arguments(RestockSchema())
@blp.response(201, RestockedSchema)
@blp.alt_response(
    409,
    description="点点 has no exchange account or too little funds, the listing too few "
    "tonnes, or " + CLOSED,
)
@blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
def restock_inventory(body: dict[str, Any]) -> restock.Restocked:
    """Buy from a listing for 点点 and move the tonnes into the retirement inventory (operators)."""
    return restock.restock(db.session(), current_principal(), _rules(), now=calendar.now(), **body)
