"""Secrets at rest and in answers: sealed or hashed in the database, shown once, rotated, and
never in a public answer."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import ApiKey, User
from backend.core import secretbox
from backend.partners.webhooks.models import WebhookEndpoint
from backend.points import partners
from backend.points.models import PointsPartner
from tests.security.test_access_matrix import MATRIX, metro_trip, send
from tests.security.world import ADMIN, ANON, KEY, OPERATOR, World

SECRET_KEY = "test-secret"  # the session app's SECRET_KEY (tests/conftest.py)


def _batch(app: Flask, world: World, secret: str) -> int:
    raw = json.dumps({"actions": [metro_trip(world)]}).encode()
    headers = {
        **world.auth(KEY),
        "Content-Type": "application/json",
        partners.HEADER: partners.sign(secret, raw),
    }
    return app.test_client().post("/api/v1/points/actions", data=raw, headers=headers).status_code


def test_a_partner_secret_is_sealed_and_rotating_it_retires_the_old_one(
    app: Flask, world: World, db_session: Session
) -> None:
    old = world["partner_secret"]
    sealed = db_session.scalars(
        select(PointsPartner.secret_encrypted).where(PointsPartner.organisation_id == world["acme"])
    ).one()
    assert old not in sealed
    assert secretbox.unseal(SECRET_KEY, partners.PURPOSE, sealed) == old
    assert _batch(app, world, old) == 200
    rotated = app.test_client().post(
        f"/api/v1/organisations/{world['acme']}/points-partner", headers=world.auth(OPERATOR)
    )
    assert rotated.status_code == 201
    new = rotated.get_json()["secret"]
    assert new != old
    assert _batch(app, world, old) == 401
    assert _batch(app, world, new) == 200


def test_a_sealed_secret_does_not_open_with_another_key_or_purpose() -> None:
    sealed = secretbox.seal(SECRET_KEY, "webhook-endpoint-secret", "whsec_x")
    for key, purpose in ((SECRET_KEY + "!", "webhook-endpoint-secret"), (SECRET_KEY, "other")):
        try:
            secretbox.unseal(key, purpose, sealed)
        except ValueError:
            continue
        raise AssertionError(f"opened with {key!r}, {purpose!r}")


def test_webhook_secrets_are_sealed_and_never_read_back(
    app: Flask, world: World, db_session: Session
) -> None:
    client = app.test_client()
    rotated = client.post(
        f"/api/v1/webhook-endpoints/{world['hook']}/rotate-secret",
        json={"previous_valid_hours": 0},
        headers=world.auth(ADMIN),
    )
    assert rotated.status_code == 200
    secret = rotated.get_json()["secret"]
    assert secret.startswith("whsec_")
    row = db_session.get_one(WebhookEndpoint, world["hook"])
    assert secret not in row.secret_sealed
    shown = client.get(f"/api/v1/webhook-endpoints/{world['hook']}", headers=world.auth(ADMIN))
    assert shown.status_code == 200
    assert secret not in shown.get_data(as_text=True)
    assert "secret" not in shown.get_json()


def test_api_keys_are_stored_as_hashes_only(world: World, db_session: Session) -> None:
    secret = world.tokens[KEY].split(".", 1)[1]
    rows = list(db_session.scalars(select(ApiKey)))
    assert rows
    for row in rows:
        assert secret not in row.secret_hash
        assert len(row.secret_hash) == 64  # a SHA-256 hex digest


def test_public_answers_carry_no_phone_number_and_no_credential(
    app: Flask, world: World, db_session: Session
) -> None:
    """Every endpoint anonymous callers may read (per the matrix) is fetched anonymously: no
    person's phone (in any common spelling) and no bearer token, key or secret is in it."""
    phones = list(db_session.scalars(select(User.phone)))
    needles = phones + [p.removeprefix("+86") for p in phones]
    needles += [*world.tokens.values(), world["partner_secret"]]
    checked = 0
    for r in MATRIX:
        if r.method != "GET" or not 200 <= r.expected[ANON] < 300:
            continue
        resp = send(app, world, r, ANON)
        assert resp.status_code == r.expected[ANON]
        if resp.mimetype not in {"application/json", "text/html"}:
            continue
        text = resp.get_data(as_text=True)
        leaked = [n for n in needles if n in text]
        assert not leaked, f"{r.path} shows {leaked}"
        checked += 1
    assert checked >= 10
