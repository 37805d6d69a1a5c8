"""Funds accounts: each participant's money at the exchange in fen, and the exchange's fee
account. Every change is an append-only entry and one conditional UPDATE of the account, which
refuses (409) what would take the balance or the frozen amount below zero or freeze more than
the balance; the database's CHECKs refuse it too."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.core.db import upsert
from backend.core.errors import Conflict
from backend.market.models import AccountKind, EntryKind, FundsAccount, FundsEntry

RECENT = 50  # entries shown with an account


@dataclass(frozen=True)
class Posting:
    """One entry to write: what it does to one account."""

    account_id: int
    kind: EntryKind
    balance_delta_fen: int
    frozen_delta_fen: int = 0


def account_id(s: Session, participant_id: int | None) -> int:
    """The participant's account (None: the fee account), opened on first use."""
    kind = AccountKind.fees if participant_id is None else AccountKind.participant
    s.execute(
        upsert(s, FundsAccount.__table__)
        .values(kind=kind.value, participant_id=participant_id, balance_fen=0, frozen_fen=0)
        .on_conflict_do_nothing()
    )
    found: int = s.scalars(
        select(FundsAccount.id).where(
            FundsAccount.kind == kind,
            FundsAccount.participant_id.is_(None)
            if participant_id is None
            else FundsAccount.participant_id == participant_id,
        )
    ).one()
    return found


def find(s: Session, participant_id: int) -> FundsAccount:
    """The participant's account as it stands (read only: an unopened one is empty)."""
    found = s.scalar(
        select(FundsAccount).where(
            FundsAccount.kind == AccountKind.participant,
            FundsAccount.participant_id == participant_id,
        )
    )
    return found or FundsAccount(
        kind=AccountKind.participant, participant_id=participant_id, balance_fen=0, frozen_fen=0
    )


def post(
    s: Session,
    postings: list[Posting],
    *,
    trade_id: int | None = None,
    deal_id: int | None = None,
    bank_reference: str | None = None,
    by_id: int | None = None,
) -> list[FundsEntry]:
    """Apply postings in account order (so two transactions never wait on each other's
    accounts in opposite orders) and write their entries; 409 `market.insufficient_funds` if
    one account cannot take its posting."""
    entries = []
    for p in sorted(postings, key=lambda p: p.account_id):
        balance, frozen = FundsAccount.balance_fen, FundsAccount.frozen_fen
        done = s.execute(
            update(FundsAccount)
            .where(
                FundsAccount.id == p.account_id,
                balance + p.balance_delta_fen >= 0,
                frozen + p.frozen_delta_fen >= 0,
                frozen + p.frozen_delta_fen <= balance + p.balance_delta_fen,
            )
            .values(
                balance_fen=balance + p.balance_delta_fen,
                frozen_fen=frozen + p.frozen_delta_fen,
            )
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            acct = s.get_one(FundsAccount, p.account_id, populate_existing=True)
            raise Conflict(
                "market.insufficient_funds",
                params={"available": acct.available_fen},
            )
        entry = FundsEntry(
            account_id=p.account_id,
            kind=p.kind,
            balance_delta_fen=p.balance_delta_fen,
            frozen_delta_fen=p.frozen_delta_fen,
            trade_id=trade_id,
            deal_id=deal_id,
            bank_reference=bank_reference,
            by_id=by_id,
        )
        s.add(entry)
        entries.append(entry)
    s.flush()
    return entries


def freeze(s: Session, participant_id: int, fen: int, deal_id: int, by_id: int) -> None:
    acct = account_id(s, participant_id)
    post(s, [Posting(acct, EntryKind.freeze, 0, fen)], deal_id=deal_id, by_id=by_id)


def release(s: Session, participant_id: int, fen: int, deal_id: int, by_id: int) -> None:
    acct = account_id(s, participant_id)
    post(s, [Posting(acct, EntryKind.release, 0, -fen)], deal_id=deal_id, by_id=by_id)


def recent(s: Session, acct_id: int | None) -> list[FundsEntry]:
    if acct_id is None:
        return []
    return list(
        s.scalars(
            select(FundsEntry)
            .where(FundsEntry.account_id == acct_id)
            .order_by(FundsEntry.id.desc())
            .limit(RECENT)
        )
    )
