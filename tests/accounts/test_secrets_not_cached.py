"""A response that carries a secret once (a sign-in code, a bearer token, an API key) tells
every cache on the way to keep no copy (RFC 9111 `no-store`; `Pragma` for HTTP/1.0 proxies)."""

from __future__ import annotations

from tests import factories as f


def no_store(resp) -> bool:
    return (
        "no-store" in resp.headers.get("Cache-Control", "")
        and resp.headers.get("Pragma") == "no-cache"
    )


def test_the_code_and_the_token_are_not_stored_by_caches(client):
    phone = f.new_phone()
    code = client.post("/api/v1/auth/codes", json={"phone": phone})
    assert code.status_code == 202
    assert no_store(code)
    token = client.post(
        "/api/v1/auth/tokens",
        json={"phone": phone, "code": code.get_json()["code"], "accept": f.accept_terms()},
    )
    assert token.status_code == 201
    assert no_store(token)


def test_a_new_api_key_is_not_stored_by_caches(client, db_session):
    admin = f.user(db_session)
    org = f.organisation(db_session, admin=admin)
    resp = client.post(
        f"/api/v1/organisations/{org.id}/api-keys",
        json={"name": "k", "scopes": ["orders:read"]},
        headers=f.bearer(f.sign_in(client, admin.phone)),
    )
    assert resp.status_code == 201
    assert resp.get_json()["key"].startswith("ddk_")
    assert no_store(resp)
