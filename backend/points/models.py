"""Carbon-inclusion points: a double-entry ledger of accounts and append-only transfers.

Every transfer moves a positive amount from one account to another, so the ledger always sums
to zero: the system `issued` account stands at minus every point ever issued. A person's
`pending` and `wallet` balances are stored and can never go negative (a CHECK constraint backs
the conditional updates); the system accounts' balances are derived from their transfers (their
column stays 0). Transfers can be neither updated nor deleted (triggers).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import Organisation
from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum


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


class ActionSource(enum.StrEnum):
    partner = "partner"  # reported by a transit operator, bike-share company or venue
    self = "self"  # a venue QR scanned by the citizen


class ActionStatus(enum.StrEnum):
    pending = "pending"  # points in `pending` until the confirmation window closes
    confirmed = "confirmed"  # points moved to the wallet
    reversed = "reversed"  # withdrawn by the partner inside the window


_LIVE_TRIP = text("status <> 'reversed' AND trip_key IS NOT NULL")


class GreenAction(Base):
    """One reported action and the points it earned; the points themselves live in the ledger."""

    __tablename__ = "green_actions"
    __table_args__ = (
        CheckConstraint("units_milli > 0 AND points >= 0", name="amounts"),
        Index("uq_green_actions_partner_external", "partner_id", "external_id", unique=True),
        # one method per trip: a trip (or a venue-day) counts once, whoever reports it
        Index(
            "uq_green_actions_trip",
            "user_id",
            "trip_key",
            unique=True,
            postgresql_where=_LIVE_TRIP,
            sqlite_where=_LIVE_TRIP,
        ),
        Index("ix_green_actions_user_day", "user_id", "occurred_on", "type"),
        Index("ix_green_actions_status_confirm", "status", "confirm_after"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    type: Mapped[str] = mapped_column(String(16))
    source: Mapped[ActionSource] = mapped_column(str_enum(ActionSource, "action_source", 8))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    external_id: Mapped[str | None] = mapped_column(String(100))
    trip_key: Mapped[str | None] = mapped_column(String(120))
    units_milli: Mapped[int] = mapped_column(BigInteger)  # thousandths of km, steps, check-ins
    replaces: Mapped[str | None] = mapped_column(String(16))  # what a bike ride or walk replaced
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    occurred_on: Mapped[str] = mapped_column(String(10))  # the Chengdu date, for daily caps
    points: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus, "action_status", 10))
    confirm_after: Mapped[datetime] = mapped_column(UTCDateTime())
    methodology: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    bonus: Mapped[Bonus | None] = relationship(lazy="selectin", viewonly=True)


class PointsPartner(Base):
    """An organisation allowed to report actions, with its HMAC signing secret (encrypted)."""

    __tablename__ = "points_partners"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    secret_encrypted: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Redemption(Base):
    """Points spent on credits retired for the citizen, with the certificate it issued."""

    __tablename__ = "point_redemptions"
    __table_args__ = (CheckConstraint("points > 0 AND mass_g > 0", name="amounts"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    points: Mapped[int] = mapped_column(BigInteger)
    mass_g: Mapped[int] = mapped_column(BigInteger)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), unique=True)
    certificate_number: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VenueKind(enum.StrEnum):
    greenway = "greenway"  # 绿道
    linpan = "linpan"  # 川西林盘
    park = "park"
    venue = "venue"  # a low-carbon venue: a library, a stadium, an exhibition hall


class Venue(Base):
    """A low-carbon venue where citizens check in by scanning its rotating code, shown by the
    staff of its organisation; the code is signed with the venue's secret (sealed)."""

    __tablename__ = "venues"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[VenueKind] = mapped_column(str_enum(VenueKind, "venue_kind", 10))
    secret_sealed: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- sponsors and rewards (issue 21) -------------------------------------------------------


class FundingKind(enum.StrEnum):
    money = "money"  # fen paid by the sponsor, points at the configured rate
    credits = "credits"  # grams of the sponsor's credits, 1 point a gram
    opening = "opening"  # points issued before sponsors existed (migration 0023), no sponsor


