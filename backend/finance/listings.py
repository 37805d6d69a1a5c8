"""Applications to the 绿蓉融 database: an organisation's admins apply to list their enterprise
(绿色企业, 气候友好型企业) or a project (绿色项目, 气候投融资项目) with the taxonomy code it
claims, a statement and evidence files; the operator lists or rejects each one with a reason and
may delist a listed one with a reason. Every step is an append-only event; one live application
per (organisation, subject, kind, project) is the database's partial unique index."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import Role
from backend.accounts.principal import Principal
from backend.core.clock import utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.core.provinces import BY_CODE
from backend.finance import benefit, taxonomy
from backend.finance.listing_models import (
    ListingApplication,
    ListingDocument,
    ListingEvent,
    ListingKind,
    ListingState,
    Subject,
)
from backend.registry.documents import store
from backend.registry.models import Participant, RegistryProject
from backend.registry.storage import Storage

KINDS: dict[Subject, tuple[ListingKind, ...]] = {
    Subject.enterprise: (ListingKind.green, ListingKind.climate_friendly),
    Subject.project: (ListingKind.green, ListingKind.climate_investment),
}
KIND_REFUSED = {
    Subject.enterprise: "finance.kind_not_for_enterprise",
    Subject.project: "finance.kind_not_for_project",
}
# Who moves an application where: every move is the operator's.
MOVES: dict[ListingState, tuple[ListingState, ...]] = {
    ListingState.submitted: (ListingState.listed, ListingState.rejected),
    ListingState.listed: (ListingState.delisted,),
}
NEEDS_REASON = (ListingState.rejected, ListingState.delisted)


@dataclass(frozen=True)
class NewApplication:
    subject: Subject
    kind: ListingKind
    taxonomy_version: str
    taxonomy_code: str
    statement: str
    project_name_zh: str | None = None
    project_name_en: str | None = None
    province: str | None = None
    registry_project_id: int | None = None
    annual_mwh: int | None = None
    stated_t_per_year: int | None = None
    stated_method: str | None = None


def _admin(who: Principal, org_id: int) -> None:
    """The organisation's admins (operators support them); keys are not people."""
    who.require_user()
    who.authorize_org(org_id, roles=[Role.admin])


def _reader(who: Principal, org_id: int) -> None:
    """The organisation's people and operators; others 404; keys are not people (401)."""
    who.require_user()
    if not who.operator and org_id not in who.roles:
        raise NotFound("finance.no_such_application")


def _registry_project(s: Session, org_id: int, project_id: int) -> RegistryProject:
    project = s.get(RegistryProject, project_id)
    if project is None or s.get_one(Participant, project.owner_id).organisation_id != org_id:
        raise ValidationFailed("registry_project_id", "finance.not_your_registry_project")
    return project


def apply(s: Session, who: Principal, org_id: int, new: NewApplication) -> ListingApplication:
    """A new application, submitted, with its benefit if it is a project's."""
    _admin(who, org_id)
    user = who.require_user()
    if new.kind not in KINDS[new.subject]:
        raise ValidationFailed("kind", KIND_REFUSED[new.subject])
    category = taxonomy.category(new.taxonomy_version, new.taxonomy_code)
    row = ListingApplication(
        organisation_id=org_id,
        subject=new.subject,
        kind=new.kind,
        taxonomy_version=new.taxonomy_version,
        taxonomy_code=category.code,
        statement=new.statement,
        state=ListingState.submitted,
        applied_by_id=user.id,
    )
    if new.subject is Subject.enterprise:
        project_fields = ("project_name_zh", "project_name_en", "province", "registry_project_id")
        for name in (*project_fields, "annual_mwh", "stated_t_per_year", "stated_method"):
            if getattr(new, name) is not None:
                raise ValidationFailed(name, "finance.project_field_for_enterprise")
    else:
        _project_fields(s, org_id, new, row, category)
    s.add(row)
    try:
        with s.begin_nested():
            s.flush()
    except IntegrityError:
        raise Conflict("finance.application_open") from None
    _event(s, row, None, ListingState.submitted, None, user.id)
    return row


def _project_fields(
    s: Session,
    org_id: int,
    new: NewApplication,
    row: ListingApplication,
    category: taxonomy.Category,
) -> None:
    if not new.project_name_zh:
        raise ValidationFailed("project_name_zh", "finance.project_name_required")
    if new.province is not None and new.province not in BY_CODE:
        raise ValidationFailed("province", "finance.province")
    linked = None
    if new.registry_project_id is not None:
        linked = _registry_project(s, org_id, new.registry_project_id)
    province = linked.province if linked is not None else new.province
    got = benefit.for_project(
        s,
        category,
        registry_project=linked,
        province=province,
        annual_mwh=new.annual_mwh,
        stated_t=new.stated_t_per_year,
        stated_method=new.stated_method,
    )
    row.project_name_zh = new.project_name_zh
    row.project_name_en = new.project_name_en or new.project_name_zh
    row.province = province
    row.registry_project_id = linked.id if linked is not None else None
    row.annual_mwh = new.annual_mwh
    row.avoided_kg = got.avoided_kg
    row.benefit_method = got.method
    row.stated_method = got.stated_method
    row.trail_zh, row.trail_en = got.trail_zh, got.trail_en
    row.factor_set = got.factor_set
    if got.factor is not None:
        row.factor_key = got.factor.key
        row.factor_value = got.factor.value
        row.factor_unit = got.factor.unit
        row.factor_source = got.factor.source
        row.factor_year = got.factor.year


