"""What the 绿蓉融 and ESG tests share: an applicant organisation with an admin, a member and an
exchange account, an operator, and API helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind, Role
from tests import factories as f
from tests.registry.conftest import REAL_USCC, open_account


@dataclass
class Applicant:
    org_id: int
    admin: dict[str, str]
    member: dict[str, str]
    participant_id: int


def applicant(client: FlaskClient, s: Session, name: str, uscc: str) -> Applicant:
    admin = f.user(s, f"{name}管理员")
    member = f.user(s, f"{name}员工")
    org = f.organisation(s, OrgKind.company, name=name, admin=admin)
    f.grant(s, member, org, Role.member)
    token = f.sign_in(client, admin.phone)
    resp = open_account(client, token, org.id, uscc, ["project_owner"])
    assert resp.status_code == 201, resp.get_json()
    return Applicant(
        org.id, f.bearer(token), f.bearer(f.sign_in(client, member.phone)), resp.get_json()["id"]
    )


@pytest.fixture
def acme(client: FlaskClient, db_session: Session) -> Applicant:
    return applicant(client, db_session, "蓉城绿能", REAL_USCC[2])


@pytest.fixture
def other(client: FlaskClient, db_session: Session) -> Applicant:
    return applicant(client, db_session, "雅安林业", REAL_USCC[3])


@pytest.fixture
def operator(client: FlaskClient, db_session: Session) -> dict[str, str]:
    return f.bearer(f.operator_token(client, db_session))


def enterprise(**overrides: Any) -> dict[str, Any]:
    return {
        "subject": "enterprise",
        "kind": "green",
        "taxonomy_version": "2019",
        "taxonomy_code": "3.2",
        "statement": "主营风电、光伏电站的建设和运营",
        **overrides,
    }


def wind(**overrides: Any) -> dict[str, Any]:
    return {
        "subject": "project",
        "kind": "climate_investment",
        "taxonomy_version": "2019",
        "taxonomy_code": "3.2.1",
        "statement": "凉山州风电场",
        "project_name_zh": "凉山风电场",
        "project_name_en": "Liangshan wind farm",
        "province": "CN-SC",
        "annual_mwh": 120_000,
        **overrides,
    }


def apply(client: FlaskClient, a: Applicant, body: dict[str, Any], headers: Any = None) -> Any:
    return client.post(
        f"/api/v1/finance/organisations/{a.org_id}/listing-applications",
        json=body,
        headers=a.admin if headers is None else headers,
    )


def move(client: FlaskClient, headers: dict[str, str], app_id: int, to: str, **kw: Any) -> Any:
    return client.post(
        f"/api/v1/finance/listing-applications/{app_id}/transitions",
        json={"to": to, **kw},
        headers=headers,
    )


def created(resp: Any) -> dict[str, Any]:
    assert resp.status_code == 201, resp.get_json()
    out: dict[str, Any] = resp.get_json()
    return out
