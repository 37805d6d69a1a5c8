"""CDCER pledges (质押): a holder's serial range frozen in the registry's custody account as
security for a loan from a financial institution, and every state change of it (append-only).

What the database itself enforces (migration `0034_finance_pledges`):
- a pledge names two different participants and a unit range, a positive loan amount, a rate
  and a term within bounds (CHECKs);
- the registry reference (质押登记编号) is unique, and present exactly when registered (and
  after: released or enforced);
- the units' freezing transfer is always linked; a closed pledge (released, declined,
  withdrawn, enforced) links the transfer that closed it, an open one none; a declined pledge
  has its reason;
- the units themselves are frozen by being in the custody account's holding: the registry's
  holding exclusion constraint and row locks keep them from anyone else (registry/moves.py);
- a block-trade sale is linked only to an enforced pledge;
- the events are append-only (triggers).
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
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum
from backend.credits import serials
from backend.registry.models import Issuance, Participant, Transfer

# Bounds of the loan terms we accept (our assumption, far beyond any real pledge loan): a
# 5,000,000,000.00 yuan loan, a 100 % annual rate, a 50-year term.
MAX_LOAN_FEN = 500_000_000_000
MAX_RATE_BPS = 10_000
MAX_TERM_MONTHS = 600
REFERENCE_PREFIX = "CDCER-ZY"


class PledgeState(enum.StrEnum):
    requested = "requested"  # units frozen at once; awaiting the pledgee's registration
    registered = "registered"  # the pledgee's admins approved: the pledge is registered
    released = "released"  # the loan repaid: units back to the pledgor
    enforced = "enforced"  # the pledgor defaulted: units to the pledgee
    declined = "declined"  # the pledgee refused the request (with a reason): units back
    withdrawn = "withdrawn"  # the pledgor withdrew it before registration: units back


OPEN = (PledgeState.requested, PledgeState.registered)
RETURNED = (PledgeState.released, PledgeState.declined, PledgeState.withdrawn)
CLOSED = (*RETURNED, PledgeState.enforced)


def _in(states: tuple[PledgeState, ...]) -> str:
    return "(state IN (" + ", ".join(f"'{s.value}'" for s in states) + "))"


class Pledge(Base):
    """One pledge of units `first_unit`..`last_unit` of an issuance, by the pledgor to the
    pledgee, for a loan."""

    __tablename__ = "finance_pledges"
    __table_args__ = (
        CheckConstraint("first_unit >= 1 AND last_unit >= first_unit", name="unit_range"),
        CheckConstraint("pledgor_id <> pledgee_id", name="two_parties"),
        CheckConstraint(
            f"loan_amount_fen > 0 AND loan_amount_fen <= {MAX_LOAN_FEN}", name="loan_amount"
        ),
        CheckConstraint(
            f"annual_rate_bps >= 0 AND annual_rate_bps <= {MAX_RATE_BPS}", name="annual_rate"
        ),
        CheckConstraint(f"term_months BETWEEN 1 AND {MAX_TERM_MONTHS}", name="term"),
        CheckConstraint(
            "(reference IS NOT NULL) = "
            + _in((PledgeState.registered, PledgeState.released, PledgeState.enforced)),
            name="reference_iff_registered",
        ),
        CheckConstraint(
            "(reference IS NULL) = (registered_at IS NULL)", name="registered_at_iff_reference"
        ),
        CheckConstraint(
            f"(closing_transfer_id IS NOT NULL) = {_in(CLOSED)}", name="closing_iff_closed"
        ),
        CheckConstraint(f"(closed_at IS NOT NULL) = {_in(CLOSED)}", name="closed_at_iff_closed"),
        CheckConstraint("state <> 'declined' OR reason IS NOT NULL", name="reason_if_declined"),
        CheckConstraint("sale_deal_id IS NULL OR state = 'enforced'", name="sale_only_if_enforced"),
        Index("ix_finance_pledges_pledgor", "pledgor_id", "id"),
        Index("ix_finance_pledges_pledgee", "pledgee_id", "id"),
        Index("ix_finance_pledges_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    state: Mapped[PledgeState] = mapped_column(str_enum(PledgeState, "pledge_state"))
    pledgor_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    pledgee_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    issuance_id: Mapped[int] = mapped_column(
        ForeignKey("registry_issuances.id", ondelete="RESTRICT")
    )
    first_unit: Mapped[int] = mapped_column(BigInteger)
    last_unit: Mapped[int] = mapped_column(BigInteger)
    loan_amount_fen: Mapped[int] = mapped_column(BigInteger)
    annual_rate_bps: Mapped[int] = mapped_column(Integer)
    term_months: Mapped[int] = mapped_column(Integer)
    loan_reference: Mapped[str | None] = mapped_column(String(64))
    disclose_amount: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    pledge_transfer_id: Mapped[int] = mapped_column(
        ForeignKey("registry_transfers.id", ondelete="RESTRICT"), unique=True
    )
    closing_transfer_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_transfers.id", ondelete="RESTRICT"), unique=True
    )
    # on enforcement, the 大宗交易 the pledgee offered the units in (market/deals.py), if any
    sale_deal_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_deals.id", ondelete="RESTRICT"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pledgor: Mapped[Participant] = relationship(foreign_keys=[pledgor_id])
    pledgee: Mapped[Participant] = relationship(foreign_keys=[pledgee_id])
    issuance: Mapped[Issuance] = relationship()
    pledge_transfer: Mapped[Transfer] = relationship(foreign_keys=[pledge_transfer_id])
    closing_transfer: Mapped[Transfer | None] = relationship(foreign_keys=[closing_transfer_id])
    events: Mapped[list[PledgeEvent]] = relationship(order_by="PledgeEvent.id", viewonly=True)

    @property
    def tonnes(self) -> int:
        return self.last_unit - self.first_unit + 1

    @property
    def serial_range(self) -> str:
        """The pledged units' serials as the registry writes them."""
        i = self.issuance
        return serials.block(
            i.serial_range, i.first_unit, i.last_unit, self.first_unit, self.last_unit
        )


class PledgeEvent(Base):
    """One state change of a pledge: who, when, why. Append-only (triggers)."""

    __tablename__ = "finance_pledge_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("finance_pledges.id", ondelete="RESTRICT"), index=True
    )
    from_state: Mapped[PledgeState | None] = mapped_column(
        str_enum(PledgeState, "pledge_event_from_state")
    )
    to_state: Mapped[PledgeState] = mapped_column(str_enum(PledgeState, "pledge_event_to_state"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    transfer_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_transfers.id", ondelete="RESTRICT")
    )