def _event(
    s: Session,
    row: ListingApplication,
    from_state: ListingState | None,
    to_state: ListingState,
    reason: str | None,
    by_id: int,
) -> None:
    s.add(
        ListingEvent(
            application_id=row.id,
            from_state=from_state.value if from_state else None,
            to_state=to_state.value,
            reason=reason,
            by_id=by_id,
        )
    )
    s.flush()


def get(s: Session, who: Principal, application_id: int) -> ListingApplication:
    """An application, for its organisation's people and operators (others: 404)."""
    who.require_user()
    row = s.get(ListingApplication, application_id)
    if row is None:
        raise NotFound("finance.no_such_application")
    _reader(who, row.organisation_id)
    return row


def of_organisation(s: Session, who: Principal, org_id: int) -> list[ListingApplication]:
    """An organisation's applications, newest first."""
    _reader(who, org_id)
    return list(
        s.scalars(
            select(ListingApplication)
            .where(ListingApplication.organisation_id == org_id)
            .order_by(ListingApplication.id.desc())
        )
    )


def review_queue(s: Session, who: Principal) -> list[ListingApplication]:
    """Submitted applications, oldest first (operators)."""
    who.require_operator()
    return list(
        s.scalars(
            select(ListingApplication)
            .where(ListingApplication.state == ListingState.submitted)
            .order_by(ListingApplication.id)
        )
    )


def transition(
    s: Session, who: Principal, application_id: int, to: ListingState, reason: str | None
) -> ListingApplication:
    """List, reject or delist (operators), under a row lock: two reviewers never both move it."""
    user = who.require_operator()
    row = s.scalar(
        select(ListingApplication)
        .where(ListingApplication.id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound("finance.no_such_application")
    if to not in MOVES.get(row.state, ()):
        raise Conflict(
            "finance.illegal_transition",
            params={"from_state": row.state.value, "to_state": to.value},
        )
    if to in NEEDS_REASON and not reason:
        raise ValidationFailed("reason", "finance.reason_required")
    before = row.state
    row.state, row.reason, row.decided_at = to, reason if to in NEEDS_REASON else None, utcnow()
    s.flush()
    _event(s, row, before, to, reason, user.id)
    return row


# --- evidence files ----------------------------------------------------------------------


def add_document(
    s: Session,
    storage: Storage,
    who: Principal,
    application_id: int,
    *,
    title: str,
    filename: str,
    data: bytes,
    max_bytes: int,
) -> ListingDocument:
    """A file of a submitted application (its organisation's admins): PDF, JPEG or PNG by its
    content, within the registry's document limit, deleted again if the request fails."""
    row = get(s, who, application_id)
    _admin(who, row.organisation_id)
    if row.state is not ListingState.submitted:
        raise Conflict("finance.application_decided", params={"state": row.state.value})
    kept = store(s, storage, f"finance/listings/{row.id}", data, max_bytes)
    doc = ListingDocument(
        application_id=row.id,
        title=title,
        filename=filename[-200:] or "document",
        content_type=kept.content_type,
        size=kept.size,
        sha256=kept.sha256,
        storage_key=kept.key,
        uploaded_by_id=who.require_user().id,
    )
    s.add(doc)
    s.flush()
    return doc


def get_document(
    s: Session, who: Principal, application_id: int, document_id: int
) -> ListingDocument:
    row = get(s, who, application_id)
    doc = s.get(ListingDocument, document_id)
    if doc is None or doc.application_id != row.id:
        raise NotFound("finance.no_such_document")
    return doc


# --- the public database -----------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: list[ListingApplication]
    total: int
    page: int
    per_page: int


def listed(
    s: Session,
    subject: Subject,
    *,
    kind: ListingKind | None,
    category: str | None,
    page: int,
    per_page: int,
) -> Page:
    """Listed entries, newest first; `category` a code and everything under it."""
    where = [ListingApplication.subject == subject, ListingApplication.state == ListingState.listed]
    if kind is not None:
        where.append(ListingApplication.kind == kind)
    if category is not None:
        where.append(
            (ListingApplication.taxonomy_code == category)
            | ListingApplication.taxonomy_code.startswith(category + ".", autoescape=True)
        )
    total = s.scalar(select(func.count()).select_from(ListingApplication).where(*where)) or 0
    items = list(
        s.scalars(
            select(ListingApplication)
            .where(*where)
            .order_by(ListingApplication.decided_at.desc(), ListingApplication.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items, total, page, per_page)


def public_project(s: Session, application_id: int) -> ListingApplication:
    """A listed project (anything else: 404)."""
    row = s.get(ListingApplication, application_id)
    if row is None or row.subject is not Subject.project or row.state is not ListingState.listed:
        raise NotFound("finance.no_such_listing")
    return row


def require_admin_person(who: Principal, org_id: int) -> None:
    """The organisation's own admins only: operators may not choose for it (403)."""
    who.require_user()
    if Role.admin in who.roles.get(org_id, ()):
        return
    if who.operator or org_id in who.roles:
        raise Forbidden("finance.admins_only")
    raise NotFound("accounts.no_organisation")
