"""Projects: registered by a project owner, reviewed (审定) by the operator; monitoring reports
submitted by the owner and verified (核证) by an operator or a verifier participant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.accounts.principal import Principal
from backend.core.clock import utcnow
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.provinces import BY_CODE
from backend.credits.models import Standard
from backend.registry import catalogue, participants, states
from backend.registry.models import (
    MonitoringReport,
    Participant,
    ParticipantRole,
    ProjectState,
    RegistryProject,
    ReportState,
    StateChange,
    Subject,
)
from backend.registry.states import Actor

# China's extreme points, rounded outward (3.8°N 曾母暗沙 to 53.6°N 漠河; 73.4°E 帕米尔 to
# 135.1°E 黑龙江-乌苏里江 confluence: the figures of 《中国地理》 school atlases; our rounding).
LATITUDE = (Decimal("3.8"), Decimal("53.6"))
LONGITUDE = (Decimal("73.4"), Decimal("135.1"))


@dataclass(frozen=True)
class NewProject:
    owner_id: int
    methodology: str
    name_zh: str
    name_en: str
    province: str
    city: str
    latitude: Decimal
    longitude: Decimal
    crediting_start: date
    crediting_end: date
    expected_annual_t: int


@dataclass(frozen=True)
class NewReport:
    period_start: date
    period_end: date
    claimed_t: int


def register(s: Session, who: Principal, new: NewProject) -> RegistryProject:
    """A project owner's new project, in draft."""
    user = who.require_user()
    owner = participants.get(s, who, new.owner_id)
    participants.require_role(owner, ParticipantRole.project_owner)
    method = catalogue.methodologies().get(new.methodology)
    if method is None:
        raise ValidationFailed("methodology", "registry.no_such_methodology")
    if method.standard != Standard.CDCER:
        raise ValidationFailed("methodology", "registry.methodology_not_issued_here")
    if new.province not in BY_CODE:
        raise ValidationFailed("province", "registry.province")
    if not LATITUDE[0] <= new.latitude <= LATITUDE[1]:
        raise ValidationFailed("latitude", "registry.outside_china")
    if not LONGITUDE[0] <= new.longitude <= LONGITUDE[1]:
        raise ValidationFailed("longitude", "registry.outside_china")
    if new.crediting_end <= new.crediting_start:
        raise ValidationFailed("crediting_end", "registry.end_before_start")
    project = RegistryProject(
        owner_id=owner.id,
        standard=method.standard,
        methodology=method.code,
        name_zh=new.name_zh,
        name_en=new.name_en,
        province=new.province,
        city=new.city,
        latitude=new.latitude,
        longitude=new.longitude,
        crediting_start=new.crediting_start,
        crediting_end=new.crediting_end,
        expected_annual_t=new.expected_annual_t,
        state=ProjectState.draft,
    )
    s.add(project)
    s.flush()
    states.opened(s, Subject.project, project.id, ProjectState.draft, user.id)
    return project


def get(s: Session, who: Principal, project_id: int) -> RegistryProject:
    """A project for its owner, operators and verifiers (others: 404)."""
    project = s.get(RegistryProject, project_id)
    if project is None or not participants.actors(s, who, project):
        who.require_user()
        raise NotFound("registry.no_such_project")
    return project


def get_as_owner(s: Session, who: Principal, project_id: int) -> RegistryProject:
    """A project for a member of its owner (others: 404)."""
    project = get(s, who, project_id)
    if Actor.owner not in participants.actors(s, who, project):
        raise NotFound("registry.no_such_project")
    return project


def owned(s: Session, who: Principal) -> list[RegistryProject]:
    """The projects of the caller's organisations, newest first."""
    who.require_user()
    return list(
        s.scalars(
            select(RegistryProject)
            .join(Participant)
            .where(Participant.organisation_id.in_(list(who.roles)))
            .order_by(RegistryProject.id.desc())
        )
    )


def history(s: Session, subject: Subject, subject_id: int) -> list[StateChange]:
    return list(
        s.scalars(
            select(StateChange)
            .where(StateChange.subject == subject, StateChange.subject_id == subject_id)
            .order_by(StateChange.id)
        )
    )


