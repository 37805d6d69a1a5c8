"""冲正: an operator reverses a trade with new, linked entries; the trade row never changes.

In the caller's transaction, all of it or nothing: the trade's units go back from the buyer to
the seller (a registry move of kind `trade`, so `flask registry check` replays it like any
other), and every funds posting of the trade is posted again with the opposite sign, as the
reversal kinds (`REVERSAL_KINDS`, naming the trade): the buyer gets the amount and its fee
back, the seller pays back the amount less its fee, the fee account pays back both fees. The
frozen amounts the trade spent are not frozen again.

409 when it cannot be done whole: the trade is reversed already (the database's UNIQUE
`trade_id` refuses a second one too), the buyer no longer holds exactly those units (resold,
listed, moved), or the seller's available funds do not cover what it pays back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core import uow
from backend.core.errors import Conflict, NotFound
from backend.market import funds
from backend.market.funds import Posting
from backend.market.models import REVERSAL_KINDS, EntryKind, FundsEntry, Trade, TradeReversal
from backend.registry import moves
from backend.registry.models import TransferKind

OPPOSITE = {
    EntryKind.trade_debit: EntryKind.reversal_credit,
    EntryKind.trade_credit: EntryKind.reversal_debit,
    EntryKind.fee: EntryKind.fee_refund,
    EntryKind.fee_income: EntryKind.fee_reversal,
}


def reverse(s: Session, who: Principal, number: str, reason: str, now: datetime) -> Trade:
    """Reverse trade `number` (operators); the trade, now with its reversal."""
    user = who.require_operator()
    t = s.scalar(select(Trade).where(Trade.number == number))
    if t is None:
        raise NotFound("market.no_such_trade")
    if t.reversal is not None:
        raise Conflict("market.trade_reversed", params={"number": t.number})
    postings = negated(s, t)
    _require_seller_funds(s, t, postings)
    try:
        transfer = moves.move(
            s,
            TransferKind.trade,
            issuance_id=t.issuance_id,
            from_participant_id=t.buyer_id,
            to_participant_id=t.seller_id,
            first_unit=t.first_unit,
            last_unit=t.last_unit,
            by_id=user.id,
        )
    except Conflict as e:
        if e.code != "registry.units_not_held":
            raise
        if s.scalar(select(TradeReversal.id).where(TradeReversal.trade_id == t.id)):
            # another operator reversed it meanwhile: the units went back by that reversal
            raise Conflict("market.trade_reversed", params={"number": t.number}) from e
        raise Conflict(
            "market.reversal_units_not_held",
            params={"number": t.number, "serial_range": t.serial_range, "quantity_t": t.quantity_t},
        ) from e
    r = TradeReversal(trade_id=t.id, reason=reason, transfer_id=transfer.id, by_id=user.id, at=now)
    try:
        with uow.savepoint(s):
            s.add(r)
            s.flush()
    except IntegrityError as e:  # reversed meanwhile by another operator
        raise Conflict("market.trade_reversed", params={"number": t.number}) from e
    funds.post(s, postings, trade_id=t.id, by_id=user.id)
    s.refresh(t, ["reversal"])
    return t


def negated(s: Session, t: Trade) -> list[Posting]:
    """Each balance posting of the trade, with the opposite sign and its reversal kind; within
    an account the credits come first (funds.post keeps their order), so a seller who had its
    fee charged gets it back before paying back the amount."""
    entries = s.scalars(
        select(FundsEntry).where(
            FundsEntry.trade_id == t.id,
            FundsEntry.kind.not_in(REVERSAL_KINDS),
            FundsEntry.balance_delta_fen != 0,
        )
    )
    out = [Posting(e.account_id, OPPOSITE[e.kind], -e.balance_delta_fen) for e in entries]
    return sorted(out, key=lambda p: -p.balance_delta_fen)


def _require_seller_funds(s: Session, t: Trade, postings: list[Posting]) -> None:
    acct = funds.find(s, t.seller_id)
    needed = -sum(p.balance_delta_fen for p in postings if p.account_id == acct.id)
    if needed > acct.available_fen:
        raise Conflict(
            "market.reversal_seller_short",
            params={"number": t.number, "needed": needed, "available": acct.available_fen},
        )
