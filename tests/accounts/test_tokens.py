"""Bearer tokens: expiry, revocation on sign-out, and malformed headers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from backend.accounts.credentials import sha256
from backend.accounts.models import AccessToken
from backend.core.clock import utcnow
from tests.factories import bearer, new_phone, sign_in


def test_sign_out_revokes_the_token(client):
    token = sign_in(client, new_phone())
    other = sign_in(client, new_phone())
    assert client.post("/api/v1/auth/sign-out", headers=bearer(token)).status_code == 204
    resp = client.get("/api/v1/me", headers=bearer(token))
    assert resp.status_code == 401
    assert "revoked" in resp.get_json()["detail"]
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200


def test_expired_token_is_refused(client, db_session: Session):
    token = sign_in(client, new_phone())
    db_session.execute(
        update(AccessToken)
        .where(AccessToken.token_hash == sha256(token))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db_session.commit()
    resp = client.get("/api/v1/me", headers=bearer(token))
    assert resp.status_code == 401
    assert "expired" in resp.get_json()["detail"]


def test_unknown_token_is_401_not_anonymous(client):
    resp = client.get("/api/v1/organisations", headers=bearer("ddt_nonsense"))
    assert resp.status_code == 401


def test_wrong_scheme_is_401(client):
    resp = client.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert resp.status_code == 401


def test_me_needs_sign_in(client):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    assert resp.content_type == "application/problem+json"


def test_sign_out_without_token_is_401(client):
    assert client.post("/api/v1/auth/sign-out").status_code == 401


def test_profile_update(client):
    token = sign_in(client, new_phone())
    resp = client.patch("/api/v1/me", json={"display_name": " 小明 "}, headers=bearer(token))
    assert resp.status_code == 200
    assert resp.get_json()["display_name"] == "小明"
    bad = client.patch(
        "/api/v1/me", json={"display_name": "", "phone": "+1"}, headers=bearer(token)
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"display_name", "phone"}
