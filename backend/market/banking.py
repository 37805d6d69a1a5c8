"""Deposits and withdrawals through a bank-transfer interface, chosen by `MARKET_BANK`.

A deposit is credited when the bank confirms an incoming transfer by its reference, once per
reference (UNIQUE `kind, bank_reference` on the entries): confirming it again answers with the
same entry. A withdrawal is debited, then paid out by the bank.

The sandbox bank moves no money. Its incoming transfers are references that say what they are,
`SBX-{participant id}-{amount in fen}-{anything}`, so an operator or a test "makes" a transfer
by naming it; it pays out at once. It refuses to work in live mode.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Protocol

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.errors import Conflict, DomainError, NotFound
from backend.market import funds
from backend.market.funds import Posting
from backend.market.models import EntryKind, FundsEntry

MAX_FEN = 10**15  # ten trillion yuan: beyond any transfer, within BIGINT sums


@dataclass(frozen=True)
class Incoming:
    """A transfer the bank received for a participant's account."""

    reference: str
    participant_id: int
    amount_fen: int


class Bank(Protocol):
    name: str

    def incoming(self, reference: str) -> Incoming | None:
        """The bank's own record of an incoming transfer, or None if it has none."""

    def pay_out(self, participant_id: int, amount_fen: int, reference: str) -> str:
        """Pay to the participant's registered bank account; the bank's reference."""


class SandboxBank:
    name = "sandbox"
    PATTERN = re.compile(r"^SBX-(\d{1,12})-(\d{1,16})-[A-Za-z0-9]{1,30}$")

    def incoming(self, reference: str) -> Incoming | None:
        m = self.PATTERN.match(reference)
        if m is None:
            return None
        return Incoming(reference, int(m[1]), int(m[2]))

    def pay_out(self, participant_id: int, amount_fen: int, reference: str) -> str:
        return f"SBX-OUT-{reference}"


class BankUnavailable(DomainError):
    status, slug, title = 503, "bank-unavailable", "The bank is not available"


def current() -> Bank:
    if not current_app.config["SANDBOX"]:
        raise BankUnavailable("market.sandbox_bank_live")
    return SandboxBank()


@dataclass(frozen=True)
class Credited:
    entry: FundsEntry
    replayed: bool  # the reference was credited before: nothing new


def deposit(s: Session, bank: Bank, participant_id: int, reference: str, by_id: int) -> Credited:
    """Credit a confirmed incoming transfer, once per reference."""
    got = bank.incoming(reference)
    if got is None or got.participant_id != participant_id:
        raise NotFound("market.no_such_transfer")
    if not 0 < got.amount_fen <= MAX_FEN:
        raise Conflict("market.transfer_amount")
    before = _by_reference(s, reference)
    if before is not None:
        return Credited(before, True)
    acct = funds.account_id(s, participant_id)
    try:
        with uow.savepoint(s):
            [entry] = funds.post(
                s,
                [Posting(acct, EntryKind.deposit, got.amount_fen)],
                bank_reference=reference,
                by_id=by_id,
            )
    except IntegrityError:  # credited meanwhile by a concurrent confirmation
        twin = _by_reference(s, reference)
        assert twin is not None  # noqa: S101 - the unique key says so
        return Credited(twin, True)
    return Credited(entry, False)


def _by_reference(s: Session, reference: str) -> FundsEntry | None:
    return s.scalar(
        select(FundsEntry).where(
            FundsEntry.kind == EntryKind.deposit, FundsEntry.bank_reference == reference
        )
    )


def withdraw(
    s: Session, bank: Bank, participant_id: int, amount_fen: int, by_id: int
) -> FundsEntry:
    """Debit available funds and pay them out (409 if they are not available)."""
    acct = funds.account_id(s, participant_id)
    reference = "WD" + secrets.token_hex(8).upper()
    [entry] = funds.post(
        s, [Posting(acct, EntryKind.withdrawal, -amount_fen)], bank_reference=reference, by_id=by_id
    )
    bank.pay_out(participant_id, amount_fen, reference)
    return entry