def transition(
    s: Session, who: Principal, project_id: int, to: str, reason: str | None
) -> RegistryProject:
    """Move a project along `states.TRANSITIONS`."""
    user = who.require_user()
    project = get(s, who, project_id)
    states.move(
        s,
        Subject.project,
        project,
        to,
        actors=participants.actors(s, who, project),
        by_id=user.id,
        reason=reason,
    )
    return project


def submit_report(s: Session, who: Principal, project_id: int, new: NewReport) -> MonitoringReport:
    """The owner's monitoring report for a period of a validated project: one calendar year at
    most (its vintage), inside the crediting period, overlapping no other live report."""
    user = who.require_user()
    project = get_as_owner(s, who, project_id)
    if project.state != ProjectState.validated:
        raise Conflict("registry.project_not_validated", params={"state": project.state.value})
    if new.period_end < new.period_start:
        raise ValidationFailed("period_end", "registry.end_before_start")
    if new.period_start.year != new.period_end.year:
        raise ValidationFailed("period_end", "registry.period_one_year")
    if new.period_start < project.crediting_start or new.period_end > project.crediting_end:
        raise ValidationFailed("period_start", "registry.outside_crediting_period")
    clash = s.scalar(
        select(MonitoringReport.id).where(
            MonitoringReport.project_id == project.id,
            MonitoringReport.state != ReportState.rejected,
            MonitoringReport.period_start <= new.period_end,
            MonitoringReport.period_end >= new.period_start,
        )
    )
    if clash is not None:
        raise Conflict("registry.period_overlaps", params={"report_id": clash})
    report = MonitoringReport(
        project_id=project.id,
        period_start=new.period_start,
        period_end=new.period_end,
        claimed_t=new.claimed_t,
        state=ReportState.submitted,
        issued_t=0,
    )
    s.add(report)
    s.flush()
    states.opened(s, Subject.report, report.id, ReportState.submitted, user.id)
    return report


def get_report(s: Session, who: Principal, report_id: int) -> MonitoringReport:
    report = s.get(MonitoringReport, report_id)
    if report is None:
        who.require_user()
        raise NotFound("registry.no_such_report")
    get(s, who, report.project_id)
    return report


def review_report(
    s: Session,
    who: Principal,
    report_id: int,
    to: str,
    *,
    verified_t: int | None,
    reason: str | None,
) -> MonitoringReport:
    """Verify (核证, with the verified tonnes) or reject a submitted report."""
    user = who.require_user()
    report = get_report(s, who, report_id)
    values: dict[str, object] = {}
    if to == ReportState.verified:
        if verified_t is None:
            raise ValidationFailed("verified_t", "registry.verified_t_required")
        if verified_t > report.claimed_t:
            raise ValidationFailed(
                "verified_t", "registry.verified_above_claimed", claimed_t=report.claimed_t
            )
        values = {
            "verified_t": verified_t,
            "verified_by_id": user.id,
            "verifier_id": participants.verifier_of(s, who, report.project),
            "verified_at": utcnow(),
        }
    states.move(
        s,
        Subject.report,
        report,
        to,
        actors=participants.actors(s, who, report.project),
        by_id=user.id,
        reason=reason,
        **values,
    )
    return report


def review_queue(
    s: Session, who: Principal
) -> tuple[list[RegistryProject], list[MonitoringReport], list[MonitoringReport]]:
    """What awaits review: submitted projects (operators); submitted reports (operators, and
    verifier accounts for projects of other organisations); verified reports with tonnes left
    to issue (operators)."""
    who.require_user()
    reports = (
        select(MonitoringReport)
        .join(RegistryProject)
        .join(Participant, RegistryProject.owner_id == Participant.id)
        .options(selectinload(MonitoringReport.project))
        .order_by(MonitoringReport.id)
    )
    to_verify = reports.where(MonitoringReport.state == ReportState.submitted)
    if not who.operator:
        if not participants.verifier_ids(s, who):
            return [], [], []
        mine = list(who.roles)
        return [], list(s.scalars(to_verify.where(Participant.organisation_id.not_in(mine)))), []
    submitted = s.scalars(
        select(RegistryProject)
        .where(RegistryProject.state == ProjectState.submitted)
        .order_by(RegistryProject.id)
    )
    issuable = reports.where(
        MonitoringReport.state == ReportState.verified,
        MonitoringReport.issued_t < MonitoringReport.verified_t,
    )
    return list(submitted), list(s.scalars(to_verify)), list(s.scalars(issuable))
