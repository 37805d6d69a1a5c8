"""Financing applications (绿蓉融's 在线申请融资): an enterprise's admins apply for an amount and
a term against one or more published products, stating the project; each product makes a leg
its institution handles (applied → under_review → approved → disbursed, or declined with a
reason; the applicant may withdraw before approval). Every step is a row of `finance_leg_steps`.

Who sees what: operators see every application; the applicant organisation's people see theirs;
an institution's people see an application only through a leg on one of its products, and only
those legs. Anyone else gets 404: an application outside an institution's products does not
exist for it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from backend.accounts.models import Organisation, User
from backend.accounts.principal import Principal
from backend.core.clock import china_date, utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.credits.models import ProjectType
from backend.finance import products
from backend.finance.product_models import (
    Application,
    Leg,
    LegState,
    Product,
    ProductState,
    Step,
)
from backend.registry.models import Participant, RegistryProject

# A 绿色产业指导目录 code as the 2019 catalogue numbers its categories: a top-level category
# 1-6 and up to three more levels (e.g. "3.2.2" 可再生能源设施建设和运营, "1.1.1.1"). The
# catalogue itself, with its versions, is another part's (our reading of 发改环资〔2019〕293号).
TAXONOMY_CODE = re.compile(r"^[1-9](\.[0-9]{1,2}){0,3}$")

# which states each transition leaves from
FROM: dict[LegState, tuple[LegState, ...]] = {
    LegState.under_review: (LegState.applied,),
    LegState.approved: (LegState.under_review,),
    LegState.disbursed: (LegState.approved,),
    LegState.declined: (LegState.applied, LegState.under_review),
    LegState.withdrawn: (LegState.applied, LegState.under_review),
}


@dataclass(frozen=True)
class NewApplication:
    amount_fen: int
    term_months: int
    project_type: ProjectType
    description: str
    product_ids: list[int]
    registry_project_id: int | None = None
    taxonomy_code: str | None = None


@dataclass(frozen=True)
class Transition:
    to: LegState
    amount_fen: int | None = None
    disbursed_on: date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ApplicationView:
    """An application with the legs its caller may see."""

    application: Application
    legs: Sequence[Leg]


def _org_admin(s: Session, who: Principal, org_id: int) -> User:
    """An organisation applies through its admins: members 403, operators 403 (they do not
    apply for others), outsiders 404."""
    who.require_user()
    if s.get(Organisation, org_id) is None:
        raise NotFound("accounts.no_organisation")
    return products.admin_of(
        who,
        org_id,
        missing="accounts.no_organisation",
        operators="finance.applicants_act",
        members="finance.applicant_admins_act",
    )


def create(s: Session, who: Principal, org_id: int, new: NewApplication) -> ApplicationView:
    user = _org_admin(s, who, org_id)
    if len(set(new.product_ids)) != len(new.product_ids):
        raise ValidationFailed("product_ids", "finance.duplicate_items")
    if new.taxonomy_code is not None and not TAXONOMY_CODE.match(new.taxonomy_code):
        raise ValidationFailed("taxonomy_code", "finance.taxonomy_code")
    if new.registry_project_id is not None:
        _own_project(s, org_id, new.registry_project_id)
    # FOR SHARE: a withdrawal racing this application waits for it (or it sees the withdrawal)
    found = {
        p.id: p
        for p in s.scalars(
            select(Product).where(Product.id.in_(new.product_ids)).with_for_update(read=True)
        )
    }
    chosen = [_eligible(found.get(pid), pid, org_id, new) for pid in new.product_ids]
    application = Application(
        organisation_id=org_id,
        amount_fen=new.amount_fen,
        term_months=new.term_months,
        project_type=new.project_type,
        registry_project_id=new.registry_project_id,
        description=new.description,
        taxonomy_code=new.taxonomy_code,
        created_by_id=user.id,
    )
    s.add(application)
    s.flush()
    legs = [
        Leg(
            application_id=application.id,
            product_id=p.id,
            institution_id=p.participant_id,
            applied_fen=new.amount_fen,
        )
        for p in chosen
    ]
    s.add_all(legs)
    s.flush()
    s.add_all(Step(leg_id=leg.id, to_state=LegState.applied, by_id=user.id) for leg in legs)
    s.flush()
    s.refresh(application)
    return ApplicationView(application, application.legs)


def _own_project(s: Session, org_id: int, project_id: int) -> None:
    owner_org = s.scalar(
        select(Participant.organisation_id)
        .join(RegistryProject, RegistryProject.owner_id == Participant.id)
        .where(RegistryProject.id == project_id)
    )
    if owner_org != org_id:
        raise ValidationFailed("registry_project_id", "finance.not_your_project")


def _eligible(product: Product | None, pid: int, org_id: int, new: NewApplication) -> Product:
    """The product, if the application meets its criteria; else 422 naming the field and it."""
    if product is None or product.state != ProductState.published:
        raise ValidationFailed("product_ids", "finance.product_not_open", product=pid)
    name = f"{product.name_zh}（#{product.id}）"
    if product.institution.organisation_id == org_id:
        raise ValidationFailed("product_ids", "finance.own_product", product=name)
    if new.project_type.value not in product.project_types:
        raise ValidationFailed("project_type", "finance.type_ineligible", product=name)
    if not product.amount_min_fen <= new.amount_fen <= product.amount_max_fen:
        raise ValidationFailed(
            "amount_fen",
            "finance.amount_outside",
            product=name,
            minimum=product.amount_min_fen,
            maximum=product.amount_max_fen,
        )
    if not product.term_min_months <= new.term_months <= product.term_max_months:
        raise ValidationFailed(
            "term_months",
            "finance.term_outside",
            product=name,
            minimum=product.term_min_months,
            maximum=product.term_max_months,
        )
    return product


# what a listed application's schema reads: loaded in a few queries, not one per row
_PARTS = (
    selectinload(Leg.steps),
    selectinload(Leg.product)
    .selectinload(Product.institution)
    .selectinload(Participant.organisation),
    selectinload(Leg.application).selectinload(Application.organisation),
)
_LEG_PARTS = (
    selectinload(Application.organisation),
    selectinload(Application.legs)
    .selectinload(Leg.product)
    .selectinload(Product.institution)
    .selectinload(Participant.organisation),
)


def _accounts(s: Session, who: Principal) -> set[int]:
    """The exchange accounts of the caller's organisations (any role: legs name institutions)."""
    if not who.roles:
        return set()
    return set(
        s.scalars(select(Participant.id).where(Participant.organisation_id.in_(list(who.roles))))
    )


