"""The public project list and page (like the exchange's 项目公示): validated projects with
their methodology, place, issuances and the volume retired from them. No personal data: the
owner is named by its organisation only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.errors import NotFound
from backend.credits.models import Lot
from backend.registry import catalogue
from backend.registry.catalogue import Methodology
from backend.registry.holdings import registry_id
from backend.registry.models import Issuance, ProjectState, RegistryProject


@dataclass(frozen=True)
class PublicProject:
    project: RegistryProject
    issued_t: int
    retired_g: int
    issuances: list[Issuance] = field(default_factory=list)

    @property
    def registry_id(self) -> str:
        return registry_id(self.project)

    @property
    def methodology(self) -> Methodology:
        return catalogue.methodologies()[self.project.methodology]

    @property
    def owner_name(self) -> str:
        return self.project.owner.organisation.name


def _figures(s: Session, project_ids: list[int]) -> dict[int, tuple[int, int]]:
    issued = dict(
        s.execute(
            select(Issuance.project_id, func.sum(Issuance.last_unit - Issuance.first_unit + 1))
            .where(Issuance.project_id.in_(project_ids))
            .group_by(Issuance.project_id)
        ).all()
    )
    retired = dict(
        s.execute(
            select(Issuance.project_id, func.sum(Lot.allocated_g))
            .join(Lot, Lot.registry_issuance_id == Issuance.id)
            .where(Issuance.project_id.in_(project_ids))
            .group_by(Issuance.project_id)
        ).all()
    )
    return {p: (int(issued.get(p) or 0), int(retired.get(p) or 0)) for p in project_ids}


def listing(s: Session) -> list[PublicProject]:
    """Every validated project, newest first."""
    found = list(
        s.scalars(
            select(RegistryProject)
            .where(RegistryProject.state == ProjectState.validated)
            .order_by(RegistryProject.id.desc())
        )
    )
    figures = _figures(s, [p.id for p in found])
    return [PublicProject(p, *figures[p.id]) for p in found]


def page(s: Session, project_id: int) -> PublicProject:
    """One validated project with its issuance history."""
    p = s.get(RegistryProject, project_id)
    if p is None or p.state != ProjectState.validated:
        raise NotFound("registry.no_such_project")
    issuances = list(
        s.scalars(select(Issuance).where(Issuance.project_id == p.id).order_by(Issuance.id))
    )
    return PublicProject(p, *_figures(s, [p.id])[p.id], issuances=issuances)
