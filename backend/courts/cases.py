"""Case use cases: open a case with its defendants and eligible credits, read, list, close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.accounts.models import Role
from backend.accounts.principal import Principal
from backend.accounts.services import normalise_phone
from backend.core import cursors
from backend.core.clock import china_today, utcnow
from backend.core.db import random_id
from backend.core.errors import Conflict, NotFound, ValidationFailed, field_error
from backend.courts import access, audit, eligibility
from backend.courts.models import CaseStatus, Court, CourtCase, Defendant, MassBasis
from backend.courts.states import status_name, transition


class CaseNumberTaken(Conflict):
    slug, title = "case-number-taken", "This court already has a case with this number"


class CaseNotOpen(Conflict):
    slug, title = "case-not-open", "The case is no longer open"


def today(now: datetime | None = None) -> date:
    """The date in China: deadlines are calendar days there."""
    return china_today(now)


@dataclass(frozen=True)
class NewDefendant:
    name: str
    phone: str | None = None


@dataclass(frozen=True)
class NewCase:
    """A case as a court opens it (CaseCreateSchema loads it)."""

    court_id: int
    number: str
    offence: str
    site: dict[str, str]  # place, province
    defendants: list[NewDefendant]
    mass_g: int
    mass_basis: MassBasis
    deadline: date
    eligible: dict[str, list[str]] | None = None  # standards, types, regions; None: default


def create(s: Session, who: Principal, new: NewCase) -> CourtCase:
    """Open a case (a judge or clerk of its court), each defendant with a purchase token."""
    court_id = new.court_id
    if s.get(Court, court_id) is None:
        raise ValidationFailed("court_id", "courts.no_court")
    try:
        user_id = access.require_role(s, who, court_id, access.STAFF, "courts.no_court")
    except NotFound:
        raise ValidationFailed("court_id", "courts.no_court") from None
    now = utcnow()
    if new.deadline < today(now):
        raise ValidationFailed("deadline", "courts.deadline_passed")
    number = new.number
    taken = s.scalar(
        select(CourtCase.id).where(CourtCase.court_id == court_id, CourtCase.number == number)
    )
    if taken is not None:
        raise CaseNumberTaken(
            "courts.case_number_taken",
            params={"number": number},
            errors=[field_error("number", "courts.case_number_used")],
        )
    province = new.site["province"]
    if new.eligible:
        given = new.eligible
        eligible = eligibility.spec(given["standards"], given["types"], given["regions"])
        why = "set by the court"
    else:
        eligible, why = eligibility.default(s, province)
    case = CourtCase(
        id=random_id("case_"),
        court_id=court_id,
        number=number,
        offence=new.offence,
        site_place=new.site["place"],
        site_province=province,
        mass_g=new.mass_g,
        mass_basis=new.mass_basis,
        eligible=eligible,
        deadline=new.deadline,
        status=CaseStatus.open,
        created_by_id=user_id,
        created_at=now,
        updated_at=now,
        closed_reason="",
        ordered_g=0,
        purchase_limit_g=new.mass_g if new.mass_basis == MassBasis.total else None,
    )
    each = new.mass_g if new.mass_basis == MassBasis.per_defendant else None
    case.defendants = [
        Defendant(
            position=i,
            name=d.name,
            phone=normalise_phone(d.phone, f"defendants.{i - 1}.phone") if d.phone else None,
            token=random_id("cp_"),
            ordered_g=0,
            purchase_limit_g=each,
        )
        for i, d in enumerate(new.defendants, start=1)
    ]
    s.add(case)
    s.flush()
    audit.record(
        s,
        "case.created",
        court_id=court_id,
        case_id=case.id,
        actor_id=user_id,
        at=now,
        number=number,
        mass_g=case.mass_g,
        mass_basis=str(case.mass_basis),
        eligible=eligible,
        eligible_because=why,
        deadline=case.deadline.isoformat(),
        defendants=len(case.defendants),
    )
    return case


def get(s: Session, who: Principal, case_id: str) -> CourtCase:
    """A case the caller sees (its court's staff, upper courts, operators); 404 otherwise."""
    case = s.scalar(
        select(CourtCase).where(CourtCase.id == case_id).options(selectinload(CourtCase.defendants))
    )
    if case is None:
        raise NotFound("courts.no_case")
    access.require_visible(s, who, case.court_id)
    return case


def lock(s: Session, case_id: str) -> CourtCase:
    """The case, re-read with its row locked until the transaction ends."""
    return s.scalars(
        select(CourtCase)
        .where(CourtCase.id == case_id)
        .with_for_update(of=CourtCase)
        .execution_options(populate_existing=True)
    ).one()


def listing(
    s: Session,
    who: Principal,
    *,
    court_id: int | None = None,
    status: CaseStatus | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[CourtCase], str | None]:
    """The cases the caller sees (or one visible court's, lower courts included); newest first."""
    visible = access.visible_courts(s, who)
    q = select(CourtCase).options(selectinload(CourtCase.defendants))
    if court_id is not None:
        access.require_visible(s, who, court_id, "courts.no_court")
        q = q.where(CourtCase.court_id.in_(access.subtree(s, [court_id])))
    elif visible is not None:
        q = q.where(CourtCase.court_id.in_(visible))
    if status is not None:
        q = q.where(CourtCase.status == status)
    return cursors.newest_first(s, q, CourtCase.created_at, CourtCase.id, limit, cursor)


def close(s: Session, who: Principal, case_id: str, reason: str) -> CourtCase:
    """Close a case (a judge of its court); closing one not yet fulfilled needs a reason."""
    case = get(s, who, case_id)
    user_id = access.require_role(s, who, case.court_id, [Role.judge])
    case = lock(s, case_id)
    if case.status == CaseStatus.open and not reason:
        raise ValidationFailed("reason", "courts.close_reason_required")
    now = utcnow()
    was = str(case.status)
    transition(s, case, CaseStatus.closed, now, closed_at=now, closed_reason=reason)
    audit.record(
        s,
        "case.closed",
        court_id=case.court_id,
        case_id=case.id,
        actor_id=user_id,
        at=now,
        was=was,
        reason=reason,
    )
    return case


def set_deadline(
    s: Session, who: Principal, case_id: str, deadline: date, reason: str
) -> CourtCase:
    """Move an open case's purchase deadline (a judge of its court), with a reason."""
    user_id = access.require_role(s, who, get(s, who, case_id).court_id, [Role.judge])
    case = lock(s, case_id)
    if case.status != CaseStatus.open:
        raise CaseNotOpen(
            "courts.deadline_case_not_open", params={"status": status_name(case.status)}
        )
    now = utcnow()
    if deadline < today(now):
        raise ValidationFailed("deadline", "courts.deadline_passed")
    was = case.deadline
    case.deadline, case.updated_at = deadline, now
    audit.record(
        s,
        "case.deadline_changed",
        court_id=case.court_id,
        case_id=case.id,
        actor_id=user_id,
        at=now,
        was=was.isoformat(),
        deadline=deadline.isoformat(),
        reason=reason,
    )
    return case


def defendant(case: CourtCase, defendant_id: int) -> Defendant:
    """One defendant of a case; 404 otherwise."""
    for d in case.defendants:
        if d.id == defendant_id:
            return d
    raise NotFound("courts.no_defendant")
