"""A points partner (organisation, API key, signing secret), venues with staff, and citizens
to credit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, Role
from backend.core.clock import utcnow
from backend.points import partners
from tests import factories as f


@dataclass
class Partner:
    client: FlaskClient
    org_id: int
    key: str
    secret: str

    def post(
        self, path: str, body: dict[str, Any], *, secret: str | None = None, at: int | None = None
    ):
        raw = json.dumps(body).encode()
        headers = {
            **f.bearer(self.key),
            "Content-Type": "application/json",
            partners.HEADER: partners.sign(secret or self.secret, raw, at),
        }
        return self.client.post(path, data=raw, headers=headers)

    def report(self, *actions: dict[str, Any], **kw: Any):
        return self.post("/api/v1/points/actions", {"actions": list(actions)}, **kw)


@pytest.fixture
def partner(client: FlaskClient, db_session: Session) -> Partner:
    """A partner, and sponsors' funding for what it reports."""
    f.fund_points(db_session)
    admin = f.user(db_session)
    org = f.organisation(db_session, name="成都地铁 Chengdu Metro", admin=admin)
    key = f.api_key(client, f.sign_in(client, admin.phone), org.id, ["points:report"])
    op = f.bearer(f.operator_token(client, db_session))
    enrolled = client.post(f"/api/v1/organisations/{org.id}/points-partner", headers=op)
    assert enrolled.status_code == 201, enrolled.get_json()
    return Partner(client, org.id, key, enrolled.get_json()["secret"])


def metro(
    phone: str,
    km: str = "10",
    ext: str = "m-1",
    minutes: int = 30,
    ago: int = 60,
    since: datetime | None = None,
) -> dict[str, Any]:
    """A metro trip that started `ago` minutes before `since` (now by default)."""
    start = (since or utcnow()) - timedelta(minutes=ago)
    return {
        "external_id": ext,
        "phone": phone,
        "type": "metro",
        "units": km,
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
    }


@dataclass
class Site:
    """A venue, a staff member of its organisation (signed in) and the operator."""

    client: FlaskClient
    id: str
    org_id: int
    staff: str
    operator: str

    def code(self) -> str:
        """The URL its staff screen shows now."""
        resp = self.client.get(f"/api/v1/venues/{self.id}/code", headers=f.bearer(self.staff))
        assert resp.status_code == 200, resp.get_json()
        url: str = resp.get_json()["url"]
        return url


def new_venue(client: FlaskClient, s: Session, name: str = "天府绿道·锦城公园") -> Site:
    staff = f.user(s, "场馆员工")
    org = f.organisation(s, name=f"{name}运营", admin=None)
    f.grant(s, staff, org, Role.member)
    op = f.operator_token(client, s)
    made = client.post(
        f"/api/v1/organisations/{org.id}/venues",
        json={"name_zh": name, "name_en": "Jincheng Park", "kind": "greenway"},
        headers=f.bearer(op),
    )
    assert made.status_code == 201, made.get_json()
    return Site(client, made.get_json()["id"], org.id, f.sign_in(client, staff.phone), op)


@pytest.fixture
def venue(client: FlaskClient, db_session: Session) -> Site:
    """A venue, and sponsors' funding for its check-ins."""
    f.fund_points(db_session)
    return new_venue(client, db_session)


@dataclass
class Shop:
    org: Organisation
    admin: str  # bearer tokens
    cashier: str


@pytest.fixture
def shop(client: FlaskClient, db_session: Session) -> Shop:
    """A café chain sponsoring 100,000 points, its admin and a cashier (a member)."""
    org = f.sponsor(db_session, "蓉城咖啡 (示例)", points=100_000)
    admin, cashier = f.user(db_session, "店长"), f.user(db_session, "收银员")
    f.grant(db_session, admin, org, Role.admin)
    f.grant(db_session, cashier, org, Role.member)
    return Shop(org, f.sign_in(client, admin.phone), f.sign_in(client, cashier.phone))
