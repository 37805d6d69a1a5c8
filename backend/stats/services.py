"""The yearly market report: the 点点 platform's operation tables, built from our own data.

Every figure comes from valid certificates issued in the year, in China Standard Time (a
certificate issued at 2024-12-31 20:00 UTC counts in 2025, January): years and months are
`core.clock`'s, as on `/stats`. A revoked certificate counts nowhere. Masses are integer grams:
the per-table grams are the allocations (the serial grams the certificates retired), so each
table adds up exactly to `mass_g`. The grams are split, as of now, into those in units retired
at their registry and those whose registry retirement is pending: pending grams are allocated
to their beneficiaries but not yet retired at the registry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Select, String, case, distinct, func, literal, select, type_coerce, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from backend.certificates.models import Certificate
from backend.certificates.view import CertificateStatus
from backend.core import provinces
from backend.core.clock import CHINA_NAME, china_day_start, month_sql
from backend.courts.models import CourtOrder
from backend.credits.models import Allocation, Lot, Project, Standard, Unit
from backend.footprint.models import Footprint
from backend.orders.models import Order
from backend.points import statistics
from backend.points.models import Redemption
from backend.stats import labels, market
from backend.stats.report import (
    MarketReport,
    MonthRow,
    Row,
    ScenarioRow,
    TopProject,
    Totals,
)

FIRST_YEAR, LAST_YEAR = 2000, 2100
TOP_PROJECTS = 10

Label = labels.Label


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The instants the year starts and ends in China (end excluded)."""
    return china_day_start(date(year, 1, 1)), china_day_start(date(year + 1, 1, 1))


def report(s: Session, year: int) -> MarketReport:
    """The report of `year`: neutralisations by scenario and month, grams by standard, project
    type, province and month, the top projects, and distinct beneficiaries and organisations;
    and the carbon-inclusion points of the year (actions by when they occurred, transfers,
    fundings and redemptions by when they were made)."""
    start, end = year_bounds(year)
    valid = Certificate.status == CertificateStatus.valid
    in_year = valid & (Certificate.issued_at >= start) & (Certificate.issued_at < end)
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    g = _Grams.of(s, in_year, months)
    certified = _certified(in_year)
    scenarios = _scenarios(s, certified)
    month_n = _neutralisations_by_month(s, certified, months)
    beneficiaries, organisations = s.execute(
        certified.with_only_columns(
            func.count(distinct(Certificate.beneficiary)),
            func.count(distinct(Order.organisation_id)),
        )
    ).one()
    cumulative_n, cumulative_g = s.execute(
        select(func.count(), func.coalesce(func.sum(Certificate.mass_g), 0)).where(
            valid, Certificate.issued_at < end
        )
    ).one()
    mass = sum(r.mass_g for r in scenarios)
    retired = sum(g.retired.standard.values())
    return MarketReport(
        year=year,
        timezone=CHINA_NAME,
        neutralisations=sum(r.neutralisations for r in scenarios),
        mass_g=mass,
        registry_retired_g=retired,
        registry_pending_g=mass - retired,
        beneficiaries=int(beneficiaries),
        organisations=int(organisations),
        people=_people(s, certified),
        projects=len(g.project),
        provinces=len(g.province),
        cumulative=Totals(int(cumulative_n), int(cumulative_g)),
        by_scenario=scenarios,
        by_standard=_rows(
            g.standard, g.retired.standard, labels.standard, [k.value for k in Standard]
        ),
        by_project_type=_rows(g.type, g.retired.type, labels.project_type),
        by_province=_rows(
            g.province,
            g.retired.province,
            labels.province,
            sorted(g.province, key=provinces.order),
        ),
        by_month=tuple(MonthRow(m, month_n[m], g.month[m]) for m in months),
        top_projects=_top_projects(s, in_year, g),
        points=statistics.flows(s, (start, end)),
        market=market.section(s, year, start, end),
    )


def _rows(
    table: Counter[str], retired: Counter[str], label: Label, keys: list[str] | None = None
) -> tuple[Row, ...]:
    """`table` as rows, heaviest first (then by key), or in the order of `keys` (zeros kept),
    each with its grams retired at the registry and pending there."""
    order = keys if keys is not None else sorted(table, key=lambda k: (-table[k], k))
    return tuple(Row(k, *label(k), table[k], retired[k], table[k] - retired[k]) for k in order)


class _Tables:
    """Grams by standard, project type, province, month and project."""

    def __init__(self, months: Iterable[str]) -> None:
        self.standard: Counter[str] = Counter({k.value: 0 for k in Standard})
        self.type: Counter[str] = Counter()
        self.province: Counter[str] = Counter()
        self.month: Counter[str] = Counter({m: 0 for m in months})
        self.project: Counter[int] = Counter()

    def add(self, p: Project, month: str, grams: int) -> None:
        self.standard[p.standard.value] += grams
        self.type[p.type.value] += grams
        self.province[p.province or p.country] += grams
        self.month[month] += grams
        self.project[p.id] += grams


