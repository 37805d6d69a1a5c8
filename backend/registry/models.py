"""The CDCER registry: participants (exchange accounts), projects and their documents, monitoring
reports, issuances of serial-numbered tonnes, holdings and the append-only transfers that move
them, and the one history of every state change.

What the database itself enforces (migration `0027_registry`):
- a report's `issued_t` never exceeds its `verified_t` (CHECK `issued_within_verified`);
- no two issuances of a standard share a unit, and no unit is in two holdings (PostgreSQL
  `EXCLUDE USING gist`, SQLite triggers), and a holding is never empty or negative (CHECK);
- transfers, document acceptances and state changes are append-only (triggers).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import Organisation
from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum
from backend.credits.models import Standard


class ParticipantRole(enum.StrEnum):
    project_owner = "project_owner"
    buyer = "buyer"
    financial_institution = "financial_institution"
    verifier = "verifier"  # a third-party 核证 body


class ProjectState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    validated = "validated"
    rejected = "rejected"


class ReportState(enum.StrEnum):
    submitted = "submitted"
    verified = "verified"
    rejected = "rejected"


class Subject(enum.StrEnum):
    """What a state change is of."""

    project = "project"
    report = "report"


class TransferKind(enum.StrEnum):
    issuance = "issuance"  # into the owner's holding
    inventory = "inventory"  # from a holding into 点点's retirement inventory (a credits lot)
    # between participants (registry/moves.py, for the market):
    escrow = "escrow"  # set aside in the exchange's escrow account (a listing, a block offer)
    release = "release"  # back from escrow to the participant who set them aside
    trade = "trade"  # delivered to the buyer by a settled trade
    # between participants, for pledges (finance/pledges.py): the custody account freezes them
    pledge = "pledge"  # frozen: from the pledgor into the registry's pledge custody account
    unpledge = "unpledge"  # back to the pledgor: released, declined or withdrawn
    enforcement = "enforcement"  # to the pledgee, on the pledgor's default


class Participant(Base):
    """An organisation's account at the exchange."""

    __tablename__ = "registry_participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), unique=True
    )
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    legal_representative: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(20))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    roles: Mapped[list[ParticipantRoleRow]] = relationship(order_by="ParticipantRoleRow.role")
    acceptances: Mapped[list[DocumentAcceptance]] = relationship(order_by="DocumentAcceptance.id")

    @property
    def role_names(self) -> list[ParticipantRole]:
        return [r.role for r in self.roles]


class ParticipantRoleRow(Base):
    __tablename__ = "registry_participant_roles"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[ParticipantRole] = mapped_column(
        str_enum(ParticipantRole, "participant_role"), primary_key=True
    )


class DocumentAcceptance(Base):
    """One market document, in one version, accepted for a participant by a person. Append-only."""

    __tablename__ = "registry_document_acceptances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT"), index=True
    )
    document: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(20))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RegistryProject(Base):
    """A project registered for CDCER under one methodology."""

    __tablename__ = "registry_projects"
    __table_args__ = (
        CheckConstraint("crediting_end > crediting_start", name="crediting_period"),
        CheckConstraint("expected_annual_t > 0", name="expected_positive"),
        CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name="coordinates"
        ),
        CheckConstraint(
            "(state = 'rejected') = (reject_reason IS NOT NULL)", name="reason_iff_rejected"
        ),
        Index("ix_registry_projects_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT"), index=True
    )
    standard: Mapped[Standard] = mapped_column(str_enum(Standard, "registry_project_standard"))
    methodology: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(6))
    city: Mapped[str] = mapped_column(String(50))
    latitude: Mapped[Decimal] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal] = mapped_column(Numeric(9, 6))
    crediting_start: Mapped[date] = mapped_column(Date)
    crediting_end: Mapped[date] = mapped_column(Date)
    expected_annual_t: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[ProjectState] = mapped_column(
        str_enum(ProjectState, "registry_project_state"), default=ProjectState.draft
    )
    reject_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    owner: Mapped[Participant] = relationship()
    documents: Mapped[list[ProjectDocument]] = relationship(order_by="ProjectDocument.id")
    reports: Mapped[list[MonitoringReport]] = relationship(order_by="MonitoringReport.id")


