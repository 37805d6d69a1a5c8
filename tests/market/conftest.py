"""Market fixtures: the clock set to an open trading session (never the wall clock), a seller
whose exchange account holds issued CDCER tonnes, buyers with funds, and API helpers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind
from backend.market import calendar
from tests import factories as f
from tests.registry.conftest import REAL_USCC, Owner, open_account, validated_project

# Monday 7 December 2026, 10:00 in Beijing: a trading day, in the morning session.
OPEN = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(OPEN)
    monkeypatch.setattr(calendar, "now", c)
    return c


@dataclass
class Party:
    token: str
    org_id: int
    participant_id: int
    holding_id: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return f.bearer(self.token)


@pytest.fixture
def operator(client: FlaskClient, db_session: Session) -> dict[str, str]:
    return f.bearer(f.operator_token(client, db_session))


def party(client: FlaskClient, s: Session, name: str, uscc: str, roles: list[str]) -> Party:
    admin = f.user(s, f"{name}管理员")
    org = f.organisation(s, OrgKind.company, name=name, admin=admin)
    token = f.sign_in(client, admin.phone)
    resp = open_account(client, token, org.id, uscc, roles)
    assert resp.status_code == 201, resp.get_json()
    return Party(token, org.id, resp.get_json()["id"])


def issued(
    client: FlaskClient, operator: dict[str, str], p: Party, tonnes: int, year: int = 2025
) -> int:
    """Issue `tonnes` of a new validated project into the party's account; its holding id."""
    owner = Owner(p.token, p.org_id, p.participant_id)
    pid = validated_project(client, owner, operator)
    period = {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31", "claimed_t": tonnes}
    resp = client.post(f"/api/v1/registry/projects/{pid}/reports", json=period, headers=p.headers)
    assert resp.status_code == 201, resp.get_json()
    rid = resp.get_json()["id"]
    verify = {"to": "verified", "verified_t": tonnes}
    resp = client.post(f"/api/v1/registry/reports/{rid}/transitions", json=verify, headers=operator)
    assert resp.status_code == 200, resp.get_json()
    resp = client.post(
        f"/api/v1/registry/reports/{rid}/issuances", json={"tonnes": tonnes}, headers=operator
    )
    assert resp.status_code == 201, resp.get_json()
    return held(client, p)[-1]["id"]


def held(client: FlaskClient, p: Party) -> list[dict[str, Any]]:
    resp = client.get(
        f"/api/v1/registry/participants/{p.participant_id}/holdings", headers=p.headers
    )
    assert resp.status_code == 200, resp.get_json()
    out: list[dict[str, Any]] = resp.get_json()
    return out


@pytest.fixture
def seller(client: FlaskClient, db_session: Session, operator: dict[str, str]) -> Party:
    """A project owner holding 1,000 t of CDCER."""
    p = party(client, db_session, "龙泉山林业", REAL_USCC[0], ["project_owner"])
    p.holding_id = issued(client, operator, p, 1000)
    return p


@pytest.fixture
def buyer(client: FlaskClient, db_session: Session) -> Party:
    """A buyer with 1,000,000.00 CNY deposited."""
    p = party(client, db_session, "锦城环保科技", REAL_USCC[1], ["buyer"])
    deposit(client, p, 100_000_000)
    return p


def deposit(client: FlaskClient, p: Party, fen: int, ref: str | None = None) -> Any:
    ref = ref or f"SBX-{p.participant_id}-{fen}-{uuid.uuid4().hex[:12]}"
    resp = client.post(
        f"/api/v1/market/participants/{p.participant_id}/funds/deposits",
        json={"bank_reference": ref},
        headers=p.headers,
    )
    assert resp.status_code in (200, 201), resp.get_json()
    return resp


def funds(client: FlaskClient, p: Party) -> dict[str, Any]:
    resp = client.get(f"/api/v1/market/participants/{p.participant_id}/funds", headers=p.headers)
    assert resp.status_code == 200, resp.get_json()
    out: dict[str, Any] = resp.get_json()
    return out


def list_tonnes(
    client: FlaskClient, p: Party, tonnes: int, price: int = 1290, min_lot: int = 1
) -> Any:
    return client.post(
        "/api/v1/market/listings",
        json={
            "seller_id": p.participant_id,
            "holding_id": p.holding_id,
            "tonnes": tonnes,
            "price_fen_per_t": price,
            "min_lot_t": min_lot,
        },
        headers=p.headers,
    )


def buy(client: FlaskClient, p: Party, listing_id: int, quantity: int) -> Any:
    return client.post(
        f"/api/v1/market/listings/{listing_id}/purchases",
        json={"buyer_id": p.participant_id, "quantity_t": quantity},
        headers={**p.headers, "Idempotency-Key": str(uuid.uuid4())},
    )


def market_check(app: Any) -> Any:
    return app.test_cli_runner().invoke(args=["market", "check"])
