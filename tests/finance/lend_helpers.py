"""Helpers of the products and applications tests: a bank (an exchange account in the
financial-institution role), an enterprise without an account, product and application bodies,
and API calls."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind, Role
from tests import factories as f
from tests.registry.conftest import open_account


@dataclass
class Party:
    token: str
    org_id: int
    participant_id: int | None = None
    member_token: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return f.bearer(self.token)

    @property
    def member(self) -> dict[str, str]:
        assert self.member_token is not None
        return f.bearer(self.member_token)


def institution(client: FlaskClient, s: Session, name: str, uscc: str) -> Party:
    """A bank with an exchange account in the financial-institution role, an admin and a
    member."""
    admin, member = f.user(s, f"{name}信贷"), f.user(s, f"{name}职员")
    org = f.organisation(s, OrgKind.company, name=name, admin=admin)
    f.grant(s, member, org, Role.member)
    s.commit()
    token = f.sign_in(client, admin.phone)
    resp = open_account(client, token, org.id, uscc, ["financial_institution"])
    assert resp.status_code == 201, resp.get_json()
    return Party(token, org.id, resp.get_json()["id"], f.sign_in(client, member.phone))


def enterprise(client: FlaskClient, s: Session, name: str) -> Party:
    """A company with an admin and a member, and no exchange account."""
    admin, member = f.user(s, f"{name}管理员"), f.user(s, f"{name}员工")
    org = f.organisation(s, OrgKind.company, name=name, admin=admin)
    f.grant(s, member, org, Role.member)
    s.commit()
    return Party(f.sign_in(client, admin.phone), org.id, None, f.sign_in(client, member.phone))


def product_body(**overrides: Any) -> dict[str, Any]:
    """减碳贷, an illustrative credit product (figures our own)."""
    return {
        "kind": "credit",
        "name_zh": "减碳贷",
        "name_en": "Carbon Reduction Loan",
        "description_zh": "支持减碳项目的流动资金贷款。",
        "description_en": "Working capital for emission-reduction projects.",
        "rate_min_bps": 300,
        "rate_max_bps": 450,
        "term_min_months": 6,
        "term_max_months": 60,
        "amount_min_fen": 100_000_00,
        "amount_max_fen": 50_000_000_00,
        "project_types": ["solar_pv", "hydro", "energy_efficiency"],
        "documents": ["营业执照", "项目可研报告"],
        **overrides,
    }


def publish(client: FlaskClient, bank: Party, **overrides: Any) -> int:
    resp = client.post(
        f"/api/v1/finance/participants/{bank.participant_id}/products",
        json=product_body(**overrides),
        headers=bank.headers,
    )
    assert resp.status_code == 201, resp.get_json()
    pid: int = resp.get_json()["id"]
    resp = client.post(
        f"/api/v1/finance/products/{pid}/transitions",
        json={"to": "published"},
        headers=bank.headers,
    )
    assert resp.status_code == 200, resp.get_json()
    return pid


def application_body(product_ids: list[int], **overrides: Any) -> dict[str, Any]:
    return {
        "amount_fen": 2_000_000_00,
        "term_months": 36,
        "project_type": "solar_pv",
        "description": "厂房屋顶分布式光伏 2 MW",
        "taxonomy_code": "3.2.2",
        "product_ids": product_ids,
        **overrides,
    }


def apply(client: FlaskClient, who: Party, body: dict[str, Any], key: str | None = None) -> Any:
    return client.post(
        f"/api/v1/finance/organisations/{who.org_id}/applications",
        json=body,
        headers={**who.headers, "Idempotency-Key": key or str(uuid.uuid4())},
    )


def step(
    client: FlaskClient, who: dict[str, str], app_id: int, leg_id: int, to: str, **body: Any
) -> Any:
    return client.post(
        f"/api/v1/finance/applications/{app_id}/legs/{leg_id}/transitions",
        json={"to": to, **body},
        headers=who,
    )
