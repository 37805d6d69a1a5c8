"""点点 restocks its retirement inventory on the market: an operator buys tonnes of a listing
for 点点's own exchange account (the operator organisation's participant) through the ordinary
purchase (`listings.purchase`: the same locks, band, fees and DvP settlement as any buyer's), and
the units bought move at once into the retirement inventory as a credits lot
(`registry.holdings.to_inventory`) that records the trade (`lots.market_trade_id`). All in the
caller's transaction: the trade and the lot commit together, or neither does.

The lot's acquisition cost is what 点点 paid: the trade's amount plus the buyer's fee. Its
selling price is the operator's `sale_price_fen_per_t` (what a customer pays a tonne, as on any
lot). The operator organisation's people trade here; other operator-kind organisations (the
exchange's escrow) are never 点点's account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind
from backend.accounts.principal import Principal
from backend.core.errors import Conflict, NotFound
from backend.credits.models import Lot
from backend.market import funds, listings
from backend.market.models import Listing, Trade
from backend.market.rules import Rules, fee
from backend.registry import holdings, moves
from backend.registry.models import Holding, Participant


@dataclass(frozen=True)
class Restocked:
    trade: Trade
    lot: Lot


def own_account(s: Session, who: Principal) -> Participant:
    """点点's exchange account: the participant of the operator organisation the operator belongs
    to (409 `market.restock_no_account` if it has none)."""
    found = s.scalars(
        select(Participant)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .where(
            Organisation.kind == OrgKind.operator,
            Organisation.id.in_(list(who.roles)),
            Participant.uscc.not_in(moves.SENTINELS),
        )
        .order_by(Participant.id)
    ).first()
    if found is None:
        raise Conflict("market.restock_no_account")
    return found


def _require_funds(s: Session, rules: Rules, buyer: Participant, listing_id: int, t: int) -> None:
    """409 `market.restock_funds_short`, naming what is needed and what is available, when 点点's
    account cannot pay amount and buyer's fee (the settlement's own conditional UPDATE is the
    guard against a race; this says it in the operator's terms first)."""
    listing = s.get(Listing, listing_id)
    if listing is None:
        raise NotFound("market.no_such_listing")
    amount = t * listing.price_fen_per_t
    needed = amount + fee(amount, rules.buyer_fee_bps)
    available = funds.find(s, buyer.id).available_fen
    if available < needed:
        raise Conflict(
            "market.restock_funds_short", params={"needed": needed, "available": available}
        )


def restock(
    s: Session,
    who: Principal,
    rules: Rules,
    *,
    listing_id: int,
    quantity_t: int,
    sale_price_fen_per_t: int,
    now: datetime,
) -> Restocked:
    """Buy `quantity_t` of a listing for 点点 and move them into the retirement inventory."""
    user = who.require_operator()
    buyer = own_account(s, who)
    _require_funds(s, rules, buyer, listing_id, quantity_t)
    trade = listings.purchase(s, rules, listing_id, buyer, quantity_t, by_id=user.id, now=now)
    bought = s.scalars(
        select(Holding.id).where(
            Holding.participant_id == buyer.id,
            Holding.issuance_id == trade.issuance_id,
            Holding.first_unit == trade.first_unit,
            Holding.last_unit == trade.last_unit,
        )
    ).one()  # settlement gives the buyer a holding of exactly the units traded
    moved = holdings.to_inventory(
        s,
        who,
        bought,
        trade.quantity_t,
        acquisition_cost_fen=trade.amount_fen + trade.buyer_fee_fen,
        price_fen_per_t=sale_price_fen_per_t,
    )
    moved.lot.market_trade_id = trade.id
    s.flush()
    return Restocked(trade, moved.lot)
