"""The authorization helpers every domain reuses."""

from __future__ import annotations

import pytest

from backend.accounts.models import ApiKey, Role, User
from backend.accounts.principal import Principal
from backend.core.errors import Forbidden, NotFound, Unauthenticated

ALICE = User(id=1, phone="+8613900000001", display_name="Alice")
BOB = User(id=2, phone="+8613900000002", display_name="Bob")
ORG, OTHER = 10, 20


def user(u: User, roles: dict[int, set[Role]] | None = None, operator: bool = False) -> Principal:
    return Principal(
        user=u, roles={k: frozenset(v) for k, v in (roles or {}).items()}, operator=operator
    )


def key(org: int, scopes: list[str]) -> Principal:
    return Principal(api_key=ApiKey(organisation_id=org, scopes=scopes))


def test_owner_is_allowed():
    user(ALICE).authorize_owner(ALICE.id, None)


def test_organisation_admin_is_allowed_member_is_not():
    user(BOB, {ORG: {Role.admin}}).authorize_owner(ALICE.id, ORG)
    with pytest.raises(NotFound):
        user(BOB, {ORG: {Role.member}}).authorize_owner(ALICE.id, ORG)


def test_admin_of_another_organisation_gets_404():
    with pytest.raises(NotFound):
        user(BOB, {OTHER: {Role.admin}}).authorize_owner(ALICE.id, ORG)


def test_operator_is_allowed_anywhere():
    user(BOB, operator=True).authorize_owner(ALICE.id, ORG)
    user(BOB, operator=True).authorize_org(OTHER, roles=[Role.admin])


def test_api_key_needs_its_organisation_and_scope():
    key(ORG, ["orders:read"]).authorize_owner(None, ORG, scope="orders:read")
    with pytest.raises(Forbidden):
        key(ORG, ["orders:read"]).authorize_owner(None, ORG, scope="orders:write")
    with pytest.raises(NotFound):
        key(OTHER, ["orders:read"]).authorize_owner(None, ORG, scope="orders:read")


def test_anonymous_is_refused():
    with pytest.raises(NotFound):
        Principal().authorize_owner(ALICE.id, ORG)
    with pytest.raises(Unauthenticated):
        Principal().authorize_org(ORG)
    with pytest.raises(Unauthenticated):
        Principal().require_user()


def test_role_check_distinguishes_outsider_and_wrong_role():
    with pytest.raises(NotFound):
        user(ALICE).authorize_org(ORG, roles=[Role.clerk])
    with pytest.raises(Forbidden):
        user(ALICE, {ORG: {Role.member}}).authorize_org(ORG, roles=[Role.clerk, Role.judge])
    user(ALICE, {ORG: {Role.judge}}).authorize_org(ORG, roles=[Role.clerk, Role.judge])


def test_require_operator():
    with pytest.raises(Forbidden):
        user(ALICE).require_operator()
    assert user(ALICE, operator=True).require_operator() is ALICE
