"""Organisation API keys: shown once, hashed, scoped, revocable."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from backend.accounts import credentials
from backend.accounts.models import ApiKey, Organisation, OrgKind
from backend.core.db import IMMEDIATE
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


@pytest.fixture
def real_key(app, engine) -> Iterator[tuple[int, int, str]]:
    """(organisation id, key id, full key), really committed; the app uses real sessions."""
    real = sessionmaker(engine, expire_on_commit=False)
    with real() as s:
        org = Organisation(name="忙碌公司", kind=OrgKind.company)
        prefix, secret, full = credentials.new_api_key()
        key = ApiKey(
            organisation=org,
            name="reader",
            prefix=prefix,
            secret_hash=credentials.sha256(secret),
            scopes=["organisation:read"],
        )
        s.add_all([org, key])
        s.commit()
        ids = org.id, key.id, full
    try:
        with app.extensions["db"].sessions_from(real):
            yield ids
    finally:
        with real() as s:
            s.execute(delete(ApiKey).where(ApiKey.id == ids[1]))
            s.execute(delete(Organisation).where(Organisation.id == ids[0]))
            s.commit()


def hold_write_lock(engine, key_id: int, seconds: float):
    """Another transaction holding what noting the key's use needs (SQLite: the database's
    write lock; PostgreSQL: the key's row), released after `seconds`."""
    conn = engine.execution_options(**{IMMEDIATE: True}).connect()
    conn.begin()  # SQLite: BEGIN IMMEDIATE, the write lock
    conn.execute(select(ApiKey.id).where(ApiKey.id == key_id).with_for_update())
    timer = threading.Timer(seconds, lambda: (conn.rollback(), conn.close()))
    timer.start()
    return timer


def test_a_busy_database_never_delays_or_fails_a_read_with_an_api_key(client, engine, real_key):
    """Noting a key's last use waits for nobody: it is skipped while another writer holds on."""
    org_id, key_id, full = real_key
    holder = hold_write_lock(engine, key_id, seconds=2)
    started = time.monotonic()
    resp = client.get(f"/api/v1/organisations/{org_id}", headers=f.bearer(full))
    elapsed = time.monotonic() - started
    holder.join()
    assert resp.status_code == 200
    assert elapsed < 1.5
    with Session(engine) as s:
        assert s.get_one(ApiKey, key_id).last_used_at is None  # skipped, not awaited
    assert client.get(f"/api/v1/organisations/{org_id}", headers=f.bearer(full)).status_code == 200
    with Session(engine) as s:
        assert s.get_one(ApiKey, key_id).last_used_at is not None  # noted once the way is free