class Pool(Base):
    """The one row of points funded by sponsors and not yet earned. Triggers keep it: a
    funding adds its points, an `earn` transfer takes its amount, a `reverse` gives it back;
    the CHECK refuses to go below zero, so what was ever earned never exceeds what was funded."""

    __tablename__ = "point_pool"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint("balance >= 0", name="balance_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)


class Sponsor(Base):
    """An organisation that funds the rewards budget, enrolled by an operator."""

    __tablename__ = "point_sponsors"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), primary_key=True
    )
    enrolled_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class SponsorCredits(Base):
    """Grams of a sponsor's credits of one project, funded and not yet retired for its offset
    rewards: an offset takes its grams here first (never below zero), then retires them."""

    __tablename__ = "point_sponsor_credits"
    __table_args__ = (CheckConstraint("left_g >= 0", name="left_not_negative"),)

    sponsor_id: Mapped[int] = mapped_column(
        ForeignKey("point_sponsors.organisation_id"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    left_g: Mapped[int] = mapped_column(BigInteger, default=0)


class Funding(Base):
    """One funding of the pool, with the points it granted (its `fund` transfer carries the
    same amount, reference `funding:<id>`). Append-only."""

    __tablename__ = "point_fundings"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint(
            "(kind = 'money') = (amount_fen IS NOT NULL AND points_per_fen IS NOT NULL)",
            name="money",
        ),
        CheckConstraint(
            "(kind = 'credits') = (mass_g IS NOT NULL AND project_id IS NOT NULL)"
            " AND (mass_g IS NULL OR mass_g = points)",
            name="credits",
        ),
        CheckConstraint("(kind = 'opening') = (sponsor_id IS NULL)", name="sponsor"),
        CheckConstraint("amount_fen IS NULL OR amount_fen > 0", name="amount_positive"),
        Index("ix_point_fundings_sponsor", "sponsor_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("point_sponsors.organisation_id"))
    kind: Mapped[FundingKind] = mapped_column(str_enum(FundingKind, "funding_kind", 10))
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    points_per_fen: Mapped[int | None] = mapped_column(Integer)
    mass_g: Mapped[int | None] = mapped_column(BigInteger)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    points: Mapped[int] = mapped_column(BigInteger)
    funded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    funded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    memo: Mapped[str] = mapped_column(String(200), default="")


class RewardKind(enum.StrEnum):
    coupon = "coupon"  # a coupon code at the sponsor's shops
    transit = "transit"  # a ride credit through a transit partner
    ticket = "ticket"  # a venue ticket
    offset = "offset"  # credits retired from the sponsor's, with a personal certificate


class Reward(Base):
    """One item of the catalogue: what it costs in points and how many are left (never
    negative). An offset retires `price_points` grams of the sponsor's credits of `project_id`."""

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_points > 0", name="price_positive"),
        CheckConstraint("(kind = 'offset') = (project_id IS NOT NULL)", name="offset_project"),
        CheckConstraint("valid_until > valid_from", name="validity"),
        Index("ix_rewards_sponsor", "sponsor_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("point_sponsors.organisation_id"))
    kind: Mapped[RewardKind] = mapped_column(str_enum(RewardKind, "reward_kind", 10))
    title_zh: Mapped[str] = mapped_column(String(100))
    title_en: Mapped[str] = mapped_column(String(100))
    price_points: Mapped[int] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(BigInteger)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sponsor: Mapped[Sponsor] = relationship()


class RewardRedemption(Base):
    """Points spent on one reward: a code a merchant honours once, or (an offset) the
    certificate of the credits retired."""

    __tablename__ = "reward_redemptions"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("(code IS NULL) <> (certificate_number IS NULL)", name="code_or_cert"),
        Index("ix_reward_redemptions_user", "user_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    reward_id: Mapped[str] = mapped_column(ForeignKey("rewards.id"), index=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("point_sponsors.organisation_id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    points: Mapped[int] = mapped_column(BigInteger)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    certificate_number: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Honour(Base):
    """A redemption code honoured by a merchant of the sponsor: UNIQUE on the redemption, so
    once ever; append-only."""

    __tablename__ = "reward_honours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    redemption_id: Mapped[str] = mapped_column(ForeignKey("reward_redemptions.id"), unique=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("point_sponsors.organisation_id"))
    honoured_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    honoured_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SponsorBudget(Base):
    """What a sponsor may still award as bonuses: the points of its fundings less the bonuses
    it awarded. Triggers keep it (migration 0026): a sponsor's enrolment opens it at 0, its
    fundings add, its bonuses take; the CHECK refuses to go below zero."""

    __tablename__ = "point_sponsor_budgets"
    __table_args__ = (CheckConstraint("bonus_left >= 0", name="bonus_left_not_negative"),)

    sponsor_id: Mapped[int] = mapped_column(
        ForeignKey("point_sponsors.organisation_id"), primary_key=True
    )
    bonus_left: Mapped[int] = mapped_column(BigInteger, default=0)


class Bonus(Base):
    """Points a sponsor awarded a citizen for a reason: its green action (type `bonus`, 0 g
    CO2e, confirmed at once) carries the points; this row the sponsor and the reason.
    Append-only; its insert takes the points from the sponsor's `SponsorBudget`."""

    __tablename__ = "point_bonuses"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_point_bonuses_sponsor", "sponsor_id", "awarded_at"),
    )

    action_id: Mapped[str] = mapped_column(ForeignKey("green_actions.id"), primary_key=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("point_sponsors.organisation_id"))
    points: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(100))
    awarded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sponsor: Mapped[Sponsor] = relationship(lazy="joined")


class CodeRefusal(Base):
    """A merchant's refused honour of a reward code (unknown, another sponsor's, already
    honoured): who tried which code, when, and why. Append-only."""

    __tablename__ = "reward_code_refusals"
    __table_args__ = (Index("ix_reward_code_refusals_sponsor", "sponsor_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("point_sponsors.organisation_id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    code: Mapped[str] = mapped_column(String(40))  # as normalised, cut to 40 characters
    reason: Mapped[str] = mapped_column(String(40))  # the refusal's problem slug
    message: Mapped[str] = mapped_column(String(80))  # its message code
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
