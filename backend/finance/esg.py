"""An organisation's ESG disclosure, generated from our own data, each figure with where it comes
from: its neutralisations (retired orders it bought, and their certificates), the credits retired
for it by standard and project, its CDCER registry projects with their issuances, and its listed
projects with their environmental benefit. Pledges are not shown yet (a pledge's
loan terms are the parties' to disclose, pledges.py).

Its admins publish it (an append-only record of who and when); unpublished it is 404 to the
public and visible to its people and operators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.accounts.principal import Principal
from backend.core.errors import NotFound
from backend.credits.models import GRAMS_PER_TONNE, Lot, Project, ReservationLine
from backend.finance import listings, taxonomy
from backend.finance.benefit import tonnes
from backend.finance.listing_models import (
    EsgPublication,
    ListingApplication,
    ListingState,
    Subject,
)
from backend.orders.models import Order, OrderStatus
from backend.registry.holdings import registry_id
from backend.registry.models import Issuance, Participant, RegistryProject

RECENT_CERTIFICATES = 20

# Where each figure comes from, zh then en (quoted on the page and in the PDF).
SOURCES: dict[str, tuple[str, str]] = {
    "neutralisations": (
        "点点订单记录：该机构下单并已注销（retired）的订单及其碳中和证书",
        "Diandian orders placed for the organisation and retired, with their certificates",
    ),
    "retired": (
        "点点订单的配额分配记录（订单→批次→项目），按标准与项目汇总",
        "The allocations of those orders (order → lot → project), by standard and project",
    ),
    "registry": (
        "点点 CDCER 登记簿：该机构交易账户名下的项目及签发记录",
        "Diandian's CDCER registry: the projects of the organisation's exchange account and "
        "their issuances",
    ),
    "listed": (
        "绿蓉融数据库：经运营方审核列入的项目及其环境效益计算",
        "The 绿蓉融 database: projects listed after the operator's review, with their benefit",
    ),
}


@dataclass(frozen=True)
class Publication:
    published: bool
    at: datetime | None
    by_id: int | None


@dataclass(frozen=True)
class RetiredLine:
    standard: str
    project_name_zh: str
    project_name_en: str
    registry_id: str
    mass_g: int

    @property
    def tonnes(self) -> str:
        return f"{self.mass_g / GRAMS_PER_TONNE:,.3f}"


@dataclass(frozen=True)
class RegistryLine:
    project: RegistryProject
    issued_t: int


@dataclass(frozen=True)
class Disclosure:
    organisation: Organisation
    publication: Publication
    orders_retired: int
    neutralised_g: int
    certificates: list[str]
    retired: list[RetiredLine]
    registry: list[RegistryLine]
    listed_projects: list[ListingApplication]
    listed_enterprise: list[ListingApplication]
    sources: dict[str, tuple[str, str]]

    @property
    def neutralised_t(self) -> str:
        return f"{self.neutralised_g / GRAMS_PER_TONNE:,.3f}"

    @property
    def avoided_kg(self) -> int:
        return sum(p.avoided_kg or 0 for p in self.listed_projects)


def publication(s: Session, org_id: int) -> Publication:
    last = s.scalars(
        select(EsgPublication)
        .where(EsgPublication.organisation_id == org_id)
        .order_by(EsgPublication.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return Publication(False, None, None)
    return Publication(last.published, last.at, last.by_id)


def readable(s: Session, who: Principal, org_id: int) -> Organisation:
    """The organisation if its disclosure is published, or the caller is one of its people or
    an operator; 404 otherwise."""
    org = s.get(Organisation, org_id)
    if org is None:
        raise NotFound("finance.no_disclosure")
    if publication(s, org_id).published:
        return org
    if who.user is not None and (who.operator or org_id in who.roles):
        return org
    raise NotFound("finance.no_disclosure")


def publish(s: Session, who: Principal, org_id: int, published: bool) -> Publication:
    """Publish or withdraw (the organisation's admins, recorded with who and when)."""
    listings.require_admin_person(who, org_id)
    user = who.require_user()
    s.add(EsgPublication(organisation_id=org_id, published=published, by_id=user.id))
    s.flush()
    return publication(s, org_id)


def disclosure(s: Session, who: Principal, org_id: int) -> Disclosure:
    org = readable(s, who, org_id)
    retired_orders = (Order.organisation_id == org_id, Order.status == OrderStatus.retired)
    count, mass = s.execute(
        select(func.count(), func.coalesce(func.sum(Order.mass_g), 0)).where(*retired_orders)
    ).one()
    certificates = list(
        s.scalars(
            select(Order.certificate_number)
            .where(*retired_orders, Order.certificate_number.is_not(None))
            .order_by(Order.retired_at.desc())
            .limit(RECENT_CERTIFICATES)
        )
    )
    by_project = s.execute(
        select(
            Project.standard,
            Project.name_zh,
            Project.name_en,
            Project.registry_id,
            func.sum(ReservationLine.mass_g),
        )
        .select_from(Order)
        .join(ReservationLine, ReservationLine.reservation_id == Order.reservation_id)
        .join(Lot, Lot.id == ReservationLine.lot_id)
        .join(Project, Project.id == Lot.project_id)
        .where(*retired_orders)
        .group_by(Project.standard, Project.name_zh, Project.name_en, Project.registry_id)
        .order_by(Project.standard, Project.registry_id)
    ).all()
    retired = [RetiredLine(str(st.value), zh, en, rid, int(g)) for st, zh, en, rid, g in by_project]
    issued = (
        select(
            RegistryProject,
            func.coalesce(
                select(func.sum(Issuance.last_unit - Issuance.first_unit + 1))
                .where(Issuance.project_id == RegistryProject.id)
                .scalar_subquery(),
                0,
            ),
        )
        .join(Participant, Participant.id == RegistryProject.owner_id)
        .where(Participant.organisation_id == org_id)
        .order_by(RegistryProject.id)
    )
    registry = [RegistryLine(p, int(t)) for p, t in s.execute(issued).all()]
    listed = list(
        s.scalars(
            select(ListingApplication)
            .where(
                ListingApplication.organisation_id == org_id,
                ListingApplication.state == ListingState.listed,
            )
            .order_by(ListingApplication.id)
        )
    )
    return Disclosure(
        organisation=org,
        publication=publication(s, org_id),
        orders_retired=int(count),
        neutralised_g=int(mass),
        certificates=[c for c in certificates if c],
        retired=retired,
        registry=registry,
        listed_projects=[a for a in listed if a.subject is Subject.project],
        listed_enterprise=[a for a in listed if a.subject is Subject.enterprise],
        sources=SOURCES,
    )


# --- the page in one language -------------------------------------------------------------


@dataclass(frozen=True)
class RetiredRow:
    standard: str
    project: str
    registry_id: str
    tonnes: str
    mass_g: int


@dataclass(frozen=True)
class RegistryRow:
    id: int
    project: str
    methodology: str
    state: str
    issued_t: int


@dataclass(frozen=True)
class ListedRow:
    id: int
    project: str
    kind: str
    taxonomy: str
    avoided_t_per_year: str
    method: str
    trail: str


@dataclass(frozen=True)
class EsgView:
    organisation_id: int
    organisation_name: str
    lang: str
    published: bool
    published_at: datetime | None
    orders_retired: int
    neutralised_t: str
    neutralised_g: int
    certificates: list[str]
    retired: list[RetiredRow]
    registry: list[RegistryRow]
    listed: list[ListedRow]
    enterprise_listings: list[str]
    avoided_t_per_year: str
    sources: dict[str, str]


KIND_NAMES: dict[str, tuple[str, str]] = {
    "enterprise:green": ("绿色企业", "Green enterprise"),
    "enterprise:climate_friendly": ("气候友好型企业", "Climate-friendly enterprise"),
    "project:green": ("绿色项目", "Green project"),
    "project:climate_investment": ("气候投融资项目", "Climate investment project"),
}
METHOD_NAMES: dict[str, tuple[str, str]] = {
    "grid_displacement": ("按电网排放因子计算", "Computed from the grid factor"),
    "registry_issuance": ("按登记簿核证签发量计算", "Computed from registry issuances"),
    "registry_expected": ("登记簿预计减排量（估算）", "Registry expected reductions (estimate)"),
    "stated": ("申报值，未经计算", "Stated, not computed"),
}
STATES: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "Draft"),
    "submitted": ("已提交", "Submitted"),
    "validated": ("已审定", "Validated"),
    "rejected": ("已驳回", "Rejected"),
}


