"""A project owner's organisation with its exchange account, an operator, and the steps from
registration to issuance through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind
from backend.registry import catalogue
from tests import factories as f

# Real codes, as their companies publish them (business licences; GB 32100-2015 check
# characters): stdnum's own example, Tencent (Shenzhen), Huawei, Kweichow Moutai, Alibaba (China).
REAL_USCC = (
    "91110000600037341L",
    "9144030071526726XG",
    "914403001922038216",
    "91520000214434146R",
    "91330100799655058B",
)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def accept_all() -> list[dict[str, str]]:
    return [
        {"document": d.code, "version": d.version} for d in catalogue.market_documents().values()
    ]


@dataclass
class Owner:
    token: str
    org_id: int
    participant_id: int

    @property
    def headers(self) -> dict[str, str]:
        return f.bearer(self.token)


def open_account(client: FlaskClient, token: str, org_id: int, uscc: str, roles: list[str]) -> Any:
    return client.post(
        "/api/v1/registry/participants",
        json={
            "organisation_id": org_id,
            "uscc": uscc,
            "legal_representative": "王法人",
            "contact_name": "李联系",
            "contact_phone": "13912345678",
            "roles": roles,
            "accept": accept_all(),
        },
        headers=f.bearer(token),
    )


_codes = iter(REAL_USCC)


@pytest.fixture
def owner(client: FlaskClient, db_session: Session) -> Owner:
    admin = f.user(db_session, "业主管理员")
    org = f.organisation(db_session, OrgKind.company, name="龙泉山林业有限公司", admin=admin)
    token = f.sign_in(client, admin.phone)
    resp = open_account(client, token, org.id, REAL_USCC[0], ["project_owner"])
    assert resp.status_code == 201, resp.get_json()
    return Owner(token, org.id, resp.get_json()["id"])


@pytest.fixture
def operator(client: FlaskClient, db_session: Session) -> dict[str, str]:
    return f.bearer(f.operator_token(client, db_session))


def project_body(owner_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "owner_id": owner_id,
        "methodology": "CDCER-ZL",
        "name_zh": "龙泉山造林管护（测试）",
        "name_en": "Longquan afforestation (test)",
        "province": "CN-SC",
        "city": "成都市",
        "latitude": 30.56,
        "longitude": 104.28,
        "crediting_start": "2024-01-01",
        "crediting_end": "2033-12-31",
        "expected_annual_t": 2000,
        **overrides,
    }


def register(client: FlaskClient, owner: Owner, **overrides: Any) -> Any:
    return client.post(
        "/api/v1/registry/projects",
        json=project_body(owner.participant_id, **overrides),
        headers=owner.headers,
    )


def move(
    client: FlaskClient, headers: dict[str, str], project_id: int, to: str, **body: Any
) -> Any:
    return client.post(
        f"/api/v1/registry/projects/{project_id}/transitions",
        json={"to": to, **body},
        headers=headers,
    )


def validated_project(client: FlaskClient, owner: Owner, operator: dict[str, str]) -> int:
    pid = register(client, owner).get_json()["id"]
    assert move(client, owner.headers, pid, "submitted").status_code == 200
    assert move(client, operator, pid, "validated").status_code == 200
    return int(pid)


def verified_report(
    client: FlaskClient, owner: Owner, operator: dict[str, str], verified_t: int = 500
) -> tuple[int, int]:
    """(project id, report id) of a report verified at `verified_t`."""
    pid = validated_project(client, owner, operator)
    resp = client.post(
        f"/api/v1/registry/projects/{pid}/reports",
        json={"period_start": "2025-01-01", "period_end": "2025-12-31", "claimed_t": 600},
        headers=owner.headers,
    )
    assert resp.status_code == 201, resp.get_json()
    rid = resp.get_json()["id"]
    resp = client.post(
        f"/api/v1/registry/reports/{rid}/transitions",
        json={"to": "verified", "verified_t": verified_t},
        headers=operator,
    )
    assert resp.status_code == 200, resp.get_json()
    return pid, rid


def issue(client: FlaskClient, operator: dict[str, str], report_id: int, tonnes: int) -> Any:
    return client.post(
        f"/api/v1/registry/reports/{report_id}/issuances", json={"tonnes": tonnes}, headers=operator
    )
