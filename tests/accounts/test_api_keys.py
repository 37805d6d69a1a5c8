"""Organisation API keys: shown once, hashed, scoped, revocable."""

from __future__ import annotations

from sqlalchemy import select

from backend.accounts.models import ApiKey
from tests import factories as f


def _admin_with_org(client, s):
    admin = f.user(s, "管理员")
    token = f.sign_in(client, admin.phone)
    return f.organisation(s, admin=admin), token


def test_key_is_shown_once_and_stored_hashed(client, db_session):
    org, token = _admin_with_org(client, db_session)
    key = f.api_key(client, token, org.id, ["organisation:read"])
    prefix, secret = key.split(".")
    assert prefix.startswith("ddk_")
    stored = db_session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one()
    assert secret not in stored.secret_hash
    listed = client.get(f"/api/v1/organisations/{org.id}/api-keys", headers=f.bearer(token))
    assert listed.status_code == 200
    row = listed.get_json()[0]
    assert row["prefix"] == prefix
    assert "key" not in row
    assert secret not in listed.get_data(as_text=True)


def test_scope_is_enforced(client, db_session):
    org, token = _admin_with_org(client, db_session)
    reader = f.api_key(client, token, org.id, ["organisation:read"])
    writer = f.api_key(client, token, org.id, ["orders:write"])
    assert (
        client.get(f"/api/v1/organisations/{org.id}", headers=f.bearer(reader)).status_code == 200
    )
    denied = client.get(f"/api/v1/organisations/{org.id}", headers=f.bearer(writer))
    assert denied.status_code == 403
    assert "organisation:read" in denied.get_json()["detail"]


def test_key_cannot_reach_another_organisation(client, db_session):
    org, token = _admin_with_org(client, db_session)
    other, _ = _admin_with_org(client, db_session)
    key = f.api_key(client, token, org.id, ["organisation:read"])
    resp = client.get(f"/api/v1/organisations/{other.id}", headers=f.bearer(key))
    assert resp.status_code == 404


def test_key_cannot_act_as_a_user(client, db_session):
    org, token = _admin_with_org(client, db_session)
    key = f.api_key(client, token, org.id, sorted(["organisation:read", "orders:write"]))
    h = f.bearer(key)
    assert client.get("/api/v1/me", headers=h).status_code == 401
    made = client.post(
        f"/api/v1/organisations/{org.id}/api-keys",
        headers=h,
        json={"name": "escalate", "scopes": ["orders:write"]},
    )
    assert made.status_code == 401


def test_revoked_key_stops_working(client, db_session):
    org, token = _admin_with_org(client, db_session)
    key = f.api_key(client, token, org.id, ["organisation:read"])
    key_id = client.get(
        f"/api/v1/organisations/{org.id}/api-keys", headers=f.bearer(token)
    ).get_json()[0]["id"]
    revoked = client.delete(
        f"/api/v1/organisations/{org.id}/api-keys/{key_id}", headers=f.bearer(token)
    )
    assert revoked.status_code == 200
    assert revoked.get_json()["revoked_at"] is not None
    assert client.get(f"/api/v1/organisations/{org.id}", headers=f.bearer(key)).status_code == 401
    again = client.delete(
        f"/api/v1/organisations/{org.id}/api-keys/{key_id}", headers=f.bearer(token)
    )
    assert again.status_code == 409
    assert again.get_json()["type"] == "/problems/api-key-revoked"


def test_tampered_secret_is_refused(client, db_session):
    org, token = _admin_with_org(client, db_session)
    key = f.api_key(client, token, org.id, ["organisation:read"])
    tampered = key[:-2] + ("AA" if not key.endswith("AA") else "BB")
    resp = client.get(f"/api/v1/organisations/{org.id}", headers=f.bearer(tampered))
    assert resp.status_code == 401


def test_unknown_scope_is_422(client, db_session):
    org, token = _admin_with_org(client, db_session)
    resp = client.post(
        f"/api/v1/organisations/{org.id}/api-keys",
        headers=f.bearer(token),
        json={"name": "k", "scopes": ["everything"]},
    )
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "scopes.0"


def test_only_admins_manage_keys(client, db_session):
    org, _token = _admin_with_org(client, db_session)
    member = f.user(db_session)
    from backend.accounts.models import Role

    f.grant(db_session, member, org, Role.member)
    mtoken = f.sign_in(client, member.phone)
    resp = client.post(
        f"/api/v1/organisations/{org.id}/api-keys",
        headers=f.bearer(mtoken),
        json={"name": "k", "scopes": ["orders:read"]},
    )
    assert resp.status_code == 403
