"""Financial institutions' products (气候信贷 credit, 气候保险 insurance) and the financing
applications enterprises make against them (绿蓉融's 投融资对接).

An application names one or more published products; each makes a leg that the product's
institution handles: applied → under_review → approved → disbursed, or declined with a reason
(from applied or under_review), or withdrawn by the applicant before approval. Every step of a
leg is a row of `finance_leg_steps`.

What the database itself enforces (migration `0035_finance_lending`):
- a product's ranges are ordered and bounded, and it carries its publication/withdrawal times
  exactly in the states that have them (CHECKs);
- an application's amount and term are positive; one leg per product of an application (UNIQUE);
- a leg carries the approved amount exactly when approved or disbursed, never above the applied
  amount; the disbursed amount and date exactly when disbursed, never above the approved amount;
  a reason exactly when declined (CHECKs);
- steps are never changed or deleted (triggers).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import Organisation
from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum
from backend.credits.models import ProjectType
from backend.registry.models import Participant

NAME_MAX = 100  # a product's name, characters (our assumption)
DESCRIPTION_MAX = 2000  # a product's or a project's description (our assumption)
DOCUMENT_MAX = 50  # one required document's label (our assumption)
DOCUMENTS_MAX = 20  # labels per product (our assumption)
REASON_MAX = 500  # a decline's reason (our assumption, as the market's reversal reason)
RATE_MAX_BPS = 10_000  # 100 % a year: a bound on input, not a usury rule (our assumption)
TERM_MAX_MONTHS = 600  # 50 years (our assumption: longer than any green loan we know of)
AMOUNT_MAX_FEN = 10**14  # 1万亿元 per product or application (our assumption, a sanity bound)


class ProductKind(enum.StrEnum):
    credit = "credit"  # 气候信贷: the rate is an annual interest rate
    insurance = "insurance"  # 气候保险: the rate is a premium rate of the sum insured


class ProductState(enum.StrEnum):
    draft = "draft"
    published = "published"
    withdrawn = "withdrawn"


class LegState(enum.StrEnum):
    applied = "applied"
    under_review = "under_review"
    approved = "approved"
    disbursed = "disbursed"
    declined = "declined"
    withdrawn = "withdrawn"


class Product(Base):
    """A credit or insurance product of a financial institution's exchange account."""

    __tablename__ = "finance_products"
    __table_args__ = (
        CheckConstraint(
            f"rate_min_bps >= 0 AND rate_min_bps <= rate_max_bps "
            f"AND rate_max_bps <= {RATE_MAX_BPS}",
            name="rate_range",
        ),
        CheckConstraint(
            f"term_min_months >= 1 AND term_min_months <= term_max_months "
            f"AND term_max_months <= {TERM_MAX_MONTHS}",
            name="term_range",
        ),
        CheckConstraint(
            f"amount_min_fen >= 1 AND amount_min_fen <= amount_max_fen "
            f"AND amount_max_fen <= {AMOUNT_MAX_FEN}",
            name="amount_range",
        ),
        CheckConstraint(
            "(state = 'draft') = (published_at IS NULL)", name="published_iff_not_draft"
        ),
        CheckConstraint(
            "(state = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_at_iff_withdrawn"
        ),
        Index("ix_finance_products_state_kind", "state", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[ProductKind] = mapped_column(str_enum(ProductKind, "finance_product_kind"))
    name_zh: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str] = mapped_column(String(NAME_MAX))
    description_zh: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    rate_min_bps: Mapped[int] = mapped_column(Integer)
    rate_max_bps: Mapped[int] = mapped_column(Integer)
    term_min_months: Mapped[int] = mapped_column(Integer)
    term_max_months: Mapped[int] = mapped_column(Integer)
    amount_min_fen: Mapped[int] = mapped_column(BigInteger)
    amount_max_fen: Mapped[int] = mapped_column(BigInteger)
    project_types: Mapped[list[str]] = mapped_column(JSON)  # ProjectType values
    documents: Mapped[list[str]] = mapped_column(JSON)  # required documents' labels
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)  # demo: our own figures
    state: Mapped[ProductState] = mapped_column(
        str_enum(ProductState, "finance_product_state"), default=ProductState.draft
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    institution: Mapped[Participant] = relationship()


class Application(Base):
    """An enterprise's request for financing of one project, against one or more products."""

    __tablename__ = "finance_applications"
    __table_args__ = (
        CheckConstraint(f"amount_fen >= 1 AND amount_fen <= {AMOUNT_MAX_FEN}", name="amount"),
        CheckConstraint(f"term_months >= 1 AND term_months <= {TERM_MAX_MONTHS}", name="term"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    term_months: Mapped[int] = mapped_column(Integer)
    project_type: Mapped[ProjectType] = mapped_column(
        str_enum(ProjectType, "finance_application_project_type")
    )
    registry_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_projects.id", ondelete="RESTRICT")
    )
    description: Mapped[str] = mapped_column(Text)
    taxonomy_code: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    legs: Mapped[list[Leg]] = relationship(order_by="Leg.id", back_populates="application")


class Leg(Base):
    """One product of an application, handled by the product's institution."""

    __tablename__ = "finance_application_legs"
    __table_args__ = (
        UniqueConstraint("application_id", "product_id"),
        CheckConstraint(
            "(state IN ('approved', 'disbursed')) = (approved_fen IS NOT NULL)",
            name="approved_amount_iff_approved",
        ),
        CheckConstraint(
            "approved_fen IS NULL OR (approved_fen >= 1 AND approved_fen <= applied_fen)",
            name="approved_within_applied",
        ),
        CheckConstraint(
            "(state = 'disbursed') = (disbursed_fen IS NOT NULL)"
            " AND (state = 'disbursed') = (disbursed_on IS NOT NULL)",
            name="disbursement_iff_disbursed",
        ),
        CheckConstraint(
            "disbursed_fen IS NULL OR (disbursed_fen >= 1 AND disbursed_fen <= approved_fen)",
            name="disbursed_within_approved",
        ),
        CheckConstraint(
            "(state = 'declined') = (decline_reason IS NOT NULL)", name="reason_iff_declined"
        ),
        Index("ix_finance_application_legs_inbox", "institution_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("finance_applications.id", ondelete="RESTRICT"), index=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("finance_products.id", ondelete="RESTRICT"), index=True
    )
    # the product's institution, copied so an inbox is one indexed read
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    applied_fen: Mapped[int] = mapped_column(BigInteger)  # the application's amount, copied
    state: Mapped[LegState] = mapped_column(
        str_enum(LegState, "finance_leg_state"), default=LegState.applied
    )
    approved_fen: Mapped[int | None] = mapped_column(BigInteger)
    disbursed_fen: Mapped[int | None] = mapped_column(BigInteger)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="legs")
    product: Mapped[Product] = relationship()
    steps: Mapped[list[Step]] = relationship(order_by="Step.id")


class Step(Base):
    """One change of a leg's state: who, when, from, to, with the amount or the reason.
    Append-only."""

    __tablename__ = "finance_leg_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leg_id: Mapped[int] = mapped_column(
        ForeignKey("finance_application_legs.id", ondelete="RESTRICT"), index=True
    )
    from_state: Mapped[LegState | None] = mapped_column(
        str_enum(LegState, "finance_step_from_state")
    )  # None: the leg was made
    to_state: Mapped[LegState] = mapped_column(str_enum(LegState, "finance_step_to_state"))
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    disbursed_on: Mapped[date | None] = mapped_column(Date)  # a disbursement's date
    reason: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