def kind_name(a: ListingApplication, lang: str) -> str:
    zh, en = KIND_NAMES[f"{a.subject.value}:{a.kind.value}"]
    return zh if lang == "zh" else en


def taxonomy_label(a: ListingApplication, lang: str) -> str:
    cat = taxonomy.find(a.taxonomy_version, a.taxonomy_code)
    name = "" if cat is None else (cat.name_zh if lang == "zh" else cat.name_en)
    version = f"{a.taxonomy_version}年版" if lang == "zh" else f"{a.taxonomy_version} edition"
    if lang == "zh":
        return f"{a.taxonomy_code} {name}（{version}）"
    return f"{a.taxonomy_code} {name} ({version})"


def localised(d: Disclosure, lang: str) -> EsgView:
    pick = 0 if lang == "zh" else 1
    return EsgView(
        organisation_id=d.organisation.id,
        organisation_name=d.organisation.name,
        lang=lang,
        published=d.publication.published,
        published_at=d.publication.at if d.publication.published else None,
        orders_retired=d.orders_retired,
        neutralised_t=d.neutralised_t,
        neutralised_g=d.neutralised_g,
        certificates=d.certificates,
        retired=[
            RetiredRow(
                r.standard,
                r.project_name_zh if pick == 0 else r.project_name_en,
                r.registry_id,
                r.tonnes,
                r.mass_g,
            )
            for r in d.retired
        ],
        registry=[
            RegistryRow(
                r.project.id,
                r.project.name_zh if pick == 0 else r.project.name_en,
                f"{r.project.methodology} · {registry_id(r.project)}",
                STATES[r.project.state.value][pick],
                r.issued_t,
            )
            for r in d.registry
        ],
        listed=[
            ListedRow(
                a.id,
                (a.project_name_zh if pick == 0 else a.project_name_en) or "",
                kind_name(a, lang),
                taxonomy_label(a, lang),
                tonnes(a.avoided_kg or 0),
                METHOD_NAMES[a.benefit_method.value][pick] if a.benefit_method else "",
                (a.trail_zh if pick == 0 else a.trail_en) or "",
            )
            for a in d.listed_projects
        ],
        enterprise_listings=[
            f"{kind_name(a, lang)} · {taxonomy_label(a, lang)}" for a in d.listed_enterprise
        ],
        avoided_t_per_year=tonnes(d.avoided_kg),
        sources={k: v[pick] for k, v in d.sources.items()},
    )