class _Grams(_Tables):
    """The year's allocated grams by standard, project type, province, month and project (a
    lot's standard is its project's: a foreign key says so), and the same for the grams in
    units retired at their registry (`retired`)."""

    def __init__(self, projects: dict[int, Project], months: Iterable[str]) -> None:
        super().__init__(months)
        self.projects = projects
        self.retired = _Tables(months)

    @classmethod
    def of(cls, s: Session, in_year: ColumnElement[bool], months: list[str]) -> _Grams:
        month = month_sql(s, Certificate.issued_at)
        at_registry = Unit.retirement_id.is_not(None)
        rows = s.execute(
            _allocated(select(month, Lot.project_id, at_registry, _grams()))
            .where(in_year)
            .group_by(month, Lot.project_id, at_registry)
        ).all()
        ids = sorted({int(p) for _, p, _, _ in rows})
        projects = {p.id: p for p in s.scalars(select(Project).where(Project.id.in_(ids)))}
        out = cls(projects, months)
        for m, pid, retired, grams in rows:
            out.add(projects[int(pid)], str(m), int(grams))
            if retired:
                out.retired.add(projects[int(pid)], str(m), int(grams))
        return out


def _grams() -> ColumnElement[int]:
    return func.sum(Allocation.gram_end - Allocation.gram_start)


def _allocated(q: Select) -> Select:
    """`q` over certificates joined to the lots their allocations took grams from."""
    return (
        q.select_from(Certificate)
        .join(Allocation, Allocation.reservation_id == Certificate.reservation_id)
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
    )


def _certified(in_year: ColumnElement[bool]) -> Select:
    """The year's valid certificates, joined to what they came from (an order and its
    footprint, a court order, a points redemption)."""
    return (
        select(Certificate.id)
        .select_from(Certificate)
        .outerjoin(Order, Order.id == Certificate.order_id)
        .outerjoin(Footprint, Footprint.id == Order.footprint_id)
        .outerjoin(CourtOrder, CourtOrder.order_id == Certificate.order_id)
        .outerjoin(Redemption, Redemption.reservation_id == Certificate.reservation_id)
        .where(in_year)
    )


def _scenarios(s: Session, certified: Select) -> tuple[ScenarioRow, ...]:
    """Certificates and grams by what the certificate's order neutralised (a footprint's
    kind), a court restoration, or a points redemption."""
    scenario = case(
        (CourtOrder.order_id.is_not(None), literal(labels.COURT_RESTORATION)),
        (Redemption.id.is_not(None), literal(labels.POINTS_REDEMPTION)),
        (Footprint.id.is_not(None), type_coerce(Footprint.kind, String)),
        else_=literal(labels.OTHER),
    )
    rows = s.execute(
        certified.with_only_columns(
            scenario, func.count(), func.coalesce(func.sum(Certificate.mass_g), 0)
        ).group_by(scenario)
    ).all()
    count: Counter[str] = Counter()
    mass: Counter[str] = Counter()
    for key, n, grams in rows:
        count[str(key)] += int(n)
        mass[str(key)] += int(grams)
    return tuple(
        ScenarioRow(k, *labels.scenario(k), neutralisations=count[k], mass_g=mass[k])
        for k in labels.SCENARIOS
    )


def _neutralisations_by_month(
    s: Session,
    certified: Select,
    months: list[str],
) -> Counter[str]:
    month = month_sql(s, Certificate.issued_at)
    out: Counter[str] = Counter({m: 0 for m in months})
    for m, n in s.execute(certified.with_only_columns(month, func.count()).group_by(month)):
        out[str(m)] += int(n)
    return out


def _people(s: Session, certified: Select) -> int:
    """People who ordered or redeemed on their own account (a count; no names leave the
    database)."""
    people = s.scalar(
        select(func.count()).select_from(
            union(
                certified.with_only_columns(Order.user_id).where(
                    Order.organisation_id.is_(None), Order.user_id.is_not(None)
                ),
                certified.with_only_columns(Redemption.user_id).where(
                    Redemption.user_id.is_not(None)
                ),
            ).subquery()
        )
    )
    return int(people or 0)


def _top_projects(s: Session, in_year: ColumnElement[bool], g: _Grams) -> tuple[TopProject, ...]:
    """The heaviest projects, with how many certificates drew on each."""
    top = sorted(g.project, key=lambda p: (-g.project[p], p))[:TOP_PROJECTS]
    drew = dict(
        s.execute(
            _allocated(select(Lot.project_id, func.count(distinct(Certificate.id))))
            .where(in_year, Lot.project_id.in_(top))
            .group_by(Lot.project_id)
        ).all()
    )
    return tuple(
        TopProject(
            rank=rank,
            project_id=p,
            registry_id=g.projects[p].registry_id,
            name_zh=g.projects[p].name_zh,
            name_en=g.projects[p].name_en,
            standard=g.projects[p].standard.value,
            type=g.projects[p].type.value,
            province=g.projects[p].province or g.projects[p].country,
            mass_g=g.project[p],
            neutralisations=int(drew.get(p, 0)),
        )
        for rank, p in enumerate(top, start=1)
    )
