"""Projects and lots: what operators add and what anyone can browse."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.credits.models import GRAMS_PER_TONNE, Lot, Project, ProjectType, Standard


class OverlappingUnits(Conflict):
    slug, title = "overlapping-units", "The unit range overlaps an existing lot"


@dataclass(frozen=True)
class ProjectFilter:
    standards: tuple[Standard, ...] = ()
    types: tuple[ProjectType, ...] = ()
    regions: tuple[str, ...] = ()
    vintage_from: int | None = None
    vintage_to: int | None = None
    has_available: bool | None = None


@dataclass(frozen=True)
class NewProject:
    standard: Standard
    registry_id: str
    name_zh: str
    name_en: str
    type: ProjectType
    methodology: str
    country: str
    province: str | None = None
    description: str = ""


@dataclass(frozen=True)
class LotFields:
    """A lot of whole tonnes: registry units `first_unit`..`last_unit` of one vintage."""

    vintage: int
    serial_range: str
    first_unit: int
    last_unit: int
    acquisition_cost_fen: int
    price_fen_per_t: int


@dataclass(frozen=True)
class NewLot(LotFields):
    project_id: int


@dataclass(frozen=True)
class Vintage:
    vintage: int
    tonnes: int
    available_g: int


@dataclass(frozen=True)
class ProjectStock:
    """A project with the grams available in its lots (and, for one project, by vintage)."""

    project: Project
    available_g: int
    vintages: list[Vintage] = field(default_factory=list)


def create_project(s: Session, new: NewProject) -> Project:
    """A new project; (standard, registry id) is unique."""
    project = Project(**asdict(new))
    s.add(project)
    try:
        s.flush()
    except IntegrityError:
        raise Conflict(
            "credits.project_exists",
            params={"standard": str(new.standard), "registry_id": new.registry_id},
        ) from None
    return project


def new_lot(project: Project, fields: LotFields) -> Lot:
    """A lot (not yet added) with all of its grams available."""
    if fields.last_unit < fields.first_unit:
        raise ValidationFailed("last_unit", "credits.last_unit_below_first")
    return Lot(
        project_id=project.id,
        standard=project.standard,
        vintage=fields.vintage,
        serial_range=fields.serial_range.strip(),
        first_unit=fields.first_unit,
        last_unit=fields.last_unit,
        acquisition_cost_fen=fields.acquisition_cost_fen,
        price_fen_per_t=fields.price_fen_per_t,
        available_g=(fields.last_unit - fields.first_unit + 1) * GRAMS_PER_TONNE,
        reserved_g=0,
        allocated_g=0,
    )


def overlapping(s: Session, lot: Lot) -> Lot | None:
    """An existing lot of the same registry whose units overlap `lot`'s."""
    return s.scalars(
        select(Lot)
        .where(
            Lot.standard == lot.standard,
            Lot.first_unit <= lot.last_unit,
            Lot.last_unit >= lot.first_unit,
        )
        .limit(1)
    ).first()


def add_lot(s: Session, new: NewLot) -> Lot:
    """Add a lot; a unit range that overlaps another lot of the registry is a 409."""
    project = s.get(Project, new.project_id)
    if project is None:
        raise ValidationFailed("project_id", "credits.no_such_project")
    return _insert(s, new_lot(project, new))


def add_issued_lot(
    s: Session, project: NewProject, fields: LotFields, registry_issuance_id: int
) -> Lot:
    """Tonnes moved into the inventory from a holding on 点点's own registry: the project is
    found by its standard and registry id (or added), and the lot names the issuance."""
    found = s.scalars(
        select(Project).where(
            Project.standard == project.standard, Project.registry_id == project.registry_id
        )
    ).first()
    lot = new_lot(found or create_project(s, project), fields)
    lot.registry_issuance_id = registry_issuance_id
    return _insert(s, lot)


def _insert(s: Session, lot: Lot) -> Lot:
    clash = overlapping(s, lot)
    if clash is not None:
        raise OverlappingUnits(
            "credits.units_overlap_lot",
            params={"first": lot.first_unit, "last": lot.last_unit, "lot_id": clash.id},
        )
    s.add(lot)
    try:
        s.flush()
    except IntegrityError:  # a concurrent insert won the range: the database said no
        raise OverlappingUnits("credits.units_overlap") from None
    return lot


def projects(s: Session, f: ProjectFilter) -> list[ProjectStock]:
    """Projects with the grams available in lots matching the vintage range."""
    lot_filter = [Lot.project_id == Project.id]
    if f.vintage_from is not None:
        lot_filter.append(Lot.vintage >= f.vintage_from)
    if f.vintage_to is not None:
        lot_filter.append(Lot.vintage <= f.vintage_to)
    avail = (
        select(func.coalesce(func.sum(Lot.available_g), 0))
        .where(*lot_filter)
        .correlate(Project)
        .scalar_subquery()
    )
    q = select(Project, avail).order_by(Project.standard, Project.id)
    if f.standards:
        q = q.where(Project.standard.in_(f.standards))
    if f.types:
        q = q.where(Project.type.in_(f.types))
    if f.regions:
        q = q.where(Project.province.in_(f.regions) | Project.country.in_(f.regions))
    if f.vintage_from is not None or f.vintage_to is not None:
        q = q.where(select(Lot.id).where(*lot_filter).exists())
    if f.has_available is True:
        q = q.where(avail > 0)
    elif f.has_available is False:
        q = q.where(avail == 0)
    return [ProjectStock(p, int(a)) for p, a in s.execute(q)]


def project(s: Session, project_id: int) -> ProjectStock:
    """A project with its tonnes and grams available by vintage."""
    p = s.get(Project, project_id)
    if p is None:
        raise NotFound("credits.no_such_project")
    rows = s.execute(
        select(Lot.vintage, func.sum(Lot.last_unit - Lot.first_unit + 1), func.sum(Lot.available_g))
        .where(Lot.project_id == project_id)
        .group_by(Lot.vintage)
        .order_by(Lot.vintage)
    )
    vintages = [Vintage(int(v), int(t), int(a)) for v, t, a in rows]
    return ProjectStock(p, sum(v.available_g for v in vintages), vintages)


def lots(s: Session, project_id: int | None) -> list[Lot]:
    """Lots, optionally of one project, newest first."""
    q = select(Lot).order_by(Lot.id.desc())
    if project_id is not None:
        q = q.where(Lot.project_id == project_id)
    return list(s.scalars(q))
