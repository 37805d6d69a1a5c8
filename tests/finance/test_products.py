"""Institutions' products: drafted, published and withdrawn by the institution's admins, public
once published, with bad input refused by field."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests import factories as f
from tests.finance.lend_helpers import Party, enterprise, institution, product_body, publish
from tests.registry.conftest import REAL_USCC


@pytest.fixture
def bank(client: FlaskClient, db_session: Session) -> Party:
    return institution(client, db_session, "兴业银行测试", REAL_USCC[0])


def _create(client: FlaskClient, bank: Party, **overrides: object) -> Any:
    return client.post(
        f"/api/v1/finance/participants/{bank.participant_id}/products",
        json=product_body(**overrides),
        headers=bank.headers,
    )


def test_draft_publish_withdraw_and_public_visibility(client: FlaskClient, bank: Party) -> None:
    made = _create(client, bank)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    pid = body["id"]
    assert (body["state"], body["kind"], body["project_types"][0]) == (
        "draft",
        "credit",
        "solar_pv",
    )
    assert body["institution_name"] == "兴业银行测试"
    # a draft: its institution's people see it, the public does not
    assert client.get(f"/api/v1/finance/products/{pid}").status_code == 404
    assert client.get(f"/api/v1/finance/products/{pid}", headers=bank.member).status_code == 200
    assert client.get("/api/v1/finance/products").get_json() == []
    own = client.get(
        f"/api/v1/finance/participants/{bank.participant_id}/products", headers=bank.member
    )
    assert [p["id"] for p in own.get_json()] == [pid]
    # a member cannot publish; an admin can, once
    move = f"/api/v1/finance/products/{pid}/transitions"
    assert client.post(move, json={"to": "published"}, headers=bank.member).status_code == 403
    resp = client.post(move, json={"to": "published"}, headers=bank.headers)
    assert resp.status_code == 200
    assert resp.get_json()["published_at"]
    again = client.post(move, json={"to": "published"}, headers=bank.headers)
    assert again.status_code == 409
    assert again.get_json()["code"] == "finance.product_state"
    listed = client.get("/api/v1/finance/products", query_string={"kind": "credit"}).get_json()
    assert [p["id"] for p in listed] == [pid]
    none = client.get("/api/v1/finance/products", query_string={"project_type": "forestry"})
    assert none.get_json() == []
    assert client.get(f"/api/v1/finance/products/{pid}").status_code == 200
    resp = client.post(move, json={"to": "withdrawn"}, headers=bank.headers)
    assert resp.status_code == 200
    assert resp.get_json()["state"] == "withdrawn"
    assert client.get("/api/v1/finance/products").get_json() == []


def test_insurance_product_and_its_premium_rate(client: FlaskClient, bank: Party) -> None:
    pid = publish(
        client,
        bank,
        kind="insurance",
        name_zh="CCER减排项目保险",
        name_en="CCER project insurance",
        rate_min_bps=50,
        rate_max_bps=200,
    )
    got = client.get(f"/api/v1/finance/products/{pid}").get_json()
    assert (got["kind"], got["rate_min_bps"], got["rate_max_bps"]) == ("insurance", 50, 200)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rate_min_bps": 500, "rate_max_bps": 400}, "rate_min_bps"),
        ({"term_min_months": 61}, "term_min_months"),
        ({"amount_min_fen": 10**12, "amount_max_fen": 10**11}, "amount_min_fen"),
        ({"amount_max_fen": 10**20}, "amount_max_fen"),
        ({"rate_max_bps": 10_001}, "rate_max_bps"),
        ({"rate_min_bps": "300"}, "rate_min_bps"),
        ({"project_types": []}, "project_types"),
        ({"project_types": ["solar_pv", "solar_pv"]}, "project_types"),
        ({"project_types": ["nuclear"]}, "project_types"),
        ({"documents": ["营业执照", "营业执照"]}, "documents"),
        ({"name_zh": "减碳贷\u0000"}, "name_zh"),
        ({"name_zh": "  "}, "name_zh"),
        ({"kind": "equity"}, "kind"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: FlaskClient, bank: Party, overrides: dict[str, object], field: str
) -> None:
    resp = _create(client, bank, **overrides)
    assert resp.status_code == 422, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    fields = {e.get("field") or e.get("name") for e in resp.get_json()["errors"]}
    assert any(field in str(x) for x in fields), resp.get_json()


def test_who_may_draft(client: FlaskClient, db_session: Session, bank: Party) -> None:
    other = enterprise(client, db_session, "外部公司")
    url = f"/api/v1/finance/participants/{bank.participant_id}/products"
    assert client.post(url, json=product_body(), headers=other.headers).status_code == 404
    assert client.post(url, json=product_body(), headers=bank.member).status_code == 403
    assert client.post(url, json=product_body()).status_code == 401
    op = f.bearer(f.operator_token(client, db_session))
    assert client.post(url, json=product_body(), headers=op).status_code == 403
    # an account without the role drafts nothing
    owner = institution(client, db_session, "项目业主", REAL_USCC[1])
    from backend.registry.models import ParticipantRoleRow

    db_session.query(ParticipantRoleRow).filter_by(participant_id=owner.participant_id).delete()
    db_session.commit()
    url = f"/api/v1/finance/participants/{owner.participant_id}/products"
    assert client.post(url, json=product_body(), headers=owner.headers).status_code == 403


def test_the_database_refuses_inverted_ranges(db_session: Session, bank: Party) -> None:
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(
            text(
                "INSERT INTO finance_products (participant_id, kind, name_zh, name_en, "
                "description_zh, description_en, rate_min_bps, rate_max_bps, "
                "term_min_months, term_max_months, amount_min_fen, amount_max_fen, "
                "project_types, documents, illustrative, state, created_at) VALUES "
                "(:p, 'credit', 'x', 'x', 'x', 'x', 500, 400, 1, 2, 1, 2, '[]', '[]', "
                "false, 'draft', CURRENT_TIMESTAMP)"
            ),
            {"p": bank.participant_id},
        )


def test_the_demo_bank_publishes_illustrative_products(app: Flask, client: FlaskClient) -> None:
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    listed = client.get("/api/v1/finance/products").get_json()
    names = {p["name_zh"] for p in listed}
    assert {"减碳贷", "碳资产质押融资", "CCER减排项目保险", "天气指数保险"} <= names
    assert all(p["illustrative"] for p in listed)
    assert all(p["institution_name"] == "兴业银行成都分行（示例）" for p in listed)
    stats = client.get("/api/v1/finance/stats").get_json()["ours"]
    assert (stats["credit_products"], stats["insurance_products"]) == (4, 3)
    assert stats["institutions"] == 1
