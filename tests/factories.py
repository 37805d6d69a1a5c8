"""Test data in one place: people, organisations, roles, tokens and API keys."""

from __future__ import annotations

import itertools

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts.models import CourtLevel, Membership, Organisation, OrgKind, Role, User

_phones = itertools.count(1)


def new_phone() -> str:
    """A distinct valid mainland mobile number."""
    return f"+86139{next(_phones):08d}"


def user(s: Session, name: str = "测试用户") -> User:
    u = User(phone=new_phone(), display_name=name)
    s.add(u)
    s.commit()
    return u


def organisation(
    s: Session,
    kind: OrgKind = OrgKind.company,
    *,
    name: str = "测试组织",
    admin: User | None = None,
    court_level: CourtLevel | None = None,
    parent: Organisation | None = None,
) -> Organisation:
    org = Organisation(name=name, kind=kind, court_level=court_level, parent=parent)
    s.add(org)
    if admin is not None:
        s.add(Membership(user=admin, organisation=org, role=Role.admin))
    s.commit()
    return org


def grant(s: Session, who: User, org: Organisation, role: Role) -> None:
    s.add(Membership(user=who, organisation=org, role=role))
    s.commit()


def sign_in(client: FlaskClient, phone: str) -> str:
    """A bearer token through the real sandbox sign-in flow."""
    code = client.post("/api/v1/auth/codes", json={"phone": phone}).get_json()["code"]
    resp = client.post("/api/v1/auth/tokens", json={"phone": phone, "code": code})
    assert resp.status_code == 201, resp.get_json()
    token: str = resp.get_json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api_key(client: FlaskClient, admin_token: str, org_id: int, scopes: list[str]) -> str:
    resp = client.post(
        f"/api/v1/organisations/{org_id}/api-keys",
        json={"name": "test key", "scopes": scopes},
        headers=bearer(admin_token),
    )
    assert resp.status_code == 201, resp.get_json()
    key: str = resp.get_json()["key"]
    return key
