"""Flask commands: demo seed and operator bootstrap."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.accounts.models import Membership, Organisation, OrgKind, Role, User
from tests.factories import bearer, case_body, sign_in


def test_seed_demo_only_when_empty(app, db_session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Seeded demo data" in first.output
    count = db_session.scalar(select(func.count()).select_from(Organisation))
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "skipped" in again.output
    assert db_session.scalar(select(func.count()).select_from(Organisation)) == count
    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0


def test_demo_courts_form_a_hierarchy(app, db_session):
    app.test_cli_runner().invoke(args=["seed-demo"])
    basic = db_session.scalars(
        select(Organisation).where(Organisation.name == "宝兴县人民法院")
    ).one()
    assert basic.parent is not None
    assert basic.parent.parent is not None
    assert basic.parent.parent.court_level == "high"


def test_the_demo_clerk_can_open_a_case_in_the_demo_court(app, client, db_session):
    app.test_cli_runner().invoke(args=["seed-demo"])
    basic = db_session.scalars(
        select(Organisation).where(Organisation.name == "宝兴县人民法院")
    ).one()
    clerk = sign_in(client, "+8613800138003")
    resp = client.post("/api/v1/court-cases", json=case_body(basic.id), headers=bearer(clerk))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["site"]["province"] == "CN-SC"


def test_create_operator_is_idempotent_and_grants_operator(app, client, db_session):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["create-operator", "--phone", "13712345678", "--name", "运营"])
        assert result.exit_code == 0, result.output
    user = db_session.scalars(select(User).where(User.phone == "+8613712345678")).one()
    roles = db_session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    assert [(m.organisation.kind, m.role) for m in roles] == [(OrgKind.operator, Role.admin)]
    me = client.get("/api/v1/me", headers=bearer(sign_in(client, user.phone))).get_json()
    assert me["operator"] is True


def test_create_operator_rejects_bad_phone(app):
    result = app.test_cli_runner().invoke(args=["create-operator", "--phone", "123"])
    assert result.exit_code != 0
    assert "phone" in result.output.lower()
