"""Operations documented as bearer-only answer 401 before they read the body (Schemathesis find)."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/court-cases"),
        ("post", "/api/v1/courts"),
        ("post", "/api/v1/organisations/1/wechat-accounts"),
        ("post", "/api/v1/orders"),
        ("patch", "/api/v1/me"),
    ],
)
def test_anonymous_invalid_body_is_401_not_422(client, method, path):
    resp = getattr(client, method)(path, json={"nonsense": True, "court_id": "x"})
    assert resp.status_code == 401, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_signed_in_invalid_body_is_still_422(client, db_session):
    token = factories.sign_in(client, factories.user(db_session).phone)
    resp = client.post("/api/v1/courts", json={"nonsense": True}, headers=factories.bearer(token))
    assert resp.status_code == 422


def test_optional_auth_operations_stay_open(client):
    resp = client.post("/api/v1/footprints", json={"nonsense": True})
    assert resp.status_code == 422


def test_a_bad_header_is_401_before_the_body(client):
    resp = client.post("/api/v1/courts", json={}, headers={"Authorization": "Basic eDp5"})
    assert resp.status_code == 401
