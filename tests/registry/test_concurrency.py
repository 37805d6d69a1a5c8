"""On PostgreSQL: issuances racing for the last verified tonnes of a report, and for the next
serial numbers of the standard."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import select

from backend.accounts.models import OrgKind
from backend.accounts.principal import Principal
from backend.core import uow
from backend.core.errors import Conflict
from backend.credits.models import Standard
from backend.registry import checks, holdings, issuance
from backend.registry.issuance import OverIssuance
from backend.registry.models import (
    Holding,
    Issuance,
    MonitoringReport,
    Participant,
    ParticipantRole,
    ParticipantRoleRow,
    ProjectState,
    RegistryProject,
    ReportState,
)
from tests import factories as f
from tests.concurrency import together

THREADS = 8


def _verified_reports(s, n: int, verified_t: int) -> list[int]:
    owner = f.user(s)
    org = f.organisation(s, OrgKind.company, admin=owner)
    p = Participant(
        organisation_id=org.id,
        uscc="91330100799655058B",
        legal_representative="王",
        contact_name="李",
        contact_phone="+8613912345678",
    )
    s.add(p)
    s.flush()
    s.add(ParticipantRoleRow(participant_id=p.id, role=ParticipantRole.project_owner))
    project = RegistryProject(
        owner_id=p.id,
        standard=Standard.CDCER,
        methodology="CDCER-LD",
        name_zh="绿道",
        name_en="Greenway",
        province="CN-SC",
        city="成都市",
        latitude=30.6,
        longitude=104.1,
        crediting_start=date(2020, 1, 1),
        crediting_end=date(2030, 12, 31),
        expected_annual_t=1000,
        state=ProjectState.validated,
    )
    s.add(project)
    s.flush()
    reports = [
        MonitoringReport(
            project_id=project.id,
            period_start=date(2021 + i, 1, 1),
            period_end=date(2021 + i, 12, 31),
            claimed_t=verified_t,
            state=ReportState.verified,
            verified_t=verified_t,
            issued_t=0,
        )
        for i in range(n)
    ]
    s.add_all(reports)
    s.commit()
    return [r.id for r in reports]


def _operator(s) -> Principal:
    return Principal(user=f.user(s, "运营"), operator=True)


def test_issuances_racing_for_the_last_verified_tonnes_one_wins(committing):
    with committing() as s:
        [rid] = _verified_reports(s, 1, verified_t=40)
        operator = _operator(s)

    def go(_: int) -> int:
        with committing() as s, uow.transaction(s):
            return issuance.issue(s, operator, rid, 40).tonnes

    results = together(THREADS, go)
    assert results.count(40) == 1, results
    assert all(r == 40 or isinstance(r, OverIssuance) for r in results), results
    with committing() as s:
        report = s.get_one(MonitoringReport, rid)
        assert (report.issued_t, report.verified_t) == (40, 40)
        assert checks.violations(s) == []


def test_issuances_of_many_reports_at_once_get_disjoint_serials(committing):
    with committing() as s:
        reports = _verified_reports(s, THREADS, verified_t=10)
        operator = _operator(s)

    def go(i: int) -> tuple[int, int]:
        with committing() as s, uow.transaction(s):
            done = issuance.issue(s, operator, reports[i], 10)
            return done.first_unit, done.last_unit

    results = together(THREADS, go)
    assert all(isinstance(r, tuple) for r in results), results
    ranges = sorted(results)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges)), ranges
    with committing() as s:
        assert (
            len(s.scalars(select(Issuance).where(Issuance.report_id.in_(reports))).all()) == THREADS
        )
        assert checks.violations(s) == []


def test_moves_racing_for_one_holding_never_take_more_than_it_holds(committing):
    with committing() as s:
        [rid] = _verified_reports(s, 1, verified_t=100)
        operator = _operator(s)
    with committing() as s, uow.transaction(s):
        held = issuance.issue(s, operator, rid, 100)
    with committing() as s:
        holding_id = s.scalars(select(Holding.id).where(Holding.issuance_id == held.id)).one()

    def go(_: int) -> int:
        with committing() as s, uow.transaction(s):
            moved = holdings.to_inventory(
                s, operator, holding_id, 60, acquisition_cost_fen=0, price_fen_per_t=1000
            )
            return moved.transfer.tonnes

    results = together(THREADS, go)
    assert results.count(60) == 1, results
    assert all(r == 60 or isinstance(r, Conflict) for r in results), results
    with committing() as s:
        assert s.get_one(Holding, holding_id).tonnes == 40
        assert checks.violations(s) == []
