"""Who may see and act on which court's cases.

A court's judges, clerks and admins see its cases and, recursively, those of the courts below
it; operators see every court. Everyone else gets 404, so case ids leak nothing. Acting on a
case (creating, verifying, closing) takes a role in the case's own court: an upper court reads
but does not act for a lower one, and an operator does not act for a court.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, Role
from backend.accounts.principal import Principal
from backend.core.errors import Forbidden, NotFound
from backend.courts.models import Court

READERS = frozenset({Role.judge, Role.clerk, Role.admin})
STAFF = (Role.judge, Role.clerk)
# Who may act, as the refusal says it: the role sets `require_role` is called with.
ONLY = {frozenset(STAFF): "courts.only_staff", frozenset({Role.judge}): "courts.only_judge"}


def subtree(s: Session, roots: Iterable[int]) -> set[int]:
    """The courts under `roots`, the roots included (a recursive query on the parents)."""
    tree = (
        select(Court.organisation_id.label("id"))
        .where(Court.organisation_id.in_(list(roots)))
        .cte("tree", recursive=True)
    )
    below = (
        select(Court.organisation_id)
        .join(Organisation, Organisation.id == Court.organisation_id)
        .join(tree, Organisation.parent_id == tree.c.id)
    )
    tree = tree.union_all(below)
    return set(s.scalars(select(tree.c.id)))


def visible_courts(s: Session, who: Principal) -> set[int] | None:
    """The courts whose cases the caller sees; None means all of them (operators)."""
    who.require_user()
    if who.operator:
        return None
    return subtree(s, [org for org, roles in who.roles.items() if roles & READERS])


def require_visible(
    s: Session, who: Principal, court_id: int, missing: str = "courts.no_case"
) -> None:
    """404 (`missing` says what was not found) unless the caller sees the court's cases."""
    visible = visible_courts(s, who)
    if visible is not None and court_id not in visible:
        raise NotFound(missing)


def require_role(
    s: Session,
    who: Principal,
    court_id: int,
    roles: Iterable[Role],
    missing: str = "courts.no_case",
) -> int:
    """The caller's user id if they hold one of `roles` in this very court; 403 for those who
    only see it (an upper court, an operator), 404 for everyone else."""
    user = who.require_user()
    wanted = set(roles)
    if wanted & who.roles.get(court_id, frozenset()):
        return user.id
    require_visible(s, who, court_id, missing)
    raise Forbidden(ONLY[frozenset(wanted)])
