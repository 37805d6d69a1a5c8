"""Organisations, roles and isolation between organisations."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.accounts.models import CourtLevel, OrgKind, Role
from tests import factories as f


def _signed_in(client, s: Session, name: str = "用户"):
    u = f.user(s, name)
    return u, f.sign_in(client, u.phone)


def test_create_company_makes_caller_admin(client, db_session):
    _u, token = _signed_in(client, db_session)
    resp = client.post(
        "/api/v1/organisations",
        json={"name": "川西林盘咨询", "kind": "company"},
        headers=f.bearer(token),
    )
    assert resp.status_code == 201
    org = resp.get_json()
    me = client.get("/api/v1/me", headers=f.bearer(token)).get_json()
    assert me["organisations"] == [
        {
            "organisation": {"id": org["id"], "name": "川西林盘咨询", "kind": "company"},
            "roles": ["admin"],
        }
    ]


def test_only_operators_create_courts(client, db_session):
    _u, token = _signed_in(client, db_session)
    resp = client.post(
        "/api/v1/organisations",
        json={"name": "某法院", "kind": "court", "court_level": "high"},
        headers=f.bearer(token),
    )
    assert resp.status_code == 403


def test_court_hierarchy_is_validated(client, db_session):
    op, token = _signed_in(client, db_session, "运营")
    f.organisation(db_session, OrgKind.operator, admin=op)
    token = f.sign_in(client, op.phone)  # roles are read per request; fresh token is fine too
    h = f.bearer(token)
    high = client.post(
        "/api/v1/organisations",
        headers=h,
        json={"name": "四川高院", "kind": "court", "court_level": "high"},
    )
    assert high.status_code == 201
    high_id = high.get_json()["id"]
    skip = client.post(
        "/api/v1/organisations",
        headers=h,
        json={"name": "宝兴法院", "kind": "court", "court_level": "basic", "parent_id": high_id},
    )
    assert skip.status_code == 422
    assert skip.get_json()["errors"][0]["field"] == "parent_id"
    mid = client.post(
        "/api/v1/organisations",
        headers=h,
        json={
            "name": "雅安中院",
            "kind": "court",
            "court_level": "intermediate",
            "parent_id": high_id,
        },
    )
    assert mid.status_code == 201
    assert mid.get_json()["parent_id"] == high_id
    no_level = client.post("/api/v1/organisations", headers=h, json={"name": "x", "kind": "court"})
    assert no_level.status_code == 422
    assert no_level.get_json()["errors"][0]["field"] == "court_level"
    company_level = client.post(
        "/api/v1/organisations",
        headers=h,
        json={"name": "x", "kind": "company", "court_level": "high"},
    )
    assert company_level.status_code == 422


def test_database_refuses_court_without_level(db_session):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        f.organisation(db_session, OrgKind.court)
    db_session.rollback()
    ok = f.organisation(db_session, OrgKind.court, court_level=CourtLevel.high)
    assert ok.id is not None


def test_user_cannot_read_another_organisations_data(client, db_session):
    alice, alice_token = _signed_in(client, db_session, "Alice")
    bob, bob_token = _signed_in(client, db_session, "Bob")
    org_a = f.organisation(db_session, admin=alice, name="A 公司")
    org_b = f.organisation(db_session, admin=bob, name="B 公司")
    h = f.bearer(alice_token)
    assert client.get(f"/api/v1/organisations/{org_a.id}", headers=h).status_code == 200
    for path in (
        f"/api/v1/organisations/{org_b.id}",
        f"/api/v1/organisations/{org_b.id}/members",
        f"/api/v1/organisations/{org_b.id}/api-keys",
        "/api/v1/organisations/999999",
    ):
        resp = client.get(path, headers=h)
        assert resp.status_code == 404, path
    listed = client.get("/api/v1/organisations", headers=h).get_json()
    assert [o["id"] for o in listed] == [org_a.id]
    invite = client.post(
        f"/api/v1/organisations/{org_b.id}/invitations",
        headers=h,
        json={"phone": alice.phone, "roles": ["admin"]},
    )
    assert invite.status_code == 404
    assert (
        client.get(f"/api/v1/organisations/{org_b.id}", headers=f.bearer(bob_token)).status_code
        == 200
    )


def test_operator_sees_every_organisation(client, db_session):
    op, token = _signed_in(client, db_session, "运营")
    f.organisation(db_session, OrgKind.operator, admin=op)
    other = f.organisation(db_session, name="别人的公司")
    resp = client.get(f"/api/v1/organisations/{other.id}", headers=f.bearer(token))
    assert resp.status_code == 200


def test_admins_invite_members_cannot(client, db_session):
    admin, admin_token = _signed_in(client, db_session)
    member, member_token = _signed_in(client, db_session)
    org = f.organisation(db_session, admin=admin)
    f.grant(db_session, member, org, Role.member)
    resp = client.post(
        f"/api/v1/organisations/{org.id}/invitations",
        headers=f.bearer(admin_token),
        json={"phone": "13700000001", "roles": ["member"]},
    )
    assert resp.status_code == 201
    assert resp.get_json()["phone_masked"] == "+86 137****0001"
    assert resp.get_json()["roles"] == ["member"]
    denied = client.post(
        f"/api/v1/organisations/{org.id}/invitations",
        headers=f.bearer(member_token),
        json={"phone": f.new_phone(), "roles": ["admin"]},
    )
    assert denied.status_code == 403
    court_role = client.post(
        f"/api/v1/organisations/{org.id}/invitations",
        headers=f.bearer(admin_token),
        json={"phone": f.new_phone(), "roles": ["judge"]},
    )
    assert court_role.status_code == 422
    assert court_role.get_json()["errors"][0]["field"] == "roles"


def test_mass_assignment_is_rejected(client, db_session):
    _u, token = _signed_in(client, db_session)
    resp = client.post(
        "/api/v1/organisations",
        headers=f.bearer(token),
        json={"name": "x", "kind": "company", "id": 1, "created_at": "2020-01-01"},
    )
    assert resp.status_code == 422
    assert {e["field"] for e in resp.get_json()["errors"]} == {"id", "created_at"}
