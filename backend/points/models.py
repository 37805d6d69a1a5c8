"""Carbon-inclusion points: a double-entry ledger of accounts and append-only transfers.

Every transfer moves a positive amount from one account to another, so the ledger always sums
to zero: the system `issued` account goes negative by every point ever issued. A person's
`pending`, `wallet` accounts and the system `redeemed` and `expired` accounts can never go
negative (a CHECK constraint), and transfers can be neither updated nor deleted (triggers).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, str_enum, utcnow


class AccountKind(enum.StrEnum):
    issued = "issued"  # system: the source of every point (negative)
    pending = "pending"  # per person: earned, not yet confirmed
    wallet = "wallet"  # per person: spendable
    redeemed = "redeemed"  # system: spent on retired credits
    expired = "expired"  # system: expired by the rules


class TransferKind(enum.StrEnum):
    earn = "earn"  # issued -> pending
    confirm = "confirm"  # pending -> wallet
    reverse = "reverse"  # pending -> issued
    redeem = "redeem"  # wallet -> redeemed
    expire = "expire"  # wallet -> expired


SYSTEM = (AccountKind.issued, AccountKind.redeemed, AccountKind.expired)


class PointAccount(Base):
    __tablename__ = "point_accounts"
    __table_args__ = (
        CheckConstraint("kind = 'issued' OR balance >= 0", name="balance_not_negative"),
        CheckConstraint(
            "(user_id IS NULL) = (kind IN ('issued', 'redeemed', 'expired'))", name="owner"
        ),
        Index("uq_point_accounts_user_kind", "user_id", "kind", unique=True),
        Index(
            "uq_point_accounts_system_kind",
            "kind",
            unique=True,
            postgresql_where=text("user_id IS NULL"),
            sqlite_where=text("user_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[AccountKind] = mapped_column(str_enum(AccountKind, "point_account_kind", 10))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)


class PointTransfer(Base):
    """One double-entry movement; never changed, never deleted."""

    __tablename__ = "point_transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="two_accounts"),
        Index("ix_point_transfers_debit", "debit_account_id", "id"),
        Index("ix_point_transfers_credit", "credit_account_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[TransferKind] = mapped_column(str_enum(TransferKind, "point_transfer_kind", 10))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("point_accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("point_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(64), default="")  # action or redemption id
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
