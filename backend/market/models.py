"""The market: funds accounts and their append-only entries, listings (挂牌), negotiated deals
(大宗交易 and 协议转让), and the immutable trades they settle into.

What the database itself enforces (migration `0030_market`):
- a funds account's balance and frozen amount are never negative, and frozen never exceeds the
  balance (CHECKs), so no trade or withdrawal can overdraw it;
- entries and trades are never changed or deleted (triggers), and a bank reference is credited
  once (UNIQUE `kind, bank_reference`);
- a listing never sells more than it listed, and is open exactly while it has tonnes left.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    exists,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum
from backend.credits.models import Standard
from backend.registry.models import RegistryProject

TITLE_MAX = 100  # an announcement's title, characters (our assumption)
BODY_MAX = 4000  # its body (our assumption)


class AccountKind(enum.StrEnum):
    participant = "participant"
    fees = "fees"  # the exchange's fee income


class EntryKind(enum.StrEnum):
    deposit = "deposit"
    withdrawal = "withdrawal"
    freeze = "freeze"
    release = "release"
    trade_debit = "trade_debit"  # the buyer pays the amount
    trade_credit = "trade_credit"  # the seller receives it
    fee = "fee"  # a party's fee
    fee_income = "fee_income"  # the fee account receives a trade's fees
    # a reversal (冲正) posts each of its trade's postings again with the opposite sign
    reversal_credit = "reversal_credit"  # the buyer gets the amount back
    reversal_debit = "reversal_debit"  # the seller pays it back
    fee_refund = "fee_refund"  # a party's fee back
    fee_reversal = "fee_reversal"  # the fee account pays the trade's fees back


REVERSAL_KINDS = (
    EntryKind.reversal_credit,
    EntryKind.reversal_debit,
    EntryKind.fee_refund,
    EntryKind.fee_reversal,
)
REASON_MAX = 500  # a reversal's reason, characters (our assumption)


class Mode(enum.StrEnum):
    listing = "listing"  # 定价点选: a buyer picks a listing
    block = "block"  # 大宗交易
    agreement = "agreement"  # 协议转让


class ListingState(enum.StrEnum):
    open = "open"
    sold_out = "sold_out"
    withdrawn = "withdrawn"


class DealState(enum.StrEnum):
    proposed = "proposed"
    settled = "settled"
    declined = "declined"
    withdrawn = "withdrawn"


class Side(enum.StrEnum):
    seller = "seller"
    buyer = "buyer"


class FundsAccount(Base):
    """A participant's money at the exchange, in fen (or the exchange's fee account)."""

    __tablename__ = "market_funds_accounts"
    __table_args__ = (
        CheckConstraint("balance_fen >= 0", name="balance_not_negative"),
        CheckConstraint("frozen_fen >= 0", name="frozen_not_negative"),
        CheckConstraint("frozen_fen <= balance_fen", name="frozen_within_balance"),
        CheckConstraint(
            "(kind = 'fees') = (participant_id IS NULL)", name="participant_iff_not_fees"
        ),
        UniqueConstraint("kind", "participant_id"),
        Index(
            "ux_market_funds_accounts_one_fee_account",
            "kind",
            unique=True,
            sqlite_where=text("kind = 'fees'"),
            postgresql_where=text("kind = 'fees'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[AccountKind] = mapped_column(str_enum(AccountKind, "funds_account_kind"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    frozen_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def available_fen(self) -> int:
        return self.balance_fen - self.frozen_fen


class FundsEntry(Base):
    """One change of an account: to its balance and to its frozen amount. Append-only: the
    account is the sum of its entries."""

    __tablename__ = "market_funds_entries"
    __table_args__ = (
        UniqueConstraint("kind", "bank_reference"),
        CheckConstraint(
            "(kind IN ('deposit', 'trade_credit', 'fee_income', 'reversal_credit', 'fee_refund')"
            " AND balance_delta_fen > 0 AND frozen_delta_fen = 0)"
            " OR (kind IN ('withdrawal', 'trade_debit', 'fee') AND balance_delta_fen < 0)"
            " OR (kind IN ('reversal_debit', 'fee_reversal')"
            " AND balance_delta_fen < 0 AND frozen_delta_fen = 0)"
            " OR (kind = 'freeze' AND balance_delta_fen = 0 AND frozen_delta_fen > 0)"
            " OR (kind = 'release' AND balance_delta_fen = 0 AND frozen_delta_fen < 0)",
            name="signs",
        ),
        CheckConstraint(
            "(kind IN ('deposit', 'withdrawal')) = (bank_reference IS NOT NULL)",
            name="bank_reference_iff_bank",
        ),
        Index("ix_market_funds_entries_account", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("market_funds_accounts.id", ondelete="RESTRICT")
    )
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, "funds_entry_kind"))
    balance_delta_fen: Mapped[int] = mapped_column(BigInteger)
    frozen_delta_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # the trade it settles, or (kinds `REVERSAL_KINDS`) the trade its reversal undoes
    trade_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_trades.id", ondelete="RESTRICT"), index=True
    )
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("market_deals.id", ondelete="RESTRICT"))
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Listing(Base):
    """挂牌: tonnes of one issuance set aside in escrow (units `first_unit`..`last_unit` are
    the ones left) at a price, sold to buyers in whole tonnes from `min_lot_t`."""

    __tablename__ = "market_listings"
    __table_args__ = (
        CheckConstraint("price_fen_per_t > 0", name="price_positive"),
        CheckConstraint("min_lot_t >= 1 AND min_lot_t <= listed_t", name="min_lot"),
        CheckConstraint("remaining_t >= 0 AND remaining_t <= listed_t", name="remaining"),
        CheckConstraint(
            "(state = 'open') = (remaining_t > 0)"
            " AND (remaining_t = 0 OR last_unit - first_unit + 1 = remaining_t)",
            name="open_iff_remaining",
        ),
        Index("ix_market_listings_product", "state", "standard", "project_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seller_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT"), index=True
    )
    issuance_id: Mapped[int] = mapped_column(
        ForeignKey("registry_issuances.id", ondelete="RESTRICT")
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("registry_projects.id", ondelete="RESTRICT"))
    standard: Mapped[Standard] = mapped_column(str_enum(Standard, "listing_standard"))
    project_type: Mapped[str] = mapped_column(String(32))
    vintage: Mapped[int] = mapped_column(Integer)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    min_lot_t: Mapped[int] = mapped_column(BigInteger)
    listed_t: Mapped[int] = mapped_column(BigInteger)
    remaining_t: Mapped[int] = mapped_column(BigInteger)
    first_unit: Mapped[int] = mapped_column(BigInteger)
    last_unit: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[ListingState] = mapped_column(
        str_enum(ListingState, "listing_state"), default=ListingState.open
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Deal(Base):
    """A negotiated trade between two named participants: a 大宗交易 proposed by one side and
    accepted by the other (the seller's units in escrow, or the buyer's funds frozen, while it
    is proposed), or a 协议转让 agreed off-screen, registered by one side and confirmed by the
    other."""

    __tablename__ = "market_deals"
    __table_args__ = (
        CheckConstraint("seller_id <> buyer_id", name="two_parties"),
        CheckConstraint("quantity_t > 0 AND price_fen_per_t > 0", name="positive"),
        CheckConstraint("mode IN ('block', 'agreement')", name="negotiated_mode"),
        CheckConstraint(
            "(mode = 'agreement') = (contract_reference IS NOT NULL)", name="contract_iff_agreement"
        ),
        CheckConstraint("frozen_fen >= 0", name="frozen_not_negative"),
        Index("ix_market_deals_parties", "seller_id", "buyer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[Mode] = mapped_column(str_enum(Mode, "deal_mode"))
    proposer: Mapped[Side] = mapped_column(str_enum(Side, "deal_side"))
    seller_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    issuance_id: Mapped[int] = mapped_column(
        ForeignKey("registry_issuances.id", ondelete="RESTRICT")
    )
    quantity_t: Mapped[int] = mapped_column(BigInteger)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    contract_reference: Mapped[str | None] = mapped_column(String(64))
    # what is set aside while it is proposed: the seller's units in escrow, or the buyer's funds
    escrow_first_unit: Mapped[int | None] = mapped_column(BigInteger)
    escrow_last_unit: Mapped[int | None] = mapped_column(BigInteger)
    frozen_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[DealState] = mapped_column(
        str_enum(DealState, "deal_state"), default=DealState.proposed
    )
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TradeCounter(Base):
    """The last 成交编号 sequence of a China trading day."""

    __tablename__ = "market_trade_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Trade(Base):
    """One settled trade (成交), never changed: corrections are new entries. Indexed by product
    and time, for market data and the report."""

    __tablename__ = "market_trades"
    __table_args__ = (
        CheckConstraint("quantity_t > 0 AND price_fen_per_t > 0", name="positive"),
        CheckConstraint("amount_fen = quantity_t * price_fen_per_t", name="amount"),
        CheckConstraint("buyer_fee_fen >= 0 AND seller_fee_fen >= 0", name="fees_not_negative"),
        CheckConstraint("last_unit - first_unit + 1 = quantity_t", name="units"),
        CheckConstraint("seller_id <> buyer_id", name="two_parties"),
        Index("ix_market_trades_product_time", "standard", "project_type", "executed_at"),
        Index("ix_market_trades_seller", "seller_id", "id"),
        Index("ix_market_trades_buyer", "buyer_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 成交编号
    mode: Mapped[Mode] = mapped_column(str_enum(Mode, "trade_mode"))
    standard: Mapped[Standard] = mapped_column(str_enum(Standard, "trade_standard"))
    project_type: Mapped[str] = mapped_column(String(32))
    project_id: Mapped[int] = mapped_column(ForeignKey("registry_projects.id", ondelete="RESTRICT"))
    issuance_id: Mapped[int] = mapped_column(
        ForeignKey("registry_issuances.id", ondelete="RESTRICT")
    )
    vintage: Mapped[int] = mapped_column(Integer)
    province: Mapped[str] = mapped_column(String(6))
    seller_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    quantity_t: Mapped[int] = mapped_column(BigInteger)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    buyer_fee_fen: Mapped[int] = mapped_column(BigInteger)
    seller_fee_fen: Mapped[int] = mapped_column(BigInteger)
    serial_range: Mapped[str] = mapped_column(String(200))
    first_unit: Mapped[int] = mapped_column(BigInteger)
    last_unit: Mapped[int] = mapped_column(BigInteger)
    listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_listings.id", ondelete="RESTRICT"), index=True
    )
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("market_deals.id", ondelete="RESTRICT"))
    transfer_id: Mapped[int] = mapped_column(
        ForeignKey("registry_transfers.id", ondelete="RESTRICT"), unique=True
    )
    trading_day: Mapped[date] = mapped_column(Date)
    executed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # its project's names for the parties' lists: eager-loaded there (trades.of), read-only
    project: Mapped[RegistryProject] = relationship(viewonly=True)
    reversal: Mapped[TradeReversal | None] = relationship(
        viewonly=True, lazy="selectin", back_populates="trade"
    )

    @property
    def reversed(self) -> bool:
        return self.reversal is not None


class TradeReversal(Base):
    """冲正: an operator undid a trade with new entries (the trade row itself never changes).
    The units went back from the buyer to the seller by `transfer_id`, and each funds posting of
    the trade was posted again with the opposite sign (entries of `REVERSAL_KINDS` naming the
    trade). A trade is reversed at most once (UNIQUE `trade_id`); a reversal is not a trade, so
    it cannot itself be reversed. Append-only."""

    __tablename__ = "market_trade_reversals"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_not_empty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trade_id: Mapped[int] = mapped_column(
        ForeignKey("market_trades.id", ondelete="RESTRICT"), unique=True
    )
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    transfer_id: Mapped[int] = mapped_column(
        ForeignKey("registry_transfers.id", ondelete="RESTRICT"), unique=True
    )
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    trade: Mapped[Trade] = relationship(viewonly=True, back_populates="reversal")


def standing() -> ColumnElement[bool]:
    """Trades that stand: not reversed. Market data and the report count only these."""
    return ~exists().where(TradeReversal.trade_id == Trade.id)


# --- market data: announcements (公告) ---------------------------------------------------


class Announcement(Base):
    """A 公告 of the exchange: plain text in Chinese and English, published by an operator, and
    withdrawn (never deleted) when it no longer holds."""

    __tablename__ = "market_announcements"
    __table_args__ = (
        CheckConstraint(
            "length(title_zh) > 0 AND length(title_en) > 0"
            " AND length(body_zh) > 0 AND length(body_en) > 0",
            name="texts_not_empty",
        ),
        CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_at >= published_at", name="withdrawn_after"
        ),
        Index("ix_market_announcements_published", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_en: Mapped[str] = mapped_column(String(TITLE_MAX))
    body_zh: Mapped[str] = mapped_column(String(BODY_MAX))
    body_en: Mapped[str] = mapped_column(String(BODY_MAX))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