class ProjectDocument(Base):
    """An uploaded file of a project, kept in the storage under `storage_key`."""

    __tablename__ = "registry_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("registry_projects.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MonitoringReport(Base):
    """The reductions of one monitoring period, claimed by the owner, verified (核证), and
    issued from: `issued_t` never exceeds `verified_t`."""

    __tablename__ = "registry_monitoring_reports"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("claimed_t > 0", name="claimed_positive"),
        CheckConstraint(
            "verified_t IS NULL OR (verified_t >= 0 AND verified_t <= claimed_t)",
            name="verified_within_claimed",
        ),
        CheckConstraint(
            "issued_t >= 0 AND issued_t <= COALESCE(verified_t, 0)", name="issued_within_verified"
        ),
        CheckConstraint(
            "(state = 'rejected') = (reject_reason IS NOT NULL)", name="reason_iff_rejected"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("registry_projects.id", ondelete="RESTRICT"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    claimed_t: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[ReportState] = mapped_column(
        str_enum(ReportState, "registry_report_state"), default=ReportState.submitted
    )
    verified_t: Mapped[int | None] = mapped_column(BigInteger)
    issued_t: Mapped[int] = mapped_column(BigInteger, default=0)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verifier_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reject_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[RegistryProject] = relationship(back_populates="reports")

    @property
    def vintage(self) -> int:
        return self.period_end.year


class StateChange(Base):
    """One transition of a project or a report. Append-only: the history."""

    __tablename__ = "registry_state_changes"
    __table_args__ = (Index("ix_registry_state_changes_subject", "subject", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[Subject] = mapped_column(str_enum(Subject, "registry_subject"))
    subject_id: Mapped[int] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SerialCounter(Base):
    """The last unit number issued in a standard; bumped in the issuing transaction."""

    __tablename__ = "registry_serial_counters"

    standard: Mapped[Standard] = mapped_column(
        str_enum(Standard, "serial_counter_standard"), primary_key=True
    )
    last_unit: Mapped[int] = mapped_column(BigInteger, default=0)


class Issuance(Base):
    """Whole tonnes issued from one verified report: units `first_unit`..`last_unit` of the
    standard, written as the registry writes them in `serial_range`. Append-only."""

    __tablename__ = "registry_issuances"
    __table_args__ = (
        CheckConstraint("first_unit >= 1 AND last_unit >= first_unit", name="unit_range"),
        UniqueConstraint("id", "standard"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("registry_monitoring_reports.id", ondelete="RESTRICT"), index=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("registry_projects.id", ondelete="RESTRICT"), index=True
    )
    standard: Mapped[Standard] = mapped_column(str_enum(Standard, "issuance_standard"))
    vintage: Mapped[int] = mapped_column(Integer)
    serial_range: Mapped[str] = mapped_column(String(200))
    first_unit: Mapped[int] = mapped_column(BigInteger)
    last_unit: Mapped[int] = mapped_column(BigInteger)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[MonitoringReport] = relationship()
    project: Mapped[RegistryProject] = relationship()

    @property
    def tonnes(self) -> int:
        return self.last_unit - self.first_unit + 1


class Holding(Base):
    """Units `first_unit`..`last_unit` of one issuance held by one participant. Moved only by
    transfers: a transfer takes the block's first units (the row shrinks, or goes)."""

    __tablename__ = "registry_holdings"
    __table_args__ = (
        CheckConstraint("last_unit >= first_unit", name="not_empty"),
        Index("ix_registry_holdings_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    issuance_id: Mapped[int] = mapped_column(
        ForeignKey("registry_issuances.id", ondelete="RESTRICT"), index=True
    )
    standard: Mapped[Standard] = mapped_column(str_enum(Standard, "holding_standard"))
    first_unit: Mapped[int] = mapped_column(BigInteger)
    last_unit: Mapped[int] = mapped_column(BigInteger)

    issuance: Mapped[Issuance] = relationship()

    @property
    def tonnes(self) -> int:
        return self.last_unit - self.first_unit + 1


class Transfer(Base):
    """Units moved: issued into a holding, or from a holding into the retirement inventory (its
    `lot_id`). Append-only: replaying the transfers gives the holdings."""

    __tablename__ = "registry_transfers"
    __table_args__ = (
        CheckConstraint("first_unit >= 1 AND last_unit >= first_unit", name="unit_range"),
        CheckConstraint(
            "(kind = 'issuance' AND from_participant_id IS NULL AND to_participant_id IS NOT NULL)"
            " OR (kind = 'inventory' AND from_participant_id IS NOT NULL"
            " AND to_participant_id IS NULL AND lot_id IS NOT NULL)"
            " OR (kind IN ('escrow', 'release', 'trade', 'pledge', 'unpledge', 'enforcement')"
            " AND from_participant_id IS NOT NULL"
            " AND to_participant_id IS NOT NULL AND lot_id IS NULL"
            " AND from_participant_id <> to_participant_id)",
            name="parties",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[TransferKind] = mapped_column(str_enum(TransferKind, "registry_transfer_kind"))
    issuance_id: Mapped[int] = mapped_column(
        ForeignKey("registry_issuances.id", ondelete="RESTRICT"), index=True
    )
    from_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    to_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT")
    )
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("lots.id", ondelete="RESTRICT"), index=True
    )
    first_unit: Mapped[int] = mapped_column(BigInteger)
    last_unit: Mapped[int] = mapped_column(BigInteger)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    issuance: Mapped[Issuance] = relationship()

    @property
    def tonnes(self) -> int:
        return self.last_unit - self.first_unit + 1


class OfferState(enum.StrEnum):
    open = "open"
    accepted = "accepted"  # moved into the inventory: `transfer_id`
    declined = "declined"  # by an operator, with a reason
    withdrawn = "withdrawn"  # by the owner


class InventoryOffer(Base):
    """A holder's consent to sell tonnes of a holding into 点点's retirement inventory, at its
    asking price: the operator moves them only by accepting it, once."""

    __tablename__ = "registry_inventory_offers"
    __table_args__ = (
        CheckConstraint("tonnes > 0", name="tonnes_positive"),
        CheckConstraint("price_fen_per_t >= 0", name="price_not_negative"),
        CheckConstraint(
            "(state = 'accepted') = (transfer_id IS NOT NULL)", name="transfer_iff_accepted"
        ),
        CheckConstraint("state <> 'declined' OR reason IS NOT NULL", name="reason_if_declined"),
        Index("ix_registry_inventory_offers_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("registry_participants.id", ondelete="RESTRICT"), index=True
    )
    holding_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_holdings.id", ondelete="SET NULL")
    )
    issuance_id: Mapped[int] = mapped_column(
        ForeignKey("registry_issuances.id", ondelete="RESTRICT")
    )
    tonnes: Mapped[int] = mapped_column(BigInteger)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[OfferState] = mapped_column(
        str_enum(OfferState, "inventory_offer_state"), default=OfferState.open
    )
    reason: Mapped[str | None] = mapped_column(Text)
    transfer_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_transfers.id", ondelete="RESTRICT"), unique=True
    )
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    participant: Mapped[Participant] = relationship()
    issuance: Mapped[Issuance] = relationship()
    transfer: Mapped[Transfer | None] = relationship()
