"""Issuance: whole tonnes from a verified report, numbered as one contiguous block of the
standard's units, into the project owner's holding.

The report's `issued_t` is raised by one conditional UPDATE (`issued_t + n <= verified_t`), so
two issuances racing for the last verified tonnes queue on its row and one finds too few; a
CHECK refuses the rest. Unit numbers come from the standard's counter row, bumped in the same
transaction, past any lot the inventory already holds for the standard.
"""

from __future__ import annotations

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core.errors import Conflict, ValidationFailed
from backend.credits.models import Lot, Standard
from backend.registry import catalogue, projects
from backend.registry.models import (
    Holding,
    Issuance,
    MonitoringReport,
    RegistryProject,
    ReportState,
    SerialCounter,
    Transfer,
    TransferKind,
)


class OverIssuance(Conflict):
    slug, title = "over-issuance", "More than the verified reductions"


def serial_range(project: RegistryProject, vintage: int, first: int, last: int) -> str:
    """A block as the registry writes it: `CDCER-{vintage}-{short}{project:04d}-{first:08d}-
    {last:08d}` (our assumption, as backend/demo.py's CDCER lots: the format is not published)."""
    short = catalogue.methodologies()[project.methodology].short
    return f"{project.standard}-{vintage}-{short}{project.id:04d}-{first:08d}-{last:08d}"


def next_units(s: Session, standard: Standard, tonnes: int) -> tuple[int, int]:
    """The next `tonnes` unit numbers of the standard, past every lot already in inventory."""
    floor = s.scalar(
        select(func.coalesce(func.max(Lot.last_unit), 0)).where(Lot.standard == standard)
    )
    last = s.execute(
        update(SerialCounter)
        .where(SerialCounter.standard == standard)
        .values(
            last_unit=case((SerialCounter.last_unit < floor, floor), else_=SerialCounter.last_unit)
            + tonnes
        )
        .returning(SerialCounter.last_unit)
    ).scalar_one()
    return last - tonnes + 1, last


def issue(s: Session, who: Principal, report_id: int, tonnes: int) -> Issuance:
    """Issue `tonnes` of a verified report into its owner's holding (operators)."""
    user = who.require_operator()
    report = projects.get_report(s, who, report_id)
    if report.state != ReportState.verified:
        raise Conflict("registry.report_not_verified", params={"state": report.state.value})
    if tonnes < 1:
        raise ValidationFailed("tonnes", "registry.tonnes_positive")
    taken = s.execute(
        update(MonitoringReport)
        .where(
            MonitoringReport.id == report.id,
            MonitoringReport.state == ReportState.verified,
            MonitoringReport.issued_t + tonnes <= MonitoringReport.verified_t,
        )
        .values(issued_t=MonitoringReport.issued_t + tonnes)
        .returning(MonitoringReport.issued_t)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if taken is None:
        s.refresh(report)
        left = (report.verified_t or 0) - report.issued_t
        raise OverIssuance("registry.over_issuance", params={"tonnes": tonnes, "remaining_t": left})
    project = report.project
    first, last = next_units(s, project.standard, tonnes)
    issuance = Issuance(
        report_id=report.id,
        project_id=project.id,
        standard=project.standard,
        vintage=report.vintage,
        serial_range=serial_range(project, report.vintage, first, last),
        first_unit=first,
        last_unit=last,
        issued_by_id=user.id,
    )
    s.add(issuance)
    s.flush()
    s.add(
        Holding(
            participant_id=project.owner_id,
            issuance_id=issuance.id,
            standard=issuance.standard,
            first_unit=first,
            last_unit=last,
        )
    )
    s.add(
        Transfer(
            kind=TransferKind.issuance,
            issuance_id=issuance.id,
            to_participant_id=project.owner_id,
            first_unit=first,
            last_unit=last,
            by_id=user.id,
        )
    )
    s.flush()
    s.refresh(report)
    return issuance