def visible(s: Session, who: Principal, application_id: int) -> ApplicationView:
    """An application as its caller may see it (see the module's docstring), else 404."""
    who.require_user()
    application = s.get(Application, application_id)
    if application is None:
        raise NotFound("finance.no_such_application")
    if who.operator or application.organisation_id in who.roles:
        return ApplicationView(application, application.legs)
    mine = _accounts(s, who)
    legs = [leg for leg in application.legs if leg.institution_id in mine]
    if not legs:
        raise NotFound("finance.no_such_application")
    return ApplicationView(application, legs)


def of_organisation(s: Session, who: Principal, org_id: int) -> list[ApplicationView]:
    """An organisation's applications, newest first (its people, operators)."""
    who.require_user()
    if s.get(Organisation, org_id) is None:
        raise NotFound("accounts.no_organisation")
    who.authorize_org(org_id)
    rows = s.scalars(
        select(Application)
        .where(Application.organisation_id == org_id)
        .options(selectinload(Application.legs).selectinload(Leg.steps), *_LEG_PARTS)
        .order_by(Application.id.desc())
    )
    return [ApplicationView(a, a.legs) for a in rows]


def inbox(
    s: Session, who: Principal, participant_id: int, state: LegState | None = None
) -> list[ApplicationView]:
    """The applications with a leg on an institution's products, newest first, with those legs
    only (its people, operators); `state` filters the legs."""
    p = products.institution_reader(s, who, participant_id)
    q = select(Leg).where(Leg.institution_id == p.id).options(*_PARTS)
    if state is not None:
        q = q.where(Leg.state == state)
    by_application: dict[int, list[Leg]] = {}
    for leg in s.scalars(q.order_by(Leg.application_id.desc(), Leg.id)):
        by_application.setdefault(leg.application_id, []).append(leg)
    return [ApplicationView(legs[0].application, legs) for legs in by_application.values()]


