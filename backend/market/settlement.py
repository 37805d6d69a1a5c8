"""Settlement (DvP): the units move to the buyer and the money to the seller, less fees to the
exchange's fee account, in the caller's transaction: all of it commits, or none of it.

The trade row is written once and never changed (triggers refuse UPDATE and DELETE). Its
成交编号 is `DD{yyyymmdd}{seq:06d}`, the trading day in China and that day's sequence (our
assumption: the exchange's format is not published)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from backend.core.clock import china_date
from backend.core.db import upsert
from backend.credits import serials
from backend.market import funds
from backend.market.funds import Posting
from backend.market.models import EntryKind, Mode, Trade, TradeCounter
from backend.market.rules import Rules, fee
from backend.registry import catalogue, moves
from backend.registry.models import Issuance, TransferKind


@dataclass(frozen=True)
class Delivery:
    """What is traded: `quantity_t` units of an issuance from `first_unit`, held by
    `from_participant_id` (the escrow account or the seller)."""

    mode: Mode
    issuance: Issuance
    seller_id: int
    buyer_id: int
    from_participant_id: int
    first_unit: int
    quantity_t: int
    price_fen_per_t: int
    buyer_frozen_fen: int = 0  # the buyer's funds frozen for this trade, now spent
    listing_id: int | None = None
    deal_id: int | None = None


def product_type(issuance: Issuance) -> str:
    return catalogue.methodologies()[issuance.project.methodology].project_type


def settle(s: Session, rules: Rules, d: Delivery, *, by_id: int, now: datetime) -> Trade:
    i = d.issuance
    first, last = d.first_unit, d.first_unit + d.quantity_t - 1
    transfer = moves.move(
        s,
        TransferKind.trade,
        issuance_id=i.id,
        from_participant_id=d.from_participant_id,
        to_participant_id=d.buyer_id,
        first_unit=first,
        last_unit=last,
        by_id=by_id,
    )
    amount = d.quantity_t * d.price_fen_per_t
    day = china_date(now)
    trade = Trade(
        number=f"DD{day:%Y%m%d}{_next_seq(s, day):06d}",
        mode=d.mode,
        standard=i.standard,
        project_type=product_type(i),
        project_id=i.project_id,
        issuance_id=i.id,
        vintage=i.vintage,
        province=i.project.province,
        seller_id=d.seller_id,
        buyer_id=d.buyer_id,
        quantity_t=d.quantity_t,
        price_fen_per_t=d.price_fen_per_t,
        amount_fen=amount,
        buyer_fee_fen=fee(amount, rules.buyer_fee_bps),
        seller_fee_fen=fee(amount, rules.seller_fee_bps),
        serial_range=serials.block(i.serial_range, i.first_unit, i.last_unit, first, last),
        first_unit=first,
        last_unit=last,
        listing_id=d.listing_id,
        deal_id=d.deal_id,
        transfer_id=transfer.id,
        trading_day=day,
        executed_at=now,
    )
    s.add(trade)
    s.flush()
    funds.post(s, _postings(s, trade, d.buyer_frozen_fen), trade_id=trade.id, by_id=by_id)
    return trade


def _postings(s: Session, t: Trade, frozen: int) -> list[Posting]:
    """The buyer pays amount and fee (first from what was frozen for it), the seller receives
    the amount less its fee, the fee account both fees."""
    buyer, seller = funds.account_id(s, t.buyer_id), funds.account_id(s, t.seller_id)
    spent_frozen = min(frozen, t.amount_fen)
    out = [
        Posting(buyer, EntryKind.trade_debit, -t.amount_fen, -spent_frozen),
        Posting(seller, EntryKind.trade_credit, t.amount_fen),
    ]
    if t.buyer_fee_fen:
        out.append(Posting(buyer, EntryKind.fee, -t.buyer_fee_fen, -(frozen - spent_frozen)))
    elif frozen > spent_frozen:
        out.append(Posting(buyer, EntryKind.release, 0, -(frozen - spent_frozen)))
    if t.seller_fee_fen:
        out.append(Posting(seller, EntryKind.fee, -t.seller_fee_fen))
    if t.buyer_fee_fen + t.seller_fee_fen:
        fees = funds.account_id(s, None)
        out.append(Posting(fees, EntryKind.fee_income, t.buyer_fee_fen + t.seller_fee_fen))
    return out


def _next_seq(s: Session, day: date) -> int:
    table = TradeCounter.__table__
    stmt = (
        upsert(s, table)
        .values(day=day, last_seq=1)
        .on_conflict_do_update(index_elements=["day"], set_={"last_seq": table.c.last_seq + 1})
        .returning(table.c.last_seq)
    )
    seq: int = s.execute(stmt).scalar_one()
    return seq
