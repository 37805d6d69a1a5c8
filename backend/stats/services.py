"""The yearly market report: the 点点 platform's operation tables, built from our own data.

Every figure comes from valid certificates issued in the year, in China Standard Time (a
certificate issued at 2024-12-31 20:00 UTC counts in 2025, January). A revoked certificate counts
nowhere. Masses are integer grams: the per-table grams are the allocations (the serial grams the
certificates retired), so each table adds up exactly to `mass_g`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, case, distinct, func, literal, select, type_coerce, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from backend.certificates.models import Certificate
from backend.certificates.view import CertificateStatus
from backend.courts.models import CourtOrder
from backend.credits.models import Allocation, Lot, Project, Standard, Unit
from backend.footprint.models import Footprint
from backend.orders.models import Order
from backend.points.models import Redemption
from backend.stats import labels

CHINA = ZoneInfo("Asia/Shanghai")
FIRST_YEAR, LAST_YEAR = 2000, 2100
TOP_PROJECTS = 10


def china_month(s: Session, column: Any) -> ColumnElement[str]:
    """`YYYY-MM` of a UTC timestamp column in China Standard Time (UTC+8, no DST), on either
    database."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The instants the year starts and ends in China (end excluded)."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)


def _rows(table: Counter[str], label: Any, keys: list[str] | None = None) -> list[dict[str, Any]]:
    """`table` as rows, heaviest first (then by key), or in the order of `keys` (zeros kept)."""
    order = keys if keys is not None else sorted(table, key=lambda k: (-table[k], k))
    return [
        {"key": k, "label_zh": label(k)[0], "label_en": label(k)[1], "mass_g": table[k]}
        for k in order
    ]


def report(s: Session, year: int) -> dict[str, Any]:
    """The report of `year`: neutralisations by scenario and month, grams by standard, project
    type, province and month, the top projects, and distinct beneficiaries and organisations."""
    start, end = year_bounds(year)
    valid = Certificate.status == CertificateStatus.valid
    in_year = (Certificate.issued_at >= start) & (Certificate.issued_at < end)
    month = china_month(s, Certificate.issued_at)

    # Grams by month and project (a lot's standard is its project's: a foreign key says so).
    grams = func.sum(Allocation.gram_end - Allocation.gram_start)
    by_month_project = s.execute(
        select(month, Lot.project_id, grams)
        .select_from(Certificate)
        .join(Allocation, Allocation.reservation_id == Certificate.reservation_id)
        .join(Unit, Unit.id == Allocation.unit_id)
        .join(Lot, Lot.id == Unit.lot_id)
        .where(valid, in_year)
        .group_by(month, Lot.project_id)
    ).all()
    project_ids = sorted({int(p) for _, p, _ in by_month_project})
    projects = {p.id: p for p in s.scalars(select(Project).where(Project.id.in_(project_ids)))}
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    standard: Counter[str] = Counter({k.value: 0 for k in Standard})
    ptype: Counter[str] = Counter()
    province: Counter[str] = Counter()
    month_g: Counter[str] = Counter({m: 0 for m in months})
    project_g: Counter[int] = Counter()
    for m, pid, g in by_month_project:
        p, g = projects[int(pid)], int(g)
        standard[p.standard.value] += g
        ptype[p.type.value] += g
        province[p.province or p.country] += g
        month_g[str(m)] += g
        project_g[p.id] += g

    # Certificates by scenario and month: what the certificate's order neutralised (a footprint's
    # kind), a court restoration, or a points redemption.
    kind = type_coerce(Footprint.kind, String)
    scenario = case(
        (CourtOrder.order_id.is_not(None), literal(labels.COURT_RESTORATION)),
        (Redemption.id.is_not(None), literal(labels.POINTS_REDEMPTION)),
        (Footprint.id.is_not(None), kind),
        else_=literal(labels.OTHER),
    )
    certified = (
        select(Certificate.id)
        .select_from(Certificate)
        .outerjoin(Order, Order.id == Certificate.order_id)
        .outerjoin(Footprint, Footprint.id == Order.footprint_id)
        .outerjoin(CourtOrder, CourtOrder.order_id == Certificate.order_id)
        .outerjoin(Redemption, Redemption.reservation_id == Certificate.reservation_id)
        .where(valid, in_year)
    )
    by_scenario_month = s.execute(
        certified.with_only_columns(
            scenario, month, func.count(), func.coalesce(func.sum(Certificate.mass_g), 0)
        ).group_by(scenario, month)
    ).all()
    sc_count: Counter[str] = Counter({k: 0 for k in labels.SCENARIOS})
    sc_mass: Counter[str] = Counter({k: 0 for k in labels.SCENARIOS})
    month_n: Counter[str] = Counter({m: 0 for m in months})
    for key, m, n, g in by_scenario_month:
        sc_count[str(key)] += int(n)
        sc_mass[str(key)] += int(g)
        month_n[str(m)] += int(n)

    # Top projects, with how many certificates drew on each.
    top = sorted(project_g, key=lambda p: (-project_g[p], p))[:TOP_PROJECTS]
    drew = dict(
        s.execute(
            select(Lot.project_id, func.count(distinct(Certificate.id)))
            .select_from(Certificate)
            .join(Allocation, Allocation.reservation_id == Certificate.reservation_id)
            .join(Unit, Unit.id == Allocation.unit_id)
            .join(Lot, Lot.id == Unit.lot_id)
            .where(valid, in_year, Lot.project_id.in_(top))
            .group_by(Lot.project_id)
        ).all()
    )

    # Who: distinct beneficiary names, organisations that ordered, people who ordered or
    # redeemed on their own account (counts only; no names leave the database).
    beneficiaries, organisations = s.execute(
        certified.with_only_columns(
            func.count(distinct(Certificate.beneficiary)),
            func.count(distinct(Order.organisation_id)),
        )
    ).one()
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
    cumulative_n, cumulative_g = s.execute(
        select(func.count(), func.coalesce(func.sum(Certificate.mass_g), 0)).where(
            valid, Certificate.issued_at < end
        )
    ).one()

    return {
        "year": year,
        "timezone": "Asia/Shanghai",
        "neutralisations": sum(sc_count.values()),
        "mass_g": sum(sc_mass.values()),
        "beneficiaries": int(beneficiaries),
        "organisations": int(organisations),
        "people": int(people or 0),
        "projects": len(project_g),
        "provinces": len(province),
        "cumulative": {"neutralisations": int(cumulative_n), "mass_g": int(cumulative_g)},
        "by_scenario": [
            {
                "key": k,
                "label_zh": labels.scenario(k)[0],
                "label_en": labels.scenario(k)[1],
                "neutralisations": sc_count[k],
                "mass_g": sc_mass[k],
            }
            for k in labels.SCENARIOS
        ],
        "by_standard": _rows(standard, labels.standard, [k.value for k in Standard]),
        "by_project_type": _rows(ptype, labels.project_type),
        "by_province": _rows(province, labels.province),
        "by_month": [
            {"key": m, "neutralisations": month_n[m], "mass_g": month_g[m]} for m in months
        ],
        "top_projects": [
            {
                "rank": rank,
                "project_id": p,
                "registry_id": projects[p].registry_id,
                "name_zh": projects[p].name_zh,
                "name_en": projects[p].name_en,
                "standard": projects[p].standard.value,
                "type": projects[p].type.value,
                "province": projects[p].province or projects[p].country,
                "mass_g": project_g[p],
                "neutralisations": int(drew.get(p, 0)),
            }
            for rank, p in enumerate(top, start=1)
        ],
    }
