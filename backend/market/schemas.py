"""Request and response shapes of the market API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from backend.core.text_fields import Label, Text
from backend.credits.models import ProjectType, Standard
from backend.market import market_data
from backend.market.announcements import NewAnnouncement
from backend.market.deals import NewDeal
from backend.market.listings import NewListing
from backend.market.models import (
    BODY_MAX,
    REASON_MAX,
    TITLE_MAX,
    DealState,
    EntryKind,
    ListingState,
    Mode,
    Side,
)

ID = validate.Range(min=1, max=2**31 - 1)
TONNES = validate.Range(min=1, max=10**9)
PRICE = validate.Range(min=1, max=10**8)  # fen per tonne: up to 1,000,000 CNY/t
MONEY = validate.Range(min=1, max=10**15)
REFERENCE = validate.Length(min=1, max=64)


def _id(**kw: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=ID, **kw)


# --- funds -------------------------------------------------------------------------------


class EntrySchema(Schema):
    id = fields.Integer()
    kind = fields.Enum(EntryKind, by_value=True)
    balance_delta_fen = fields.Integer()
    frozen_delta_fen = fields.Integer()
    trade_id = fields.Integer(allow_none=True)
    deal_id = fields.Integer(allow_none=True)
    bank_reference = fields.String(allow_none=True)
    at = fields.DateTime()


class FundsSchema(Schema):
    """A participant's funds account with its latest entries (a `routes.FundsView`)."""

    participant_id = fields.Integer()
    currency = fields.Constant("CNY")
    balance_fen = fields.Integer(attribute="account.balance_fen")
    frozen_fen = fields.Integer(attribute="account.frozen_fen")
    available_fen = fields.Integer(attribute="account.available_fen")
    entries = fields.List(fields.Nested(EntrySchema), metadata={"description": "Newest first"})


class DepositSchema(Schema):
    bank_reference = fields.String(
        required=True,
        validate=REFERENCE,
        metadata={"description": "The bank's reference of the incoming transfer"},
    )


class DepositedSchema(Schema):
    """A deposit credited (201), or credited before under the same reference (200)."""

    entry = fields.Nested(EntrySchema)
    replayed = fields.Boolean()


class WithdrawSchema(Schema):
    amount_fen = fields.Integer(required=True, strict=True, validate=MONEY)


# --- listings ----------------------------------------------------------------------------


class ListingCreateSchema(Schema):
    seller_id = _id(required=True)
    holding_id = _id(required=True)
    tonnes = fields.Integer(required=True, strict=True, validate=TONNES)
    price_fen_per_t = fields.Integer(required=True, strict=True, validate=PRICE)
    min_lot_t = fields.Integer(required=True, strict=True, validate=TONNES)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewListing:
        return NewListing(**data)


class ListingQuerySchema(Schema):
    standard = fields.Enum(Standard, by_value=True)
    project_type = fields.String(validate=validate.Length(min=1, max=32))


class ListingSchema(Schema):
    """A listing as anyone sees it (a `listings.ListingView`): no person is named."""

    id = fields.Integer(attribute="listing.id")
    seller_id = fields.Integer(attribute="listing.seller_id")
    seller_name = fields.String(metadata={"description": "The seller organisation's name"})
    project_id = fields.Integer(attribute="project.id")
    project_name_zh = fields.String(attribute="project.name_zh")
    project_name_en = fields.String(attribute="project.name_en")
    province = fields.String(attribute="project.province")
    standard = fields.Enum(Standard, by_value=True, attribute="listing.standard")
    project_type = fields.String(attribute="listing.project_type")
    vintage = fields.Integer(attribute="listing.vintage")
    price_fen_per_t = fields.Integer(attribute="listing.price_fen_per_t")
    min_lot_t = fields.Integer(attribute="listing.min_lot_t")
    listed_t = fields.Integer(attribute="listing.listed_t")
    remaining_t = fields.Integer(attribute="listing.remaining_t")
    state = fields.Enum(ListingState, by_value=True, attribute="listing.state")
    created_at = fields.DateTime(attribute="listing.created_at")


class BuySchema(Schema):
    buyer_id = _id(required=True)
    quantity_t = fields.Integer(required=True, strict=True, validate=TONNES)


class TradeReversalSchema(Schema):
    """冲正: the trade was undone by new entries (units and funds back)."""

    reason = fields.String()
    at = fields.DateTime()
    by_id = fields.Integer(allow_none=True)


