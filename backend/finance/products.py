"""Credit and insurance products of financial institutions: an institution's admins draft one,
publish it (then anyone sees it) and withdraw it (it takes no new applications). Who acts for an
institution is decided here too, for the applications' inbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts.models import Role, User
from backend.accounts.principal import Principal
from backend.core.clock import utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.credits.models import ProjectType
from backend.finance.product_models import Product, ProductKind, ProductState
from backend.registry import participants
from backend.registry.models import Participant, ParticipantRole


@dataclass(frozen=True)
class NewProduct:
    kind: ProductKind
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    rate_min_bps: int
    rate_max_bps: int
    term_min_months: int
    term_max_months: int
    amount_min_fen: int
    amount_max_fen: int
    project_types: list[ProjectType]
    documents: list[str]


# which transitions a product takes, from which states
MOVES = {
    ProductState.published: (ProductState.draft,),
    ProductState.withdrawn: (ProductState.published,),
}


def institution_reader(s: Session, who: Principal, participant_id: int) -> Participant:
    """An institution's account, read by its organisation's people and operators (others 404;
    an account without the role: 404 too, it has no products or inbox)."""
    p = participants.get(s, who, participant_id)
    if ParticipantRole.financial_institution not in p.role_names:
        raise NotFound("finance.not_an_institution")
    return p


def admin_of(who: Principal, org_id: int, *, missing: str, operators: str, members: str) -> User:
    """The signed-in admin of an organisation who acts for it: its other members 403 (`members`),
    operators 403 (`operators`: they support, they neither lend nor borrow), outsiders 404
    (`missing`)."""
    user = who.require_user()
    held = who.roles.get(org_id)
    if held is None:
        raise Forbidden(operators) if who.operator else NotFound(missing)
    if Role.admin not in held:
        raise Forbidden(members)
    return user


def institution_admin(s: Session, who: Principal, participant_id: int) -> tuple[Participant, User]:
    """An institution acts through its organisation's admins (`admin_of`); an account without
    the role 403."""
    who.require_user()
    p = s.get(Participant, participant_id)
    if p is None:
        raise NotFound("registry.no_such_participant")
    user = admin_of(
        who,
        p.organisation_id,
        missing="registry.no_such_participant",
        operators="finance.institutions_act",
        members="finance.institution_admins_act",
    )
    participants.require_role(p, ParticipantRole.financial_institution)
    return p, user


def check_ranges(new: NewProduct) -> None:
    """Every range's minimum at most its maximum (422 on the minimum's field)."""
    for low, high in (
        ("rate_min_bps", "rate_max_bps"),
        ("term_min_months", "term_max_months"),
        ("amount_min_fen", "amount_max_fen"),
    ):
        if getattr(new, low) > getattr(new, high):
            raise ValidationFailed(low, "finance.min_above_max", maximum=high)
    if len(set(new.project_types)) != len(new.project_types):
        raise ValidationFailed("project_types", "finance.duplicate_items")
    if len(set(new.documents)) != len(new.documents):
        raise ValidationFailed("documents", "finance.duplicate_items")


def create(
    s: Session, who: Principal, participant_id: int, new: NewProduct, *, illustrative: bool = False
) -> Product:
    p, user = institution_admin(s, who, participant_id)
    check_ranges(new)
    product = Product(
        participant_id=p.id,
        kind=new.kind,
        name_zh=new.name_zh,
        name_en=new.name_en,
        description_zh=new.description_zh,
        description_en=new.description_en,
        rate_min_bps=new.rate_min_bps,
        rate_max_bps=new.rate_max_bps,
        term_min_months=new.term_min_months,
        term_max_months=new.term_max_months,
        amount_min_fen=new.amount_min_fen,
        amount_max_fen=new.amount_max_fen,
        project_types=[t.value for t in new.project_types],
        documents=list(new.documents),
        illustrative=illustrative,
        created_by_id=user.id,
    )
    s.add(product)
    s.flush()
    return product


def move(s: Session, who: Principal, product_id: int, to: ProductState) -> Product:
    """Publish a draft, or withdraw a published product (its institution's admins).
    One conditional UPDATE: of two racing moves, the second finds the state changed (409)."""
    product = s.get(Product, product_id)
    if product is None:
        raise NotFound("finance.no_such_product")
    institution_admin(s, who, product.participant_id)
    now = utcnow()
    values: dict[str, object] = {"state": to}
    if to == ProductState.published:
        values["published_at"] = now
    else:
        values["withdrawn_at"] = now
    done = s.execute(
        update(Product)
        .where(Product.id == product.id, Product.state.in_(MOVES[to]))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        s.refresh(product)
        raise Conflict("finance.product_state", params={"state": product.state.value})
    s.flush()
    s.refresh(product)
    return product


def get_public(s: Session, who: Principal, product_id: int) -> Product:
    """A published or withdrawn product is public; a draft is its institution's people's and
    operators' (others 404)."""
    product = s.get(Product, product_id)
    if product is None:
        raise NotFound("finance.no_such_product")
    if product.state == ProductState.draft:
        if who.user is None:
            raise NotFound("finance.no_such_product")
        if not who.operator and product.institution.organisation_id not in who.roles:
            raise NotFound("finance.no_such_product")
    return product


def published(
    s: Session, kind: ProductKind | None = None, project_type: ProjectType | None = None
) -> list[Product]:
    """Published products, newest first; with `project_type`, those whose criteria admit it."""
    q = select(Product).where(Product.state == ProductState.published)
    if kind is not None:
        q = q.where(Product.kind == kind)
    rows = list(s.scalars(q.order_by(Product.published_at.desc(), Product.id.desc())))
    if project_type is not None:  # a JSON list: filtered here (a few hundred products at most)
        rows = [p for p in rows if project_type.value in p.project_types]
    return rows


def of_institution(s: Session, who: Principal, participant_id: int) -> list[Product]:
    """An institution's products in every state, newest first (its people, operators)."""
    p = institution_reader(s, who, participant_id)
    return list(
        s.scalars(select(Product).where(Product.participant_id == p.id).order_by(Product.id.desc()))
    )
