"""Court-wide statistics, the courts below included: cases by status, grams required and
verified, by month (China's months, `clock.china_month`, as everywhere)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core.clock import china_month
from backend.core.errors import NotFound
from backend.courts import access
from backend.courts.models import (
    CaseStatus,
    Court,
    CourtCase,
    Defendant,
    MassBasis,
    Verification,
)


@dataclass(frozen=True)
class Month:
    month: str
    cases_opened: int
    mass_required_g: int
    mass_verified_g: int
    certificates_verified: int


@dataclass(frozen=True)
class CourtStats:
    """CourtStatsSchema: a court and every court below it."""

    court_id: int
    courts: list[int]
    cases_by_status: dict[str, int]
    cases: int
    mass_required_g: int
    mass_verified_g: int
    certificates_verified: int
    by_month: list[Month]


def of_court(s: Session, who: Principal, court_id: int) -> CourtStats:
    """The statistics of a court the caller sees and of every court below it."""
    access.require_visible(s, who, court_id, "courts.no_court")
    if s.get(Court, court_id) is None:
        raise NotFound("courts.no_court")
    courts = access.subtree(s, [court_id])
    months: dict[str, Counter[str]] = defaultdict(Counter)
    by_status: Counter[str] = Counter({status.value: 0 for status in CaseStatus})
    required = 0
    cases = s.execute(
        select(
            CourtCase.status,
            CourtCase.mass_g,
            CourtCase.mass_basis,
            CourtCase.created_at,
            func.count(Defendant.id),
        )
        .join(Defendant, Defendant.case_id == CourtCase.id)
        .where(CourtCase.court_id.in_(courts))
        .group_by(CourtCase.id)
    )
    for status, mass_g, basis, created_at, defendants in cases:
        need = mass_g * (defendants if basis == MassBasis.per_defendant else 1)
        by_status[str(status)] += 1
        required += need
        month = months[china_month(created_at)]
        month["cases_opened"] += 1
        month["mass_required_g"] += need
    verified = certificates = 0
    for verified_at, mass_g in s.execute(
        select(Verification.verified_at, Verification.mass_g).where(
            Verification.court_id.in_(courts)
        )
    ):
        verified += mass_g
        certificates += 1
        month = months[china_month(verified_at)]
        month["mass_verified_g"] += mass_g
        month["certificates_verified"] += 1
    keys = ("cases_opened", "mass_required_g", "mass_verified_g", "certificates_verified")
    return CourtStats(
        court_id=court_id,
        courts=sorted(courts),
        cases_by_status=dict(by_status),
        cases=sum(by_status.values()),
        mass_required_g=required,
        mass_verified_g=verified,
        certificates_verified=certificates,
        by_month=[Month(m, *(months[m][k] for k in keys)) for m in sorted(months)],
    )