def move(
    s: Session, who: Principal, application_id: int, leg_id: int, t: Transition
) -> ApplicationView:
    """One step of a leg. The institution's admins review, approve, disburse and decline; the
    applicant's admins withdraw. One conditional UPDATE: of two racing steps from the same
    state, the second finds it changed (409)."""
    leg = s.get(Leg, leg_id)
    if leg is None or leg.application_id != application_id:
        raise NotFound("finance.no_such_application")
    visible(s, who, application_id)  # 404 unless the caller sees this application
    if t.to == LegState.withdrawn:
        if leg.application.organisation_id not in who.roles and not who.operator:
            raise Forbidden("finance.applicant_admins_act")  # an institution that sees it
        user = _org_admin(s, who, leg.application.organisation_id)
    else:
        if leg.application.organisation_id in who.roles and leg.institution_id not in (
            _accounts(s, who)
        ):
            raise Forbidden("finance.institution_admins_act")
        _, user = products.institution_admin(s, who, leg.institution_id)
    values = _values(leg, t)
    if leg.state not in FROM[t.to]:
        raise Conflict("finance.leg_state", params={"state": leg.state.value})
    done = s.execute(
        update(Leg)
        .where(Leg.id == leg.id, Leg.state.in_(FROM[t.to]))
        .values(state=t.to, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        s.refresh(leg)
        raise Conflict("finance.leg_state", params={"state": leg.state.value})
    s.add(
        Step(
            leg_id=leg.id,
            from_state=leg.state,
            to_state=t.to,
            amount_fen=t.amount_fen,
            disbursed_on=t.disbursed_on,
            reason=t.reason,
            by_id=user.id,
        )
    )
    s.flush()
    s.refresh(leg)
    return visible(s, who, application_id)


def _values(leg: Leg, t: Transition) -> dict[str, object]:
    """The columns a step sets; 422 on a missing, stray or out-of-range field."""
    wants = {
        "amount_fen": t.to in (LegState.approved, LegState.disbursed),
        "disbursed_on": t.to == LegState.disbursed,
        "reason": t.to == LegState.declined,
    }
    for name, wanted in wants.items():
        given = getattr(t, name) is not None
        if wanted and not given:
            raise ValidationFailed(name, "finance.field_required", to=t.to.value)
        if given and not wanted:
            raise ValidationFailed(name, "finance.field_not_applicable", to=t.to.value)
    if t.to == LegState.approved:
        assert t.amount_fen is not None  # noqa: S101 - checked above
        if t.amount_fen > leg.applied_fen:
            raise ValidationFailed("amount_fen", "finance.above_applied", maximum=leg.applied_fen)
        return {"approved_fen": t.amount_fen}
    if t.to == LegState.disbursed:
        assert t.amount_fen is not None  # noqa: S101 - checked above
        assert t.disbursed_on is not None  # noqa: S101 - checked above
        if leg.approved_fen is not None and t.amount_fen > leg.approved_fen:
            raise ValidationFailed("amount_fen", "finance.above_approved", maximum=leg.approved_fen)
        if t.disbursed_on > china_date(utcnow()):
            raise ValidationFailed("disbursed_on", "finance.date_in_future")
        return {"disbursed_fen": t.amount_fen, "disbursed_on": t.disbursed_on}
    if t.to == LegState.declined:
        return {"decline_reason": t.reason}
    return {}
