"""What an organisation's 交易 tab reads besides funds and trades: a participant's negotiated
deals (大宗交易 and 协议转让, both sides) and its listings in every state, each newest first in
one query; and the rules in force (fees, bands, threshold, hours, calendar source), public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session, aliased

from backend.accounts.models import Organisation
from backend.market import calendar, listings
from backend.market.models import Deal, Listing, Mode, Side, Trade
from backend.market.rules import Rules
from backend.registry.models import Participant

PAGE = 200


@dataclass(frozen=True)
class DealLine:
    """A deal as one of its parties sees it: its own side, the counterparty's organisation."""

    deal: Deal
    side: Side  # this participant's
    counterparty_id: int
    counterparty_name: str
    trade_number: str | None

    @property
    def proposed_by_us(self) -> bool:
        return self.deal.proposer == self.side


def deals_of(s: Session, participant_id: int) -> list[DealLine]:
    """The participant's block trades and agreements, as seller or buyer, newest first (the
    latest `PAGE`), with the counterparty organisation's name and the settled trade's number."""
    other = aliased(Participant)
    org = aliased(Organisation)
    seller = Deal.seller_id == participant_id
    q = (
        select(Deal, org.name, Trade.number)
        .join(other, other.id == case((seller, Deal.buyer_id), else_=Deal.seller_id))
        .join(org, other.organisation_id == org.id)
        .outerjoin(Trade, Trade.deal_id == Deal.id)
        .where(or_(seller, Deal.buyer_id == participant_id))
        .order_by(Deal.id.desc())
        .limit(PAGE)
    )
    out = []
    for deal, name, number in s.execute(q):
        side = Side.seller if deal.seller_id == participant_id else Side.buyer
        counterparty = deal.buyer_id if side is Side.seller else deal.seller_id
        out.append(DealLine(deal, side, counterparty, name, number))
    return out


def listings_of(s: Session, participant_id: int) -> list[listings.ListingView]:
    """Its listings in every state (open, sold out, withdrawn), newest first."""
    return listings.views(s, Listing.seller_id == participant_id, order=(Listing.id.desc(),))


@dataclass(frozen=True)
class TradingSession:
    start: time
    end: time


@dataclass(frozen=True)
class RulesView:
    """The rules in force, as `Rules` holds them, with the calendar's source today and when the
    market next opens (by the market's clock)."""

    rules: Rules
    timezone: str
    calendar_source: str
    open_now: bool
    next_open: datetime

    @property
    def sessions(self) -> list[TradingSession]:
        return [TradingSession(a, b) for a, b in self.rules.sessions]

    @property
    def listing_max_t(self) -> int:
        return self.rules.block_min_t - 1

    def band(self, mode: Mode) -> int:
        return self.rules.band_bps[mode]


def rules_in_force(rules: Rules, now: datetime) -> RulesView:
    today = calendar.china(now).date()
    return RulesView(
        rules=rules,
        timezone="Asia/Shanghai",
        calendar_source=calendar.trading_day(today).source,
        open_now=calendar.is_open(now, rules.sessions),
        next_open=calendar.next_open(now, rules.sessions),
    )
