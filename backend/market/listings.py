"""挂牌 and 定价点选: a seller sets tonnes of one holding aside in escrow at a price, with a
minimum lot; a buyer picks the listing and buys whole tonnes from the minimum (or what is left,
if less) up to what is left, at the listed price. Withdrawing returns what is left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.accounts.principal import Principal
from backend.core.clock import china_date
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.credits.models import Standard
from backend.market import access, bands, calendar, settlement
from backend.market.models import Listing, ListingState, Mode, Trade
from backend.market.rules import Rules
from backend.registry import moves
from backend.registry.models import Issuance, Participant, RegistryProject, TransferKind

PAGE = 200


@dataclass(frozen=True)
class NewListing:
    seller_id: int
    holding_id: int
    tonnes: int
    price_fen_per_t: int
    min_lot_t: int


@dataclass(frozen=True)
class ListingView:
    """A listing as anyone sees it: the seller is an organisation, never a person."""

    listing: Listing
    project: RegistryProject
    seller_name: str


def create(s: Session, who: Principal, rules: Rules, new: NewListing, now: datetime) -> Listing:
    seller, user = access.acting(s, who, new.seller_id)
    calendar.require_open(now, rules.sessions)
    if new.tonnes >= rules.block_min_t:
        raise ValidationFailed("tonnes", "market.listing_too_large", block_min_t=rules.block_min_t)
    if new.min_lot_t > new.tonnes:
        raise ValidationFailed("min_lot_t", "market.min_lot_above_tonnes")
    holding = moves.held_by(s, new.holding_id, seller.id, new.tonnes)
    issuance = holding.issuance
    ptype = settlement.product_type(issuance)
    bands.check(
        s, rules, Mode.listing, issuance.standard, ptype, china_date(now), new.price_fen_per_t
    )
    moved = moves.take_first(
        s, TransferKind.escrow, holding, new.tonnes, moves.escrow_id(s), user.id
    )
    listing = Listing(
        seller_id=seller.id,
        issuance_id=issuance.id,
        project_id=issuance.project_id,
        standard=issuance.standard,
        project_type=ptype,
        vintage=issuance.vintage,
        price_fen_per_t=new.price_fen_per_t,
        min_lot_t=new.min_lot_t,
        listed_t=new.tonnes,
        remaining_t=new.tonnes,
        first_unit=moved.first_unit,
        last_unit=moved.last_unit,
        created_by_id=user.id,
        created_at=now,
    )
    s.add(listing)
    s.flush()
    return listing


def _locked(s: Session, listing_id: int) -> Listing:
    listing = s.get(Listing, listing_id, with_for_update=True, populate_existing=True)
    if listing is None:
        raise NotFound("market.no_such_listing")
    return listing


def withdraw(s: Session, who: Principal, listing_id: int, now: datetime) -> Listing:
    """The seller takes back what is left (at any time: it only returns units)."""
    listing = _locked(s, listing_id)
    _, user = access.acting(s, who, listing.seller_id)
    if listing.state != ListingState.open:
        raise Conflict("market.listing_closed")
    moves.move(
        s,
        TransferKind.release,
        issuance_id=listing.issuance_id,
        from_participant_id=moves.escrow_id(s),
        to_participant_id=listing.seller_id,
        first_unit=listing.first_unit,
        last_unit=listing.last_unit,
        by_id=user.id,
    )
    listing.remaining_t = 0
    listing.state = ListingState.withdrawn
    listing.closed_at = now
    s.flush()
    return listing


def buy(
    s: Session,
    who: Principal,
    rules: Rules,
    listing_id: int,
    buyer_id: int,
    quantity_t: int,
    now: datetime,
) -> Trade:
    """定价点选: buy `quantity_t` whole tonnes of a listing at its price (409 if it has fewer
    left, or the buyer's funds do not cover amount and fee)."""
    buyer, user = access.acting(s, who, buyer_id)
    return purchase(s, rules, listing_id, buyer, quantity_t, by_id=user.id, now=now)


def purchase(
    s: Session,
    rules: Rules,
    listing_id: int,
    buyer: Participant,
    quantity_t: int,
    *,
    by_id: int,
    now: datetime,
) -> Trade:
    """The purchase itself, for a buyer the caller has authorised (`buy`, or the operator's
    restocking for 点点's own account: market/restock.py)."""
    calendar.require_open(now, rules.sessions)
    listing = _locked(s, listing_id)  # buyers of one listing queue here
    if listing.state != ListingState.open:
        raise Conflict("market.listing_closed")
    if listing.seller_id == buyer.id:
        raise Conflict("market.own_listing")
    if quantity_t > listing.remaining_t:
        raise Conflict("market.listing_too_small", params={"remaining_t": listing.remaining_t})
    smallest = min(listing.min_lot_t, listing.remaining_t)
    if quantity_t < smallest:
        raise ValidationFailed("quantity_t", "market.below_min_lot", min_lot_t=smallest)
    trade = settlement.settle(
        s,
        rules,
        settlement.Delivery(
            mode=Mode.listing,
            issuance=s.get_one(Issuance, listing.issuance_id),
            seller_id=listing.seller_id,
            buyer_id=buyer.id,
            from_participant_id=moves.escrow_id(s),
            first_unit=listing.first_unit,
            quantity_t=quantity_t,
            price_fen_per_t=listing.price_fen_per_t,
            listing_id=listing.id,
        ),
        by_id=by_id,
        now=now,
    )
    listing.remaining_t -= quantity_t
    listing.first_unit += quantity_t
    if listing.remaining_t == 0:
        listing.state = ListingState.sold_out
        listing.closed_at = now
    s.flush()
    return trade


def views(
    s: Session, *where: Any, order: tuple[Any, ...] = (Listing.price_fen_per_t, Listing.id)
) -> list[ListingView]:
    """Listings with their project and the seller organisation's name (the latest `PAGE`)."""
    q = (
        select(Listing, RegistryProject, Organisation.name)
        .join(RegistryProject, Listing.project_id == RegistryProject.id)
        .join(Participant, Listing.seller_id == Participant.id)
        .join(Organisation, Participant.organisation_id == Organisation.id)
        .where(*where)
        .order_by(*order)
        .limit(PAGE)
    )
    return [ListingView(listing, p, name) for listing, p, name in s.execute(q)]


def public(
    s: Session, standard: Standard | None = None, project_type: str | None = None
) -> list[ListingView]:
    """Open listings, cheapest first, with their project and the seller organisation's name."""
    where = [Listing.state == ListingState.open]
    if standard is not None:
        where.append(Listing.standard == standard)
    if project_type is not None:
        where.append(Listing.project_type == project_type)
    return views(s, *where)


def view(s: Session, listing: Listing) -> ListingView:
    [found] = views(s, Listing.id == listing.id)
    return found
