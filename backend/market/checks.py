"""`flask market check`: the market's invariants, verified from the rows themselves, with the
registry's (units are conserved through escrow, trades and reversals)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.market.models import (
    REVERSAL_KINDS,
    AccountKind,
    Deal,
    DealState,
    EntryKind,
    FundsAccount,
    FundsEntry,
    Listing,
    ListingState,
    Trade,
    TradeReversal,
    standing,
)
from backend.registry import checks as registry_checks
from backend.registry import moves
from backend.registry.models import Holding, Participant, Transfer, TransferKind


def _accounts(s: Session) -> list[str]:
    out = []
    sums = {
        a: (int(b), int(f))
        for a, b, f in s.execute(
            select(
                FundsEntry.account_id,
                func.sum(FundsEntry.balance_delta_fen),
                func.sum(FundsEntry.frozen_delta_fen),
            ).group_by(FundsEntry.account_id)
        )
    }
    for acct in s.scalars(select(FundsAccount).order_by(FundsAccount.id)):
        want = sums.get(acct.id, (0, 0))
        if (acct.balance_fen, acct.frozen_fen) != want:
            out.append(
                f"funds account {acct.id}: balance/frozen {acct.balance_fen}/{acct.frozen_fen}"
                f" but its entries sum to {want[0]}/{want[1]}"
            )
    return out


def _total(s: Session, expr: Any, *where: Any) -> int:
    return int(s.scalar(select(func.coalesce(func.sum(expr), 0)).where(*where)) or 0)


def _money(s: Session) -> list[str]:
    """All balances = deposits − withdrawals; the fee account = the fees of the trades that
    stand (a reversal paid its trade's back); the
    frozen funds = those of open buyers' bids."""
    out = []
    banked = _total(
        s,
        FundsEntry.balance_delta_fen,
        FundsEntry.kind.in_([EntryKind.deposit, EntryKind.withdrawal]),
    )
    total = _total(s, FundsAccount.balance_fen)
    if total != banked:
        out.append(f"funds: accounts hold {total} fen, deposits less withdrawals are {banked}")
    fees = _total(s, Trade.buyer_fee_fen + Trade.seller_fee_fen, standing())
    fee_balance = _total(s, FundsAccount.balance_fen, FundsAccount.kind == AccountKind.fees)
    if fee_balance != fees:
        out.append(f"fee account holds {fee_balance} fen, trades charged {fees}")
    frozen = _total(s, FundsAccount.frozen_fen)
    open_bids = _total(s, Deal.frozen_fen, Deal.state == DealState.proposed)
    if frozen != open_bids:
        out.append(f"funds: {frozen} fen frozen, open block bids froze {open_bids}")
    return out


Legs = dict[int, dict[str, int]]


def _legs(s: Session) -> tuple[Legs, Legs]:
    """Per trade, what its entries did to each party's balance ("fees": the fee account):
    those settling it, and those reversing it."""
    legs: Legs = defaultdict(lambda: defaultdict(int))
    undone: Legs = defaultdict(lambda: defaultdict(int))
    kinds = dict(s.execute(select(FundsAccount.id, FundsAccount.kind)).all())
    owners = dict(s.execute(select(FundsAccount.id, FundsAccount.participant_id)).all())
    for e in s.scalars(select(FundsEntry).where(FundsEntry.trade_id.is_not(None))):
        who = "fees" if kinds[e.account_id] == AccountKind.fees else str(owners[e.account_id])
        (undone if e.kind in REVERSAL_KINDS else legs)[e.trade_id or 0][who] += e.balance_delta_fen
    return legs, undone


def _trades(s: Session) -> list[str]:
    """Each trade balances: the buyer paid amount + its fee, the seller got amount − its fee,
    the fee account both fees; its units went to the buyer by its transfer. A reversed trade's
    reversal entries are the exact negation of these, and its units went back to the seller by
    the reversal's transfer; no other trade has reversal entries."""
    out = []
    legs, undone = _legs(s)
    reversals = {r.trade_id: r for r in s.scalars(select(TradeReversal))}
    for t in s.scalars(select(Trade).order_by(Trade.id)):
        got = legs.get(t.id, {})
        want = {
            str(t.buyer_id): -(t.amount_fen + t.buyer_fee_fen),
            str(t.seller_id): t.amount_fen - t.seller_fee_fen,
        }
        if t.buyer_fee_fen + t.seller_fee_fen:
            want["fees"] = t.buyer_fee_fen + t.seller_fee_fen
        if dict(got) != want:
            out.append(f"trade {t.number}: legs {dict(got)} but should be {want}")
        if sum(got.values()) != 0:
            out.append(f"trade {t.number}: legs do not sum to zero")
        tr = s.get(Transfer, t.transfer_id)
        if tr is None or (tr.kind, tr.to_participant_id, tr.first_unit, tr.last_unit) != (
            TransferKind.trade,
            t.buyer_id,
            t.first_unit,
            t.last_unit,
        ):
            out.append(f"trade {t.number}: its transfer does not deliver its units")
        out += _reversal(s, t, reversals.get(t.id), dict(undone.get(t.id, {})), want)
    return out


def _reversal(
    s: Session, t: Trade, r: TradeReversal | None, got: dict[str, int], legs: dict[str, int]
) -> list[str]:
    if r is None:
        return [f"trade {t.number}: reversal entries {got} but no reversal"] if got else []
    out = []
    if got != {who: -fen for who, fen in legs.items()}:
        out.append(f"reversal of {t.number}: legs {got} are not the negation of {legs}")
    tr = s.get(Transfer, r.transfer_id)
    if tr is None or (
        tr.kind,
        tr.issuance_id,
        tr.from_participant_id,
        tr.to_participant_id,
        tr.first_unit,
        tr.last_unit,
    ) != (TransferKind.trade, t.issuance_id, t.buyer_id, t.seller_id, t.first_unit, t.last_unit):
        out.append(f"reversal of {t.number}: its transfer does not return the units")
    return out


def _escrow(s: Session) -> list[str]:
    """The escrow account holds exactly the units of open listings and open block offers. (The
    pledge custody account, `moves.CUSTODY_USCC`, is no market participant: its units are
    pledged, and `flask finance check` accounts for them.)"""
    escrow = s.scalar(select(Participant.id).where(Participant.uscc == moves.ESCROW_USCC))
    held = _blocks(
        s,
        select(Holding.issuance_id, Holding.first_unit, Holding.last_unit).where(
            Holding.participant_id == escrow
        ),
    )
    listed = _blocks(
        s,
        select(Listing.issuance_id, Listing.first_unit, Listing.last_unit).where(
            Listing.state == ListingState.open
        ),
    )
    offered = _blocks(
        s,
        select(Deal.issuance_id, Deal.escrow_first_unit, Deal.escrow_last_unit).where(
            Deal.state == DealState.proposed, Deal.escrow_first_unit.is_not(None)
        ),
    )
    if sorted(listed + offered) != held:
        return [f"escrow holds {held}, open listings and offers {sorted(listed + offered)}"]
    return []


def _blocks(s: Session, q: Any) -> list[tuple[int, int, int]]:
    return sorted((int(i), int(a), int(b)) for i, a, b in s.execute(q))


def violations(s: Session) -> list[str]:
    """Human-readable violations, the registry's included; empty means the market is sound."""
    return [
        *_accounts(s),
        *_money(s),
        *_trades(s),
        *_escrow(s),
        *registry_checks.violations(s),
    ]
