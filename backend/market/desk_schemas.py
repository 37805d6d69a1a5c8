"""Schemas of the 交易 tab's reads (`desk_routes.py`): a participant's deals and the rules in
force. A participant's listings use `ListingSchema`."""

from __future__ import annotations

from marshmallow import Schema, fields

from backend.market.models import DealState, Mode, Side


class DealLineSchema(Schema):
    """A block trade or agreement as one of its parties sees it (a `desk.DealLine`)."""

    id = fields.Integer(attribute="deal.id")
    mode = fields.Enum(Mode, by_value=True, attribute="deal.mode")
    state = fields.Enum(DealState, by_value=True, attribute="deal.state")
    side = fields.Enum(Side, by_value=True, metadata={"description": "This participant's side"})
    proposed_by_us = fields.Boolean(
        metadata={"description": "False: the counterparty proposed it, this side answers"}
    )
    counterparty_id = fields.Integer()
    counterparty_name = fields.String(metadata={"description": "Its organisation's name"})
    issuance_id = fields.Integer(attribute="deal.issuance_id")
    quantity_t = fields.Integer(attribute="deal.quantity_t")
    price_fen_per_t = fields.Integer(attribute="deal.price_fen_per_t")
    contract_reference = fields.String(allow_none=True, attribute="deal.contract_reference")
    proposed_at = fields.DateTime(attribute="deal.proposed_at")
    closed_at = fields.DateTime(allow_none=True, attribute="deal.closed_at")
    trade_number = fields.String(allow_none=True, metadata={"description": "成交编号 once settled"})


class TradingSessionSchema(Schema):
    start = fields.Time(format="%H:%M")
    end = fields.Time(format="%H:%M")


class RulesSchema(Schema):
    """The market's rules in force (a `desk.RulesView`); docs/market.md gives their sources."""

    buyer_fee_bps = fields.Integer(attribute="rules.buyer_fee_bps")
    seller_fee_bps = fields.Integer(attribute="rules.seller_fee_bps")
    listing_band_bps = fields.Function(
        lambda v: v.band(Mode.listing),
        metadata={"description": "Around the previous close; 0: none"},
    )
    block_band_bps = fields.Function(lambda v: v.band(Mode.block))
    agreement_band_bps = fields.Function(lambda v: v.band(Mode.agreement))
    block_min_t = fields.Integer(attribute="rules.block_min_t")
    listing_max_t = fields.Integer(
        metadata={"description": "A listing is fewer tonnes than a block"}
    )
    sessions = fields.List(
        fields.Nested(TradingSessionSchema), metadata={"description": "Trading hours"}
    )
    timezone = fields.String()
    calendar_source = fields.String(
        metadata={"description": "`chinesecalendar`, or `weekdays` for a year it does not cover"}
    )
    open_now = fields.Boolean()
    next_open = fields.DateTime(metadata={"description": "Now, if open"})
