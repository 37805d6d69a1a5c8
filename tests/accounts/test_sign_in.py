"""Sign-in by phone and one-time code."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts.models import AccessToken, SignInCode, User
from backend.core.clock import utcnow
from tests.factories import accept_terms, bearer, new_phone


def _code(client, phone: str) -> str:
    resp = client.post("/api/v1/auth/codes", json={"phone": phone})
    assert resp.status_code == 202
    return resp.get_json()["code"]


def _sign_in(client, phone: str, code: str):
    body = {"phone": phone, "code": code, "accept": accept_terms()}
    return client.post("/api/v1/auth/tokens", json=body)


def test_happy_path_creates_user_and_token(client, db_session: Session):
    phone = new_phone()
    resp = client.post("/api/v1/auth/codes", json={"phone": phone[3:]})  # mainland form
    body = resp.get_json()
    assert resp.status_code == 202
    assert body["phone"] == phone
    assert body["sandbox"] is True
    assert len(body["code"]) == 6

    signed = _sign_in(client, phone, body["code"])
    assert signed.status_code == 201
    token = signed.get_json()["access_token"]
    assert token.startswith("ddt_")
    me = client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.get_json()["phone"] == phone
    assert db_session.scalar(select(User).where(User.phone == phone)) is not None


def test_code_and_token_are_stored_hashed(client, db_session: Session):
    phone = new_phone()
    code = _code(client, phone)
    token = _sign_in(client, phone, code).get_json()["access_token"]
    stored = db_session.scalars(select(SignInCode).where(SignInCode.phone == phone)).one()
    assert code not in stored.code_hash
    hashes = list(db_session.scalars(select(AccessToken.token_hash)))
    assert token not in hashes
    assert all(len(h) == 64 for h in hashes)


def test_wrong_code_is_rejected_and_counted(client):
    phone = new_phone()
    code = _code(client, phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    resp = _sign_in(client, phone, wrong)
    assert resp.status_code == 401
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["type"] == "/problems/invalid-code"
    assert body["attempts_left"] == 4
    assert _sign_in(client, phone, code).status_code == 201


def test_expired_code_is_rejected(client, db_session: Session):
    phone = new_phone()
    code = _code(client, phone)
    db_session.execute(
        update(SignInCode)
        .where(SignInCode.phone == phone)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db_session.commit()
    resp = _sign_in(client, phone, code)
    assert resp.status_code == 401
    assert resp.get_json()["reason"] == "expired"


def test_code_expires_after_five_minutes(client, db_session: Session):
    phone = new_phone()
    _code(client, phone)
    stored = db_session.scalars(select(SignInCode).where(SignInCode.phone == phone)).one()
    assert stored.expires_at - stored.created_at == timedelta(minutes=5)


def test_five_wrong_attempts_lock_the_code(client):
    phone = new_phone()
    code = _code(client, phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    lefts = [_sign_in(client, phone, wrong).get_json().get("attempts_left") for _ in range(5)]
    assert lefts == [4, 3, 2, 1, 0]
    locked = _sign_in(client, phone, code)  # even the right code no longer works
    assert locked.status_code == 401
    assert locked.get_json()["reason"] == "locked"


def test_code_is_single_use(client):
    phone = new_phone()
    code = _code(client, phone)
    assert _sign_in(client, phone, code).status_code == 201
    again = _sign_in(client, phone, code)
    assert again.status_code == 401


def test_new_code_replaces_the_old_one(client):
    phone = new_phone()
    first = _code(client, phone)
    second = _code(client, phone)
    if first != second:
        assert _sign_in(client, phone, first).status_code == 401
    assert _sign_in(client, phone, second).status_code == 201


def test_bad_phone_names_the_field(client):
    resp = client.post("/api/v1/auth/codes", json={"phone": "12345"})
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["errors"][0]["field"] == "phone"
    assert body["errors"][0]["pointer"] == "#/phone"


def test_code_must_be_six_digits(client):
    resp = _sign_in(client, new_phone(), "12ab")
    assert resp.status_code == 422
    assert [e["field"] for e in resp.get_json()["errors"]] == ["code"]


def test_rate_limit_by_phone_answers_429_with_retry_after(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_OTP_PER_PHONE", "2 per minute")
    phone = new_phone()
    assert _code(client, phone)
    assert _code(client, phone[3:])  # same number written differently: same bucket
    resp = client.post("/api/v1/auth/codes", json={"phone": phone})
    assert resp.status_code == 429
    assert resp.content_type == "application/problem+json"
    assert int(resp.headers["Retry-After"]) > 0
    assert resp.get_json()["type"] == "/problems/rate-limited"
    # another phone from the same IP is still allowed
    assert client.post("/api/v1/auth/codes", json={"phone": new_phone()}).status_code == 202


def test_rate_limit_by_ip(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_OTP_PER_IP", "3 per minute")
    statuses = [
        client.post("/api/v1/auth/codes", json={"phone": new_phone()}).status_code for _ in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


def test_sign_in_attempts_rate_limited_by_phone(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNIN_PER_PHONE", "2 per minute")
    phone = new_phone()
    _code(client, phone)
    assert _sign_in(client, phone, "000000").status_code in (401, 201)
    assert _sign_in(client, phone, "000001").status_code in (401, 201)
    assert _sign_in(client, phone, "000002").status_code == 429


def test_code_not_returned_outside_sandbox(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SANDBOX", False)
    resp = client.post("/api/v1/auth/codes", json={"phone": new_phone()})
    assert resp.status_code == 202
    body = resp.get_json()
    assert body["sandbox"] is False
    assert "code" not in body