class ReversalCreateSchema(Schema):
    reason = Text(required=True, min_length=1, max_length=REASON_MAX)


class TradeSchema(Schema):
    number = fields.String(metadata={"description": "成交编号", "example": "DD20261207000001"})
    mode = fields.Enum(Mode, by_value=True)
    standard = fields.Enum(Standard, by_value=True)
    project_type = fields.String()
    project_id = fields.Integer()
    project_name_zh = fields.String(attribute="project.name_zh")
    project_name_en = fields.String(attribute="project.name_en")
    vintage = fields.Integer()
    seller_id = fields.Integer()
    buyer_id = fields.Integer()
    quantity_t = fields.Integer()
    price_fen_per_t = fields.Integer()
    amount_fen = fields.Integer()
    buyer_fee_fen = fields.Integer()
    seller_fee_fen = fields.Integer()
    currency = fields.Constant("CNY")
    serial_range = fields.String()
    listing_id = fields.Integer(allow_none=True)
    deal_id = fields.Integer(allow_none=True)
    trading_day = fields.Date()
    executed_at = fields.DateTime()
    reversed = fields.Boolean(
        metadata={"description": "冲正: reversed; market data and the report no longer count it"}
    )
    reversal = fields.Nested(TradeReversalSchema, allow_none=True)


# --- negotiated deals --------------------------------------------------------------------


class _DealCreateSchema(Schema):
    mode: Mode

    side = fields.Enum(Side, by_value=True, required=True)
    participant_id = _id(required=True, metadata={"description": "Your account: the proposer"})
    counterparty_id = _id(required=True)
    quantity_t = fields.Integer(required=True, strict=True, validate=TONNES)
    price_fen_per_t = fields.Integer(required=True, strict=True, validate=PRICE)
    holding_id = _id(metadata={"description": "A seller's: the holding the units come from"})
    issuance_id = _id(metadata={"description": "A buyer's: the issuance it wants"})

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewDeal:
        return NewDeal(mode=self.mode, **data)


class BlockTradeCreateSchema(_DealCreateSchema):
    mode = Mode.block


class AgreementCreateSchema(_DealCreateSchema):
    mode = Mode.agreement

    contract_reference = fields.String(
        required=True, validate=REFERENCE, metadata={"description": "The parties' contract"}
    )


class DealTransitionSchema(Schema):
    to = fields.String(
        required=True,
        validate=validate.OneOf([DealState.settled, DealState.declined, DealState.withdrawn]),
        metadata={"description": "settled: accept (confirm); declined; withdrawn (the proposer)"},
    )


class DealSchema(Schema):
    """A block trade or an agreement (a `deals.DealView`), with its trade once settled."""

    id = fields.Integer(attribute="deal.id")
    mode = fields.Enum(Mode, by_value=True, attribute="deal.mode")
    proposer = fields.Enum(Side, by_value=True, attribute="deal.proposer")
    seller_id = fields.Integer(attribute="deal.seller_id")
    buyer_id = fields.Integer(attribute="deal.buyer_id")
    issuance_id = fields.Integer(attribute="deal.issuance_id")
    quantity_t = fields.Integer(attribute="deal.quantity_t")
    price_fen_per_t = fields.Integer(attribute="deal.price_fen_per_t")
    contract_reference = fields.String(allow_none=True, attribute="deal.contract_reference")
    frozen_fen = fields.Integer(attribute="deal.frozen_fen")
    state = fields.Enum(DealState, by_value=True, attribute="deal.state")
    proposed_at = fields.DateTime(attribute="deal.proposed_at")
    closed_at = fields.DateTime(allow_none=True, attribute="deal.closed_at")
    trade = fields.Nested(TradeSchema, allow_none=True)


# --- market data, public trade records, announcements -------------------------------------


class ProductSchema(Schema):
    """A product (a standard and a project type) traded or listed (a `market_data.Product`)."""

    standard = fields.String()
    project_type = fields.String()
    label_zh = fields.String(metadata={"example": "CDCER 造林与林业经营"})
    label_en = fields.String(metadata={"example": "CDCER Forestry"})
    last_fen_per_t = fields.Integer(allow_none=True, metadata={"description": "Last trade's price"})
    previous_close_fen_per_t = fields.Integer(
        allow_none=True,
        metadata={"description": "The last trade's price before today's China day (the bands')"},
    )
    change_bp = fields.Integer(
        allow_none=True, metadata={"description": "Last vs previous close, basis points"}
    )
    today_volume_t = fields.Integer()
    today_amount_fen = fields.Integer()
    open_listings = fields.Integer()
    best_ask_fen_per_t = fields.Integer(
        allow_none=True, metadata={"description": "The cheapest open listing's price"}
    )
    last_trade_at = fields.DateTime(allow_none=True)


