"""Negotiated trades between two named participants.

- 大宗交易 (`block`): at least `MARKET_BLOCK_MIN_T` tonnes, within the block band. The
  proposer's side is set aside at once: a seller's units go into escrow, a buyer's funds
  (amount and buyer's fee) are frozen. The named counterparty accepts (it settles) or
  declines; the proposer may withdraw. Declining or withdrawing releases what was set aside.
- 协议转让 (`agreement`): a contract made off-screen, registered by one party with its
  reference and confirmed by the other, which settles it. Nothing is set aside meanwhile (our
  reading: the exchange registers an agreement the parties have made); the confirmation
  settles only if the seller still holds the units and the buyer has the funds, else 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core.clock import china_date
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.market import access, bands, calendar, funds, settlement
from backend.market.models import Deal, DealState, Mode, Side, Trade
from backend.market.rules import Rules, fee
from backend.registry import moves
from backend.registry.models import Holding, Issuance, TransferKind


@dataclass(frozen=True)
class NewDeal:
    mode: Mode
    side: Side  # the proposer's
    participant_id: int  # the proposer
    counterparty_id: int
    quantity_t: int
    price_fen_per_t: int
    holding_id: int | None = None  # a seller's: the units offered
    issuance_id: int | None = None  # a buyer's: what it wants
    contract_reference: str | None = None


@dataclass(frozen=True)
class DealView:
    deal: Deal
    trade: Trade | None


def propose(s: Session, who: Principal, rules: Rules, new: NewDeal, now: datetime) -> Deal:
    me, user = access.acting(s, who, new.participant_id)
    calendar.require_open(now, rules.sessions)
    if new.counterparty_id == me.id:
        raise ValidationFailed("counterparty_id", "market.counterparty_self")
    access.counterparty(s, new.counterparty_id)
    if new.mode == Mode.block and new.quantity_t < rules.block_min_t:
        raise ValidationFailed(
            "quantity_t", "market.block_below_threshold", block_min_t=rules.block_min_t
        )
    holding = _offered(s, new, me.id)
    issuance = holding.issuance if holding else _issuance(s, new.issuance_id)
    bands.check(
        s,
        rules,
        new.mode,
        issuance.standard,
        settlement.product_type(issuance),
        china_date(now),
        new.price_fen_per_t,
    )
    seller, buyer = me.id, new.counterparty_id
    if new.side == Side.buyer:
        seller, buyer = buyer, seller
    deal = Deal(
        mode=new.mode,
        proposer=new.side,
        seller_id=seller,
        buyer_id=buyer,
        issuance_id=issuance.id,
        quantity_t=new.quantity_t,
        price_fen_per_t=new.price_fen_per_t,
        contract_reference=new.contract_reference,
        proposed_by_id=user.id,
        proposed_at=now,
    )
    s.add(deal)
    s.flush()
    if new.mode == Mode.block:
        _set_aside(s, rules, deal, holding, user.id)
    return deal


def _offered(s: Session, new: NewDeal, me: int) -> Holding | None:
    """The seller's holding named by a seller's proposal (locked), else None."""
    if new.side == Side.buyer:
        if new.issuance_id is None:
            raise ValidationFailed("issuance_id", "market.issuance_required")
        return None
    if new.holding_id is None:
        raise ValidationFailed("holding_id", "market.holding_required")
    return moves.held_by(s, new.holding_id, me, new.quantity_t)


def _issuance(s: Session, issuance_id: int | None) -> Issuance:
    found = s.get(Issuance, issuance_id) if issuance_id is not None else None
    if found is None:
        raise ValidationFailed("issuance_id", "market.no_such_issuance")
    return found


def _set_aside(s: Session, rules: Rules, deal: Deal, holding: Holding | None, by_id: int) -> None:
    if holding is not None:
        moved = moves.take_first(
            s, TransferKind.escrow, holding, deal.quantity_t, moves.escrow_id(s), by_id
        )
        deal.escrow_first_unit, deal.escrow_last_unit = moved.first_unit, moved.last_unit
    else:
        amount = deal.quantity_t * deal.price_fen_per_t
        deal.frozen_fen = amount + fee(amount, rules.buyer_fee_bps)
        funds.freeze(s, deal.buyer_id, deal.frozen_fen, deal.id, by_id)
    s.flush()


def _locked(s: Session, mode: Mode, deal_id: int) -> Deal:
    deal = s.get(Deal, deal_id, with_for_update=True, populate_existing=True)
    if deal is None or deal.mode != mode:
        raise NotFound("market.no_such_deal")
    return deal


def _counterparty(deal: Deal) -> int:
    return deal.buyer_id if deal.proposer == Side.seller else deal.seller_id


def _proposer(deal: Deal) -> int:
    return deal.seller_id if deal.proposer == Side.seller else deal.buyer_id


def move(
    s: Session, who: Principal, rules: Rules, mode: Mode, deal_id: int, to: DealState, now: datetime
) -> DealView:
    """Accept (`settled`) or decline (the counterparty), or withdraw (the proposer)."""
    deal = _locked(s, mode, deal_id)
    party = _proposer(deal) if to == DealState.withdrawn else _counterparty(deal)
    _, user = access.acting(s, who, party)
    if deal.state != DealState.proposed:
        raise Conflict("market.deal_closed", params={"state": deal.state.value})
    trade = None
    if to == DealState.settled:
        calendar.require_open(now, rules.sessions)
        trade = _settle(s, rules, deal, user.id, now)
    else:
        _release(s, deal, user.id)
    deal.state = to
    deal.closed_at = now
    s.flush()
    return DealView(deal, trade)


def _settle(s: Session, rules: Rules, deal: Deal, by_id: int, now: datetime) -> Trade:
    issuance = s.get_one(Issuance, deal.issuance_id)
    if deal.escrow_first_unit is not None:
        source, first = moves.escrow_id(s), deal.escrow_first_unit
    else:
        holding = s.scalars(
            select(Holding)
            .where(
                Holding.participant_id == deal.seller_id,
                Holding.issuance_id == deal.issuance_id,
                Holding.last_unit - Holding.first_unit + 1 >= deal.quantity_t,
            )
            .order_by(Holding.first_unit)
            .limit(1)
            .with_for_update()
        ).first()
        if holding is None:
            raise Conflict("market.seller_lacks_units")
        source, first = deal.seller_id, holding.first_unit
    return settlement.settle(
        s,
        rules,
        settlement.Delivery(
            mode=deal.mode,
            issuance=issuance,
            seller_id=deal.seller_id,
            buyer_id=deal.buyer_id,
            from_participant_id=source,
            first_unit=first,
            quantity_t=deal.quantity_t,
            price_fen_per_t=deal.price_fen_per_t,
            buyer_frozen_fen=deal.frozen_fen,
            deal_id=deal.id,
        ),
        by_id=by_id,
        now=now,
    )


def _release(s: Session, deal: Deal, by_id: int) -> None:
    if deal.escrow_first_unit is not None and deal.escrow_last_unit is not None:
        moves.move(
            s,
            TransferKind.release,
            issuance_id=deal.issuance_id,
            from_participant_id=moves.escrow_id(s),
            to_participant_id=deal.seller_id,
            first_unit=deal.escrow_first_unit,
            last_unit=deal.escrow_last_unit,
            by_id=by_id,
        )
    if deal.frozen_fen:
        funds.release(s, deal.buyer_id, deal.frozen_fen, deal.id, by_id)


def view(s: Session, deal: Deal) -> DealView:
    return DealView(deal, s.scalar(select(Trade).where(Trade.deal_id == deal.id)))
