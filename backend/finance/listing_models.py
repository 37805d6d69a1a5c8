"""The 绿蓉融 database: applications to list an enterprise (绿色企业, 气候友好型企业) or a project
(绿色项目, 气候投融资项目), their evidence files, the append-only history of their review, the
environmental benefit computed or stated for a project, and whether an organisation publishes its
ESG disclosure.

What the database itself enforces (migration `0036_green_listings`):
- one live application (submitted or listed) per organisation, subject, kind and project: a
  partial unique index on (organisation, subject, kind, registry project or 0, project name or '');
- an enterprise lists as green or climate-friendly, a project as green or climate-investment;
- a reason with every rejection and delisting;
- events and ESG publication records are append-only (triggers).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import Organisation
from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum
from backend.finance.taxonomy import Category, find

STATEMENT_MAX = 4000
REASON_MAX = 1000
METHOD_MAX = 2000


class Subject(enum.StrEnum):
    enterprise = "enterprise"
    project = "project"


class ListingKind(enum.StrEnum):
    green = "green"  # 绿色企业 / 绿色项目
    climate_friendly = "climate_friendly"  # 气候友好型企业 (enterprises only)
    climate_investment = "climate_investment"  # 气候投融资项目 (projects only)


class ListingState(enum.StrEnum):
    submitted = "submitted"
    listed = "listed"  # approved by the operator
    rejected = "rejected"
    delisted = "delisted"


# The states in which an application holds its (organisation, subject, kind, project) slot.
LIVE = (ListingState.submitted, ListingState.listed)


class BenefitMethod(enum.StrEnum):
    grid_displacement = "grid_displacement"  # MWh/year x the province's grid factor
    registry_issuance = "registry_issuance"  # verified tonnes issued per vintage year
    registry_expected = "registry_expected"  # the registry project's expected_annual_t: estimate
    stated = "stated"  # the applicant's figure and method, not computed


class ListingApplication(Base):
    __tablename__ = "finance_listing_applications"
    __table_args__ = (
        CheckConstraint(
            "(subject = 'enterprise' AND kind IN ('green', 'climate_friendly')"
            " AND project_name_zh IS NULL AND registry_project_id IS NULL)"
            " OR (subject = 'project' AND kind IN ('green', 'climate_investment')"
            " AND project_name_zh IS NOT NULL)",
            name="subject_kind",
        ),
        CheckConstraint(
            "state NOT IN ('rejected', 'delisted') OR reason IS NOT NULL", name="reason_required"
        ),
        CheckConstraint("annual_mwh IS NULL OR annual_mwh > 0", name="mwh_positive"),
        CheckConstraint("avoided_kg IS NULL OR avoided_kg >= 0", name="avoided_not_negative"),
        Index(
            "uq_finance_listing_applications_live",
            "organisation_id",
            "subject",
            "kind",
            func.coalesce(text("registry_project_id"), 0),
            func.coalesce(text("project_name_zh"), ""),
            unique=True,
            postgresql_where=text("state IN ('submitted', 'listed')"),
            sqlite_where=text("state IN ('submitted', 'listed')"),
        ),
        Index("ix_finance_listing_applications_state", "state", "subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    subject: Mapped[Subject] = mapped_column(str_enum(Subject, "listing_subject", 20))
    kind: Mapped[ListingKind] = mapped_column(str_enum(ListingKind, "listing_kind", 20))
    taxonomy_version: Mapped[str] = mapped_column(String(10))
    taxonomy_code: Mapped[str] = mapped_column(String(20))
    statement: Mapped[str] = mapped_column(Text)
    # a project's: its names, province, the applicant's own registry project if linked
    project_name_zh: Mapped[str | None] = mapped_column(String(200))
    project_name_en: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(6))
    registry_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_projects.id", ondelete="RESTRICT")
    )
    annual_mwh: Mapped[int | None] = mapped_column(BigInteger)
    # the environmental benefit: kg CO2e avoided per year, how, and from what
    avoided_kg: Mapped[int | None] = mapped_column(BigInteger)
    benefit_method: Mapped[BenefitMethod | None] = mapped_column(
        str_enum(BenefitMethod, "benefit_method", 24)
    )
    stated_method: Mapped[str | None] = mapped_column(Text)
    factor_key: Mapped[str | None] = mapped_column(String(60))
    factor_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    factor_unit: Mapped[str | None] = mapped_column(String(30))
    factor_source: Mapped[str | None] = mapped_column(Text)
    factor_year: Mapped[int | None] = mapped_column(Integer)
    factor_set: Mapped[str | None] = mapped_column(String(20))
    trail_zh: Mapped[str | None] = mapped_column(Text)
    trail_en: Mapped[str | None] = mapped_column(Text)
    state: Mapped[ListingState] = mapped_column(
        str_enum(ListingState, "listing_state", 20), default=ListingState.submitted
    )
    reason: Mapped[str | None] = mapped_column(Text)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    documents: Mapped[list[ListingDocument]] = relationship(order_by="ListingDocument.id")
    events: Mapped[list[ListingEvent]] = relationship(order_by="ListingEvent.id")

    @property
    def benefit(self) -> ListingApplication | None:
        """Itself when it has a benefit (the schema's nested view of the benefit columns)."""
        return None if self.benefit_method is None else self

    @property
    def factor(self) -> ListingApplication | None:
        return None if self.factor_key is None else self

    @property
    def avoided_t(self) -> str:
        """Tonnes with three decimals, from the stored kg."""
        return f"{Decimal(self.avoided_kg or 0) / 1000:,.3f}"

    @property
    def category(self) -> Category | None:
        return find(self.taxonomy_version, self.taxonomy_code)

    @property
    def computed(self) -> bool:
        return self.benefit_method is not None and self.benefit_method is not BenefitMethod.stated


class ListingEvent(Base):
    """One step of an application: applied, listed, rejected, delisted. Append-only."""

    __tablename__ = "finance_listing_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("finance_listing_applications.id", ondelete="RESTRICT"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ListingDocument(Base):
    """An evidence file of an application, kept in the registry's storage under `storage_key`."""

    __tablename__ = "finance_listing_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("finance_listing_applications.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EsgPublication(Base):
    """An organisation's admin publishing (or withdrawing) its ESG disclosure: the latest row is
    in force. Append-only: who chose, and when."""

    __tablename__ = "finance_esg_publications"
    __table_args__ = (Index("ix_finance_esg_publications_org", "organisation_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    published: Mapped[bool] = mapped_column(Boolean)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
