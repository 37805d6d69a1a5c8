"""Sponsors fund the rewards budget: an operator enrols an organisation and records each
funding, in fen (points at `POINTS_PER_FEN`) or in grams of the sponsor's credits (1 point a
gram). A funding is appended with who, when, how much and the points it granted; the pool's
trigger adds them to what can be earned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.credits import inventory
from backend.credits.models import Project
from backend.points.models import (
    Funding,
    FundingKind,
    Sponsor,
    SponsorCredits,
)

CREDITS = cast(Table, SponsorCredits.__table__)


class CreditsNotThere(Conflict):
    slug, title = "credits-not-there", "Those credits are not in the inventory"


@dataclass(frozen=True)
class FundingRequest:
    """Money (`amount_fen`) or credits (`mass_g` of `project_id`): exactly one."""

    amount_fen: int | None = None
    mass_g: int | None = None
    project_id: int | None = None
    memo: str = ""


def get(s: Session, organisation_id: int) -> Sponsor:
    sponsor = s.get(Sponsor, organisation_id)
    if sponsor is None:
        raise NotFound("points.not_a_sponsor")
    return sponsor


def enrol(s: Session, organisation_id: int, by_user_id: int) -> Sponsor:
    """Make the organisation a sponsor (again: nothing changes)."""
    if s.get(Organisation, organisation_id) is None:
        raise NotFound("accounts.no_organisation")
    s.execute(
        upsert(s, Sponsor)
        .values(organisation_id=organisation_id, enrolled_by_id=by_user_id, enrolled_at=utcnow())
        .on_conflict_do_nothing(index_elements=["organisation_id"])
    )
    return get(s, organisation_id)


def fund(
    s: Session, organisation_id: int, req: FundingRequest, by_user_id: int, points_per_fen: int
) -> Funding:
    """Record a funding and the points it grants; credits are set aside in the inventory."""
    get(s, organisation_id)
    if req.amount_fen is not None:
        row = Funding(
            kind=FundingKind.money,
            amount_fen=req.amount_fen,
            points_per_fen=points_per_fen,
            points=req.amount_fen * points_per_fen,
        )
    elif req.mass_g is not None and req.project_id is not None:
        _credits_in_stock(s, organisation_id, req.project_id, req.mass_g)
        row = Funding(
            kind=FundingKind.credits,
            mass_g=req.mass_g,
            project_id=req.project_id,
            points=req.mass_g,
        )
    row.sponsor_id, row.funded_by_id, row.memo, row.funded_at = (
        organisation_id,
        by_user_id,
        req.memo,
        utcnow(),
    )
    s.add(row)
    s.flush()
    return row


def holder(sponsor_id: int) -> str:
    """The sponsor as the credits inventory names a holder."""
    return f"sponsor:{sponsor_id}"


def _credits_in_stock(s: Session, sponsor_id: int, project_id: int, mass_g: int) -> None:
    """Set the grams aside for the sponsor in the inventory, out of every order's reach, until
    its offsets retire them; 409 if the project has not that many available."""
    if s.get(Project, project_id) is None:
        raise ValidationFailed("project_id", "points.unknown_project")
    s.execute(
        upsert(s, SponsorCredits)
        .values(sponsor_id=sponsor_id, project_id=project_id, left_g=mass_g)
        .on_conflict_do_update(
            index_elements=["sponsor_id", "project_id"],
            set_={"left_g": CREDITS.c.left_g + mass_g},
        )
    )
    try:
        inventory.set_aside(
            s, holder(sponsor_id), inventory.Preferences(project_ids=(project_id,)), mass_g
        )
    except inventory.InsufficientInventory as short:
        raise CreditsNotThere(
            "points.credits_not_there",
            params={"mass_g": mass_g, "available_g": short.extra["available_g"]},
        ) from None
