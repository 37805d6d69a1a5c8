"""Courts: created by operators as court organisations, high → intermediate → basic, each in a
province (a lower court sits in its parent's province)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import CourtLevel, Organisation, OrgKind
from backend.accounts.principal import Principal
from backend.accounts.services import COURT_LEVEL_ORDER
from backend.core.clock import utcnow
from backend.core.errors import NotFound, ValidationFailed
from backend.courts import access, audit
from backend.courts.models import Court


def create(
    s: Session,
    who: Principal,
    *,
    name: str,
    level: CourtLevel,
    province: str,
    parent_id: int | None = None,
) -> Court:
    """A court organisation and its court record, in one transaction (operators only)."""
    operator = who.require_operator()
    _check_parent(s, level, parent_id, province)
    now = utcnow()
    org = Organisation(
        name=name, kind=OrgKind.court, court_level=level, parent_id=parent_id, created_at=now
    )
    court = Court(organisation=org, province=province, created_at=now)
    s.add(court)
    s.flush()
    audit.record(
        s,
        "court.created",
        court_id=org.id,
        actor_id=operator.id,
        at=now,
        name=name,
        level=level.value,
        province=province,
        parent_id=parent_id,
    )
    return court


def _check_parent(s: Session, level: CourtLevel, parent_id: int | None, province: str) -> None:
    if level == CourtLevel.high:
        if parent_id is not None:
            raise ValidationFailed("parent_id", "courts.high_court_no_parent")
        return
    if parent_id is None:
        raise ValidationFailed("parent_id", "courts.parent_required")
    parent = s.get(Court, parent_id)
    if parent is None:
        raise ValidationFailed("parent_id", "courts.parent_unknown")
    parent_level = parent.organisation.court_level
    if parent_level is None or (
        COURT_LEVEL_ORDER.index(parent_level) != COURT_LEVEL_ORDER.index(level) - 1
    ):
        raise ValidationFailed("parent_id", "courts.parent_level")
    if parent.province != province:
        raise ValidationFailed("province", "courts.parent_province", province=parent.province)


def listing(s: Session, who: Principal) -> Sequence[Court]:
    """The courts the caller sees: theirs and those below them (all of them for operators)."""
    visible = access.visible_courts(s, who)
    q = select(Court).order_by(Court.organisation_id)
    if visible is not None:
        q = q.where(Court.organisation_id.in_(visible))
    return s.scalars(q).all()


def get(s: Session, who: Principal, court_id: int) -> Court:
    """One court the caller sees; 404 otherwise."""
    access.require_visible(s, who, court_id, "courts.no_court")
    court = s.get(Court, court_id)
    if court is None:
        raise NotFound("courts.no_court")
    return court
