"""Footprints: immutable records of one calculation, its inputs and its factor-set version; the
footprints an event includes; and which footprints a neutralisation has claimed."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.clock import utcnow
from backend.core.db import Base, UTCDateTime, str_enum


class Kind(enum.StrEnum):
    meeting = "meeting"
    flight = "flight"
    hearing = "hearing"
    venue = "venue"
    site = "site"
    event = "event"


class Footprint(Base):
    """Never updated: a recalculation is a new footprint."""

    __tablename__ = "footprints"
    __table_args__ = (
        CheckConstraint("mass_g >= 0", name="mass_not_negative"),
        Index("ix_footprints_user_created", "user_id", "created_at"),
        Index("ix_footprints_org_created", "organisation_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, "footprint_kind", length=16))
    name: Mapped[str] = mapped_column(String(200), default="")
    factor_set: Mapped[str] = mapped_column(String(16))
    mass_g: Mapped[int] = mapped_column(BigInteger)
    # The API representation, frozen at creation (inputs, breakdown, defaults, trail): served
    # byte for byte, so a footprint reads back exactly as it was issued.
    document: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def content(self) -> dict[str, Any]:
        """The frozen document, parsed."""
        parsed: dict[str, Any] = json.loads(self.document)
        return parsed


class FootprintPart(Base):
    """An event includes another footprint (by id), recorded when the event is made. A part is
    older than its event, so the parts never loop."""

    __tablename__ = "footprint_parts"

    event_id: Mapped[str] = mapped_column(String(40), ForeignKey("footprints.id"), primary_key=True)
    part_id: Mapped[str] = mapped_column(String(40), ForeignKey("footprints.id"), primary_key=True)


class FootprintClaim(Base):
    """A footprint covered by a neutralisation, on its own or as a part (at any depth) of the
    footprint claimed as a whole (`root_id`). The primary key lets one claim at a time cover a
    footprint: the same emissions are never neutralised twice."""

    __tablename__ = "footprint_claims"

    footprint_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("footprints.id"), primary_key=True
    )
    root_id: Mapped[str] = mapped_column(String(40), ForeignKey("footprints.id"))
    # Who claims it: for an order, its id (footprints know nothing of orders; they only match it)
    reference: Mapped[str] = mapped_column(String(40), index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
