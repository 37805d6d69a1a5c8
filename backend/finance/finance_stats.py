"""绿蓉融's statistics from our own rows (`GET /finance/stats`): amounts applied and facilitated,
institutions, registered enterprises, applications and published products by kind, each one
aggregate query; and the seed's published figures beside them (`data/lending_reference.toml`),
never added to ours.

The listed enterprises and projects (绿色企业, 绿色项目, 气候友好型企业, 气候投融资项目) are
counted from the listing applications in state `listed`, in one grouped query.

To add a figure: a field of `Figures`, one query in `ours`, one field of `LendingFiguresSchema`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind
from backend.finance.listing_models import ListingApplication, ListingKind, ListingState, Subject
from backend.finance.product_models import (
    Application,
    Leg,
    LegState,
    Product,
    ProductKind,
    ProductState,
)
from backend.registry.models import ParticipantRole, ParticipantRoleRow

FILE = Path(__file__).parent / "data" / "lending_reference.toml"


@dataclass(frozen=True)
class Figures:
    applied_fen: int  # every application's amount (withdrawn and declined ones too: applied)
    facilitated_fen: int  # disbursed amounts (促成融资: money that reached the enterprise)
    institutions: int  # exchange accounts in the financial-institution role
    enterprises: int  # organisations of kind company (注册的企业)
    applications: int
    credit_products: int  # published
    insurance_products: int  # published
    green_enterprises: int  # listed (入库) 绿色企业
    green_projects: int  # listed 绿色项目
    climate_enterprises: int  # listed 气候友好型企业
    climate_projects: int  # listed 气候投融资项目


@dataclass(frozen=True)
class FinanceStats:
    ours: Figures
    reference: dict[str, Any]


@cache
def reference() -> dict[str, Any]:
    with FILE.open("rb") as f:
        return tomllib.load(f)


def ours(s: Session) -> Figures:
    by_kind = dict(
        s.execute(
            select(Product.kind, func.count())
            .where(Product.state == ProductState.published)
            .group_by(Product.kind)
        ).all()
    )
    listed = dict(
        ((subject, kind), n)
        for subject, kind, n in s.execute(
            select(ListingApplication.subject, ListingApplication.kind, func.count())
            .where(ListingApplication.state == ListingState.listed)
            .group_by(ListingApplication.subject, ListingApplication.kind)
        ).all()
    )
    return Figures(
        applied_fen=s.scalar(select(func.coalesce(func.sum(Application.amount_fen), 0))) or 0,
        facilitated_fen=s.scalar(
            select(func.coalesce(func.sum(Leg.disbursed_fen), 0)).where(
                Leg.state == LegState.disbursed
            )
        )
        or 0,
        institutions=s.scalar(
            select(func.count()).where(
                ParticipantRoleRow.role == ParticipantRole.financial_institution
            )
        )
        or 0,
        enterprises=s.scalar(
            select(func.count())
            .select_from(Organisation)
            .where(Organisation.kind == OrgKind.company)
        )
        or 0,
        applications=s.scalar(select(func.count()).select_from(Application)) or 0,
        credit_products=by_kind.get(ProductKind.credit, 0),
        insurance_products=by_kind.get(ProductKind.insurance, 0),
        green_enterprises=listed.get((Subject.enterprise, ListingKind.green), 0),
        green_projects=listed.get((Subject.project, ListingKind.green), 0),
        climate_enterprises=listed.get((Subject.enterprise, ListingKind.climate_friendly), 0),
        climate_projects=listed.get((Subject.project, ListingKind.climate_investment), 0),
    )


def stats(s: Session) -> FinanceStats:
    return FinanceStats(ours(s), reference())