class DailyQuerySchema(Schema):
    standard = fields.Enum(Standard, by_value=True, required=True)
    project_type = fields.Enum(
        ProjectType, by_value=True, metadata={"description": "Omitted: every type of the standard"}
    )
    days = fields.Integer(
        load_default=market_data.DEFAULT_DAYS,
        validate=validate.Range(min=1, max=market_data.MAX_DAYS),
        metadata={"description": "China days back from today, today included"},
    )


class DaySchema(Schema):
    day = fields.Date(metadata={"description": "The China day"})
    open_fen_per_t = fields.Integer(
        metadata={"description": "First trade's price, by time then id"}
    )
    high_fen_per_t = fields.Integer()
    low_fen_per_t = fields.Integer()
    close_fen_per_t = fields.Integer(metadata={"description": "Last trade's price"})
    volume_t = fields.Integer()
    amount_fen = fields.Integer()
    trades = fields.Integer()


class DailySchema(Schema):
    """Daily OHLC of a product, oldest first, days with trades only (a `market_data.Daily`)."""

    standard = fields.Enum(Standard, by_value=True)
    project_type = fields.String(allow_none=True)
    days = fields.List(fields.Nested(DaySchema))


class PublicTradesQuerySchema(Schema):
    standard = fields.Enum(Standard, by_value=True)
    project_type = fields.Enum(ProjectType, by_value=True)
    before = fields.Integer(validate=ID, metadata={"description": "A page's `next_before`"})
    limit = fields.Integer(
        load_default=market_data.DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=market_data.MAX_LIMIT),
    )


class PublicTradeSchema(Schema):
    """A trade as anyone sees it: no party, no organisation, no person."""

    number = fields.String(metadata={"description": "成交编号", "example": "DD20261207000001"})
    at = fields.DateTime()
    mode = fields.Enum(Mode, by_value=True)
    standard = fields.Enum(Standard, by_value=True)
    project_type = fields.String()
    project_name_zh = fields.String()
    project_name_en = fields.String()
    vintage = fields.Integer()
    quantity_t = fields.Integer()
    price_fen_per_t = fields.Integer()
    amount_fen = fields.Integer()


class PublicTradePageSchema(Schema):
    """Trades newest first (a `market_data.TradePage`); `next_before` fetches the next page."""

    items = fields.List(fields.Nested(PublicTradeSchema))
    next_before = fields.Integer(allow_none=True)


class AnnouncementCreateSchema(Schema):
    title_zh = Label(required=True, min_length=1, max_length=TITLE_MAX)
    title_en = Label(required=True, min_length=1, max_length=TITLE_MAX)
    body_zh = Text(required=True, min_length=1, max_length=BODY_MAX)
    body_en = Text(required=True, min_length=1, max_length=BODY_MAX)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> NewAnnouncement:
        return NewAnnouncement(**data)


class AnnouncementSchema(Schema):
    """A 公告, plain text (line breaks kept)."""

    id = fields.Integer()
    title_zh = fields.String()
    title_en = fields.String()
    body_zh = fields.String()
    body_en = fields.String()
    published_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)


# --- restocking 点点's retirement inventory ---------------------------------------------------


class RestockSchema(Schema):
    listing_id = _id(required=True)
    quantity_t = fields.Integer(required=True, strict=True, validate=TONNES)
    sale_price_fen_per_t = fields.Integer(
        required=True,
        strict=True,
        validate=PRICE,
        metadata={"description": "The lot's selling price: what a customer pays a tonne"},
    )


class RestockedSchema(Schema):
    """The trade 点点 bought in and the inventory lot it became (a `restock.Restocked`)."""

    trade_number = fields.String(attribute="trade.number", metadata={"description": "成交编号"})
    lot_id = fields.Integer(attribute="lot.id")
    serial_range = fields.String(attribute="lot.serial_range")
    tonnes = fields.Integer(attribute="lot.tonnes")
    acquisition_cost_fen = fields.Integer(
        attribute="lot.acquisition_cost_fen",
        metadata={"description": "The trade's amount plus the buyer's fee"},
    )
    sale_price_fen_per_t = fields.Integer(attribute="lot.price_fen_per_t")
    trade = fields.Nested(TradeSchema)
