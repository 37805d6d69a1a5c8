"""Demo data of the 绿蓉融 database: the demo company applies to be listed as a green enterprise
(catalogue 2024, 7 绿色服务) and to list its validated Tianfu Greenway project as a green project
(2019, 5.6 园林绿化, its benefit from the registry's issuances); the operator lists both, and the
company's admin publishes its ESG disclosure. Illustrative, like the rest of the demo."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, Role, User
from backend.accounts.principal import Principal
from backend.finance import esg, listings
from backend.finance.listing_models import ListingKind, ListingState, Subject
from backend.registry.models import Participant, ProjectState, RegistryProject


def seed_green(
    s: Session, admin: User, company: Organisation, op_user: User, op_org: Organisation
) -> int:
    """The company's two listings, listed, and its disclosure published; how many listed."""
    owner = Principal(user=admin, roles={company.id: frozenset({Role.admin})})
    operator = Principal(user=op_user, roles={op_org.id: frozenset({Role.admin})}, operator=True)
    project = s.scalars(
        select(RegistryProject)
        .join(Participant, Participant.id == RegistryProject.owner_id)
        .where(
            Participant.organisation_id == company.id,
            RegistryProject.state == ProjectState.validated,
        )
        .order_by(RegistryProject.id)
    ).first()
    applications = [
        listings.NewApplication(
            subject=Subject.enterprise,
            kind=ListingKind.green,
            taxonomy_version="2024",
            taxonomy_code="7",
            statement="提供碳中和咨询、碳足迹核算与低碳场景运营服务（示例）。",
        )
    ]
    if project is not None:
        applications.append(
            listings.NewApplication(
                subject=Subject.project,
                kind=ListingKind.green,
                taxonomy_version="2019",
                taxonomy_code="5.6",
                statement="天府绿道沿线绿化与碳汇，CDCER 登记簿项目（示例）。",
                project_name_zh=project.name_zh,
                project_name_en=project.name_en,
                registry_project_id=project.id,
            )
        )
    for new in applications:
        made = listings.apply(s, owner, company.id, new)
        listings.transition(s, operator, made.id, ListingState.listed, None)
    esg.publish(s, owner, company.id, True)
    return len(applications)
