"""Access control, endpoint by endpoint and caller by caller (OWASP API1 BOLA, API5 BFLA).

MATRIX below has one row per (method, path) the app routes. Each row says what every caller of
tests/security/world.py gets: the success status when allowed, 401 without the right kind of
credentials, 403 for a known object without the role or scope, 404 for other people's objects
(ids leak nothing). `test_every_route_is_in_the_matrix` fails when an endpoint is added without
being classified here, and `test_cell` fails when any cell is wrong.

Vocabulary used in the rows:
- "person" endpoints need a signed-in user: API keys act for an organisation, never as a person,
  so they get 401 like anonymous callers;
- "operator" endpoints answer 403 to any other person;
- Acme's objects (its member's footprint and orders, its webhook endpoint, its WeChat account)
  are visible to the member who made them, Acme's admin, Acme's key with the scope (403
  without it) and operators; everyone else gets 404;
- court A's case is read by its staff, the courts above it and operators; court B and everyone
  else get 404; only court A's staff act on it (judges alone close it or move its deadline).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from backend.accounts import legal
from backend.partners.wechat.linking import token as wechat_link_token
from backend.payments.providers import Rails
from backend.payments.stripe_gateway import StripeProvider
from backend.registry import catalogue as registry_catalogue
from tests import factories as f
from tests.security.world import (
    ADMIN,
    ANON,
    CITIZEN,
    CLERK_A,
    CLERK_B,
    JUDGE_A,
    KEY,
    KEY_NOSCOPE,
    MEMBER,
    OPERATOR,
    ROLES,
    UPPER,
    World,
)

PEOPLE = (CITIZEN, MEMBER, ADMIN, CLERK_A, JUDGE_A, CLERK_B, UPPER, OPERATOR)
KEYS = (KEY, KEY_NOSCOPE)


def expect(
    *, anon: int, people: int | None = None, keys: int | None = None, **only: int
) -> dict[str, int]:
    """Every caller's status: `people` and `keys` set groups, named callers override them."""
    unknown = set(only) - set(ROLES)
    assert not unknown, f"not a caller: {unknown}"
    table: dict[str, int | None] = {ANON: anon}
    table |= {r: people for r in PEOPLE} | {r: keys for r in KEYS} | only
    missing = [r for r in ROLES if table.get(r) is None]
    assert not missing, f"no expectation for {missing}"
    return {r: int(table[r]) for r in ROLES}  # type: ignore[arg-type]


def public(status: int) -> dict[str, int]:
    """Anyone, credentials or not: the same answer."""
    return expect(anon=status, people=status, keys=status)


def person(status: int, **only: int) -> dict[str, int]:
    """Any signed-in person; API keys are not people (401)."""
    return expect(anon=401, people=status, keys=401, **only)


def operator(status: int) -> dict[str, int]:
    """Operators only: other people 403, keys and anonymous 401."""
    return expect(anon=401, people=403, keys=401, operator=status)


def acme_object(status: int, *, anon: int = 401) -> dict[str, int]:
    """An object of Acme made by its member: the member, Acme's admin, Acme's scoped key and
    operators see it; the key without the scope gets 403; everyone else 404."""
    return expect(
        anon=anon,
        people=404,
        organiser=status,
        org_admin=status,
        api_key=status,
        api_key_noscope=403,
        operator=status,
    )


def acme_admin_object(status: int, *, member: int = 404, keys: int | None = None) -> dict[str, int]:
    """Managed by Acme's admins, its key with the scope and operators (not by plain members);
    `keys` when API keys may not manage it at all."""
    return expect(
        anon=401,
        people=404,
        organiser=member,
        org_admin=status,
        api_key=status if keys is None else keys,
        api_key_noscope=403 if keys is None else keys,
        operator=status,
    )


def acme_staff(status: int) -> dict[str, int]:
    """Acme's people of any role and operators; outsiders 404; keys are not people (401)."""
    return expect(
        anon=401, people=404, keys=401, organiser=status, org_admin=status, operator=status
    )


def court_a_read(status: int) -> dict[str, int]:
    """Court A's staff and the courts above it read; operators read everything; others 404."""
    return expect(
        anon=401,
        people=404,
        keys=401,
        clerk_a=status,
        judge_a=status,
        upper_judge=status,
        operator=status,
    )


def acme_trader(status: int, *, operator: int = 403) -> dict[str, int]:
    """Money and units of Acme's exchange account move at its admins' hands only: members 403,
    operators 403 (they support, not trade), outsiders 404, keys are not people (401)."""
    return expect(
        anon=401, people=404, keys=401, organiser=403, org_admin=status, operator=operator
    )


@dataclass
class Req:
    path: str
    json: Any = None
    data: bytes | str | None = None
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def metro_trip(w: World) -> dict[str, Any]:
    """A plausible 5 km metro trip of the citizen, an hour ago."""
    start = datetime.now(UTC) - timedelta(hours=1)
    return {
        "external_id": f"trip-{uuid.uuid4()}",
        "phone": w["citizen_phone"],
        "type": "metro",
        "units": "5",
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=20)).isoformat(),
    }


def venue_code(w: World, client: FlaskClient) -> str:
    """The URL the venue's staff screen shows now (read as the operator)."""
    resp = client.get(f"/api/v1/venues/{w['venue']}/code", headers=w.auth(OPERATOR))
    assert resp.status_code == 200, resp.get_json()
    url: str = resp.get_json()["url"]
    return url


def idem() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def citizen_invitation(w: World, client: FlaskClient) -> str:
    """A fresh invitation of the citizen's phone to Acme, made by Acme's admin."""
    resp = client.post(
        f"/api/v1/organisations/{w['acme']}/invitations",
        json={"phone": w["citizen_phone"], "roles": ["member"]},
        headers=w.auth(ADMIN),
    )
    assert resp.status_code == 201, resp.get_json()
    invitation_id: str = resp.get_json()["id"]
    return invitation_id


def new_phone_code(client: FlaskClient) -> dict[str, Any]:
    phone = f.new_phone()
    code = client.post("/api/v1/auth/codes", json={"phone": phone}).get_json()["code"]
    return {"phone": phone, "code": code, "accept": f.accept_terms()}


def wechat_callback(client: FlaskClient) -> dict[str, str]:
    """A WeChat sign-in started by this client (its cookie kept), and the code WeChat's fake
    then gives its user: what the PWA posts back."""
    started = client.post("/api/v1/auth/wechat/authorizations").get_json()
    went = requests.get(started["authorize_url"], allow_redirects=False, timeout=5)
    code = went.headers["Location"].split("code=")[1].split("&")[0]
    return {"code": code, "state": started["state"]}


def mini_code(app: Flask) -> dict[str, str]:
    fake, appid = app.config["WECHAT_API_BASE"], app.config["WECHAT_MINI_APPID"]
    return {"code": requests.get(f"{fake}/_fake/code?appid={appid}", timeout=5).text}


def accept_current() -> dict[str, Any]:
    return {"accept": [{"document": d.value, "version": legal.version(d)} for d in legal.REQUIRED]}


BOUNDARY = "ddregistryboundary"
MULTIPART_PDF = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\n监测计划\r\n'
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="m.pdf"\r\n'
    "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n%%EOF\n\r\n"
    f"--{BOUNDARY}--\r\n"
).encode()


def registry_acceptances() -> list[dict[str, str]]:
    """Every market document in force, accepted."""
    return [
        {"document": d.code, "version": d.version}
        for d in registry_catalogue.market_documents().values()
    ]


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as in the OpenAPI document: /api/v1/orders/{order_id}
    expected: dict[str, int]
    why: str
    req: Callable[[World, FlaskClient], Req]
    stripe: bool = False  # run with Stripe as the payment provider


def row(
    method: str,
    path: str,
    expected: dict[str, int],
    why: str,
    req: Callable[[World, FlaskClient], Req] | None = None,
    **kw: Any,
) -> Row:
    return Row(method, path, expected, why, req or (lambda w, c: Req(path)), **kw)


MATRIX: list[Row] = [
    # --- health, docs and the PWA -----------------------------------------------------------
    row("GET", "/healthz", public(200), "liveness is public"),
    row("GET", "/readyz", public(200), "readiness is public"),
    row("GET", "/metrics", public(200), "metrics are open in sandbox (guarded live: test_metrics)"),
    row("GET", "/api/v1/openapi.json", public(200), "the contract is public"),
    row("GET", "/api/v1/docs", public(200), "Swagger UI is public"),
    row("GET", "/", public(200), "the PWA shell is public"),
    row(
        "GET",
        "/{path}",
        public(200),
        "app routes fall back to the PWA shell",
        lambda w, c: Req("/neutralise/meeting"),
    ),
    row(
        "GET",
        "/static/{filename}",
        public(404),
        "Flask's default static route: there is no static folder, nothing is served",
        lambda w, c: Req("/static/app.py"),
    ),
    row(
        "GET",
        "/verify/{ref}",
        public(200),
        "the verify page is public: anyone holding a number and its check code (or its QR) may "
        "check it; a bare number finds nothing (tests/courts/test_judicial_privacy.py)",
        lambda w, c: Req(f"/verify/{w['acme_cert']}", query={"k": w["acme_cert_code"]}),
    ),
    # --- sign-in and the current user -------------------------------------------------------
    row(
        "POST",
        "/api/v1/auth/codes",
        public(202),
        "anyone may ask for a code (rate-limited per phone and IP)",
        lambda w, c: Req("/api/v1/auth/codes", json={"phone": f.new_phone()}),
    ),
    row(
        "POST",
        "/api/v1/auth/tokens",
        public(201),
        "anyone holding the phone's code signs in",
        lambda w, c: Req("/api/v1/auth/tokens", json=new_phone_code(c)),
    ),
    row(
        "POST",
        "/api/v1/auth/sign-out",
        person(204),
        "revokes the caller's own bearer token; an API key is not a sign-in",
    ),
    row("GET", "/api/v1/auth/methods", public(200), "how one may sign in is public"),
    row(
        "POST",
        "/api/v1/auth/wechat/authorizations",
        public(201),
        "anyone may start a WeChat sign-in (its state is bound to the browser)",
    ),
    row(
        "POST",
        "/api/v1/auth/wechat/sessions",
        public(200),
        "the browser that started a WeChat sign-in finishes it with WeChat's code",
        lambda w, c: Req("/api/v1/auth/wechat/sessions", json=wechat_callback(c)),
    ),
    row(
        "POST",
        "/api/v1/auth/wechat/mini-sessions",
        public(200),
        "anyone holding a mini-program code signs in with it",
        lambda w, c: Req("/api/v1/auth/wechat/mini-sessions", json=mini_code(c.application)),
    ),
    row(
        "GET",
        "/api/v1/wechat/jsapi-config",
        public(200),
        "a page's JS-SDK signature is public: it signs only our own page's URL with the public "
        "app id (rate-limited per IP)",
        lambda w, c: Req(
            "/api/v1/wechat/jsapi-config", query={"url": "http://127.0.0.1:8000/scan"}
        ),
    ),
    row("GET", "/api/v1/legal", public(200), "the legal texts are public"),
    row(
        "GET",
        "/api/v1/legal/{document}",
        public(200),
        "the legal texts are public",
        lambda w, c: Req("/api/v1/legal/privacy"),
    ),
    row("GET", "/api/v1/me/consents", person(200), "a person's own consents"),
    row(
        "POST",
        "/api/v1/me/consents",
        person(200),
        "a person accepts texts for themselves",
        lambda w, c: Req("/api/v1/me/consents", json=accept_current()),
    ),
    row(
        "DELETE",
        "/api/v1/me/consents/{document}",
        person(200),
        "a person withdraws their own separate consent",
        lambda w, c: Req("/api/v1/me/consents/travel"),
    ),
    row("GET", "/api/v1/me/export", person(200), "a person exports their own data"),
    row(
        "POST",
        "/api/v1/me/deletion",
        person(201, org_admin=409),
        "a person asks to delete their own account; Acme's only admin hands it over first",
    ),
    row(
        "DELETE",
        "/api/v1/me",
        person(422),
        "a person deletes only their own account, with a confirmation bound to their sign-in "
        "(a forged one is 422)",
        lambda w, c: Req("/api/v1/me", json={"confirmation": "forged"}),
    ),
    row("GET", "/api/v1/me", person(200), "the signed-in person"),
    row(
        "PATCH",
        "/api/v1/me",
        person(200),
        "a person changes their own name",
        lambda w, c: Req("/api/v1/me", json={"display_name": "新名字"}),
    ),
    row("GET", "/api/v1/me/invitations", person(200), "a person's own pending invitations"),
    row(
        "POST",
        "/api/v1/me/invitations/{invitation_id}/accept",
        person(404, citizen=200),
        "only the invited phone's person accepts; everyone else's is 404",
        lambda w, c: Req(f"/api/v1/me/invitations/{citizen_invitation(w, c)}/accept"),
    ),
    row(
        "DELETE",
        "/api/v1/me/invitations/{invitation_id}",
        person(404, citizen=204),
        "only the invited phone's person declines; everyone else's is 404",
        lambda w, c: Req(f"/api/v1/me/invitations/{citizen_invitation(w, c)}"),
    ),
    row(
        "DELETE",
        "/api/v1/me/memberships/{org_id}",
        person(404, organiser=204, org_admin=409),
        "a member leaves Acme; its only admin may not (409); non-members 404",
        lambda w, c: Req(f"/api/v1/me/memberships/{w['acme']}"),
    ),
    row(
        "POST",
        "/api/v1/me/wechat-links",
        person(201),
        "a signed-in person links the follower named by a genuine link token",
        lambda w, c: Req(
            "/api/v1/me/wechat-links",
            json={"token": wechat_link_token("test-secret", w["wechat_pk"], "o_follower")},
        ),
    ),
    # --- organisations, members, API keys ---------------------------------------------------
    row(
        "GET",
        "/api/v1/organisations",
        expect(anon=401, people=200, keys=200),
        "the caller's own organisations (a key: its own; operators: all)",
    ),
    row(
        "POST",
        "/api/v1/organisations",
        person(201),
        "anyone signed in may create a company, becoming its admin",
        lambda w, c: Req("/api/v1/organisations", json={"name": "新公司", "kind": "company"}),
    ),
    row(
        "GET",
        "/api/v1/organisations/{org_id}",
        expect(
            anon=401,
            people=404,
            organiser=200,
            org_admin=200,
            api_key=200,
            api_key_noscope=200,  # its one scope is organisation:read
            operator=200,
        ),
        "members, keys with organisation:read and operators; outsiders 404",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}"),
    ),
    row(
        "GET",
        "/api/v1/organisations/{org_id}/members",
        expect(
            anon=401,
            people=404,
            organiser=200,
            org_admin=200,
            api_key=200,
            api_key_noscope=200,
            operator=200,
        ),
        "members, keys with organisation:read and operators; outsiders 404",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/members"),
    ),
    row(
        "GET",
        "/api/v1/organisations/{org_id}/invitations",
        expect(anon=401, people=404, organiser=403, org_admin=200, keys=401, operator=200),
        "admins see pending invitations; a member is known (403); keys never manage people",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/invitations"),
    ),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/invitations",
        expect(anon=401, people=404, organiser=403, org_admin=201, keys=401, operator=201),
        "admins invite; a member is known (403); keys never manage people",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/invitations",
            json={"phone": f.new_phone(), "roles": ["member"]},
        ),
    ),
    row(
        "DELETE",
        "/api/v1/organisations/{org_id}/invitations/{invitation_id}",
        expect(anon=401, people=404, organiser=403, org_admin=204, keys=401, operator=204),
        "admins withdraw an invitation; a member is known (403); keys never manage people",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/invitations/{citizen_invitation(w, c)}"
        ),
    ),
    row(
        "GET",
        "/api/v1/organisations/{org_id}/api-keys",
        expect(anon=401, people=404, organiser=403, org_admin=200, keys=401, operator=200),
        "admins only; managing keys needs a person (a key is 401)",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/api-keys"),
    ),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/api-keys",
        expect(anon=401, people=404, organiser=403, org_admin=201, keys=401, operator=201),
        "admins only; a key cannot mint keys (401: it is not a person)",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/api-keys",
            json={"name": "k", "scopes": ["orders:read"]},
        ),
    ),
    row(
        "DELETE",
        "/api/v1/organisations/{org_id}/api-keys/{key_id}",
        expect(anon=401, people=404, organiser=403, org_admin=200, keys=401, operator=200),
        "admins only; a key cannot revoke keys (401: it is not a person)",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/api-keys/{w['spare_key']}"),
    ),
    # --- footprints -------------------------------------------------------------------------
    row(
        "POST",
        "/api/v1/footprints",
        expect(anon=201, people=201, api_key=201, api_key_noscope=403),
        "anyone may calculate (anonymous is rate-limited); a key needs footprints:write",
        lambda w, c: Req(
            "/api/v1/footprints", json={"kind": "meeting", "meeting": {"attendees": 3}}
        ),
    ),
    row(
        "GET",
        "/api/v1/footprints/{footprint_id}",
        acme_object(200, anon=404),
        "an owned footprint: owner, org admin, scoped key, operator; anonymous too gets 404",
        lambda w, c: Req(f"/api/v1/footprints/{w['acme_footprint']}"),
    ),
    row("GET", "/api/v1/factors", public(200), "factor sets are public"),
    # --- credits ----------------------------------------------------------------------------
    row("GET", "/api/v1/projects", public(200), "the catalogue is public"),
    row(
        "POST",
        "/api/v1/projects",
        operator(201),
        "operators keep the inventory",
        lambda w, c: Req(
            "/api/v1/projects",
            json={
                "standard": "VCU",
                "registry_id": "VCS-9999",
                "name_zh": "项目",
                "name_en": "Project",
                "type": "wind",
                "methodology": "AMS-I.D",
                "country": "IN",
            },
        ),
    ),
    row(
        "GET",
        "/api/v1/projects/{project_id}",
        public(200),
        "the catalogue is public",
        lambda w, c: Req(f"/api/v1/projects/{w['project']}"),
    ),
    row("GET", "/api/v1/lots", operator(200), "lots carry acquisition costs: operators"),
    row(
        "POST",
        "/api/v1/lots",
        operator(201),
        "operators keep the inventory",
        lambda w, c: Req(
            "/api/v1/lots",
            json={
                "project_id": w["project"],
                "vintage": 2021,
                "serial_range": "X-9000000000-9000000009",
                "first_unit": 9_000_000_000,
                "last_unit": 9_000_000_009,
                "acquisition_cost_fen": 0,
                "price_fen_per_t": 100,
            },
        ),
    ),
    row(
        "POST",
        "/api/v1/credits/quote",
        public(200),
        "a price without holding anything: public",
        lambda w, c: Req("/api/v1/credits/quote", json={"mass_g": 1000, "preferences": w["prefs"]}),
    ),
    row("GET", "/api/v1/credits/totals", operator(200), "inventory figures: operators"),
    row("GET", "/api/v1/credits/units", operator(200), "units awaiting the registry: operators"),
    row(
        "POST",
        "/api/v1/registry-retirements",
        operator(201),
        "operators record registry batches",
        lambda w, c: Req(
            "/api/v1/registry-retirements",
            json={
                "standard": "CDCER",
                "registry_ref": "REG-1",
                "retired_on": "2026-01-02T00:00:00+08:00",
                "units": [
                    {"lot_id": w["lot"], "first_serial": w["unit"], "last_serial": w["unit"]},
                ],
            },
        ),
    ),
    # --- orders -----------------------------------------------------------------------------
    row(
        "POST",
        "/api/v1/orders",
        expect(anon=401, people=201, api_key=201, api_key_noscope=403),
        "a person, or a key with orders:write",
        lambda w, c: Req(
            "/api/v1/orders",
            json={"mass_g": 1000, "beneficiary": "张三", "preferences": w["prefs"]},
            headers=idem(),
        ),
    ),
    row(
        "GET",
        "/api/v1/orders",
        expect(anon=401, people=200, api_key=200, api_key_noscope=403),
        "my orders; a key lists its organisation's with orders:read",
    ),
    row(
        "GET",
        "/api/v1/orders/{order_id}",
        acme_object(200),
        "Acme's order: owner, Acme admin, scoped key, operator",
        lambda w, c: Req(f"/api/v1/orders/{w['acme_order']}"),
    ),
    row(
        "POST",
        "/api/v1/orders/{order_id}/cancel",
        acme_object(200),
        "the same people who see it may cancel it",
        lambda w, c: Req(f"/api/v1/orders/{w['acme_order']}/cancel"),
    ),
    row(
        "POST",
        "/api/v1/orders/{order_id}/confirm",
        acme_object(200),
        "sandbox payment: the same people who see the order",
        lambda w, c: Req(f"/api/v1/orders/{w['acme_order']}/confirm", json={}),
    ),
    row(
        "GET",
        "/api/v1/payments/rails",
        public(200),
        "the rails offered and the one recommended are public (nothing of anyone's)",
    ),
    row(
        "POST",
        "/api/v1/payments/stripe/webhook",
        public(400),
        "Stripe's signature is the only credential: none is 400, whoever calls",
        lambda w, c: Req(
            "/api/v1/payments/stripe/webhook",
            data=b'{"id": "evt_1", "type": "payment_intent.succeeded"}',
            headers={"Content-Type": "application/json"},
        ),
        stripe=True,
    ),
    row(
        "POST",
        "/api/v1/payments/wechatpay/notify",
        public(404),
        "WeChat Pay is not configured here, so 404 whoever calls; configured, its signature is "
        "the only credential (tests/payments/test_wechatpay_flow.py)",
        lambda w, c: Req(
            "/api/v1/payments/wechatpay/notify",
            data=b'{"id": "n1", "event_type": "TRANSACTION.SUCCESS"}',
            headers={"Content-Type": "application/json"},
        ),
    ),
    row(
        "POST",
        "/api/v1/payments/alipay/notify",
        public(404),
        "Alipay is not configured here, so 404 whoever calls; configured, its RSA2 signature is "
        "the only credential (tests/payments/test_alipay_flow.py)",
        lambda w, c: Req(
            "/api/v1/payments/alipay/notify",
            data=b"notify_id=n1&out_trade_no=ord_x&trade_status=TRADE_SUCCESS",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    ),
    # --- certificates -----------------------------------------------------------------------
    row(
        "GET",
        "/api/v1/certificates",
        expect(anon=401, people=200, api_key=200, api_key_noscope=403),
        "my certificates; a key lists its organisation's with certificates:read",
    ),
    row("GET", "/api/v1/certificates/keys", public(200), "public keys are public"),
    row(
        "GET",
        "/api/v1/certificates/{number}",
        public(200),
        "public to anyone holding its number and check code (names masked on a judicial one); "
        "its owner needs no code (tests/courts/test_judicial_privacy.py)",
        lambda w, c: Req(
            f"/api/v1/certificates/{w['acme_cert']}", query={"k": w["acme_cert_code"]}
        ),
    ),
    row(
        "GET",
        "/api/v1/certificates/{number}.png",
        public(200),
        "its image too",
        lambda w, c: Req(
            f"/api/v1/certificates/{w['acme_cert']}.png", query={"k": w["acme_cert_code"]}
        ),
    ),
    row(
        "GET",
        "/api/v1/certificates/{number}/statement.pdf",
        public(200),
        "a meeting's statement: to anyone with the check code, as the public certificate shows",
        lambda w, c: Req(
            f"/api/v1/certificates/{w['acme_meeting_cert']}/statement.pdf",
            query={"k": w["acme_meeting_code"]},
        ),
    ),
    row(
        "GET",
        "/api/v1/certificates/{number}/report.pdf",
        expect(
            anon=401,
            people=403,
            organiser=200,
            org_admin=200,
            api_key=200,
            api_key_noscope=403,
            operator=200,
        ),
        "a meeting's accounting report: only to those who read the certificate in full; the "
        "check code opens the statement alone (403)",
        lambda w, c: Req(
            f"/api/v1/certificates/{w['acme_meeting_cert']}/report.pdf",
            query={"k": w["acme_meeting_code"]},
        ),
    ),
    row(
        "POST",
        "/api/v1/certificates/{number}/revocation",
        operator(200),
        "only operators revoke",
        lambda w, c: Req(
            f"/api/v1/certificates/{w['acme_cert']}/revocation", json={"reason": "测试撤销"}
        ),
    ),
    row("GET", "/api/v1/ledger", public(200), "the ledger is public (no names)"),
    row("GET", "/api/v1/stats", public(200), "public statistics"),
    row("GET", "/api/v1/stats/points", public(200), "public points totals and sponsor budgets"),
    row(
        "GET",
        "/api/v1/stats/report",
        public(200),
        "the yearly market report is public",
        lambda w, c: Req("/api/v1/stats/report", query={"year": "2026"}),
    ),
    row(
        "GET",
        "/api/v1/stats/report/charts/{chart}.png",
        public(200),
        "its charts too",
        lambda w, c: Req("/api/v1/stats/report/charts/by-standard.png", query={"year": "2026"}),
    ),
    # --- points -----------------------------------------------------------------------------
    row("GET", "/api/v1/points/methodology", public(200), "the methodology is public"),
    row(
        "POST",
        "/api/v1/points/actions",
        expect(anon=401, people=403, api_key=401, api_key_noscope=403),
        "a partner's key with points:report AND a valid signature; unsigned is 401",
        lambda w, c: Req("/api/v1/points/actions", json={"actions": [metro_trip(w)]}),
    ),
    row(
        "POST",
        "/api/v1/points/actions/reversals",
        expect(anon=401, people=403, api_key=401, api_key_noscope=403),
        "as for reporting: the partner's key and its signature",
        lambda w, c: Req("/api/v1/points/actions/reversals", json={"external_ids": ["x"]}),
    ),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/points-partner",
        operator(201),
        "operators enrol partners and rotate their secrets",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/points-partner"),
    ),
    row("GET", "/api/v1/wallet", person(200), "a person's own wallet"),
    row("GET", "/api/v1/wallet/actions", person(200), "a person's own actions"),
    row(
        "POST",
        "/api/v1/wallet/checkins",
        person(201),
        "a person checks in for themself, with the venue's current code (once a day: later "
        "calls answer 201 as duplicates)",
        lambda w, c: Req("/api/v1/wallet/checkins", json={"venue": venue_code(w, c)}),
    ),
    row(
        "POST",
        "/api/v1/wallet/redemptions",
        person(409, citizen=201),
        "a person spends their own points: only the citizen has any (others 409)",
        lambda w, c: Req(
            "/api/v1/wallet/redemptions",
            json={"points": 100, "preferences": w["prefs"]},
            headers=idem(),
        ),
    ),
    row(
        "GET",
        "/api/v1/organisations/{org_id}/venues",
        acme_staff(200),
        "Acme's venues: its people (the venues' staff) and operators",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/venues"),
    ),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/venues",
        operator(201),
        "operators add venues",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/venues",
            json={"name_zh": "成都图书馆", "name_en": "Chengdu Library", "kind": "venue"},
        ),
    ),
    row(
        "PATCH",
        "/api/v1/venues/{venue_id}",
        operator(200),
        "operators rename venues and stop their check-ins",
        lambda w, c: Req(f"/api/v1/venues/{w['venue']}", json={"active": True}),
    ),
    row(
        "GET",
        "/api/v1/venues/{venue_id}/code",
        acme_staff(200),
        "the venue's current code: its staff (Acme's people) and operators; keys are not staff",
        lambda w, c: Req(f"/api/v1/venues/{w['venue']}/code"),
    ),
    # --- points: sponsors and rewards ---------------------------------------------------------
    row(
        "POST",
        "/api/v1/organisations/{org_id}/sponsor",
        operator(201),
        "operators enrol sponsors",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/sponsor"),
    ),
    row(
        "GET",
        "/api/v1/organisations/{org_id}/sponsor",
        expect(anon=401, people=404, keys=401, organiser=200, org_admin=200, operator=200),
        "the sponsor's budget: its members (any role) and operators; keys are not people",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/sponsor"),
    ),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/sponsor/fundings",
        operator(201),
        "operators record a sponsor's funding",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/sponsor/fundings", json={"amount_fen": 1}
        ),
    ),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/rewards",
        expect(anon=401, people=404, keys=401, organiser=403, org_admin=201, operator=201),
        "the sponsor's admins (a plain member is known: 403) and operators add rewards",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/rewards",
            json={
                "kind": "ticket",
                "title_zh": "场馆门票",
                "title_en": "Ticket",
                "price_points": 10,
                "stock": 1,
                "valid_from": "2026-01-01T00:00:00+08:00",
                "valid_until": "2099-01-01T00:00:00+08:00",
            },
        ),
    ),
    row("GET", "/api/v1/rewards", public(200), "the catalogue is public"),
    row(
        "GET",
        "/api/v1/organisations/{org_id}/rewards",
        acme_staff(200),
        "every item the sponsor offered: its members (any role) and operators",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/rewards"),
    ),
    row(
        "POST",
        "/api/v1/rewards/{reward_id}/withdrawal",
        expect(anon=401, people=404, keys=401, organiser=403, org_admin=200, operator=200),
        "the sponsor's admins (a plain member is known: 403) and operators withdraw its rewards",
        lambda w, c: Req(f"/api/v1/rewards/{w['reward']}/withdrawal", json={}),
    ),
    row("GET", "/api/v1/sponsors", operator(200), "every sponsor's budget: operators"),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/sponsor/bonuses",
        expect(anon=401, people=404, keys=401, organiser=403, org_admin=201, operator=201),
        "the sponsor's admins (a plain member is known: 403) and operators award bonuses",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/sponsor/bonuses",
            json={
                "phone": w["citizen_phone"],
                "points": 10,
                "reason": "志愿活动",
                "external_id": "matrix-bonus",
            },
            headers=idem(),
        ),
    ),
    row(
        "POST",
        "/api/v1/rewards/{reward_id}/redemptions",
        person(409, citizen=201),
        "a person spends their own points: only the citizen has any (others 409)",
        lambda w, c: Req(f"/api/v1/rewards/{w['reward']}/redemptions", headers=idem()),
    ),
    row("GET", "/api/v1/wallet/rewards", person(200), "a person's own rewards and codes"),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/reward-codes/lookup",
        expect(anon=401, people=404, keys=401, organiser=200, org_admin=200, operator=200),
        "the sponsor's merchants (any member) and operators; other people 404",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/reward-codes/lookup",
            json={"code": w["reward_code"]},
        ),
    ),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/reward-codes/honour",
        expect(anon=401, people=404, keys=401, organiser=201, org_admin=201, operator=201),
        "the sponsor's merchants honour its codes (each cell rolls back, so each is the first)",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/reward-codes/honour",
            json={"code": w["reward_code"]},
        ),
    ),
    # --- partners: WeChat -------------------------------------------------------------------
    row(
        "GET",
        "/api/v1/organisations/{org_id}/wechat-accounts",
        acme_admin_object(200, member=403, keys=401),
        "Acme's admins and operators; a member is known (403); keys are not people (401)",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/wechat-accounts"),
    ),
    row(
        "POST",
        "/api/v1/organisations/{org_id}/wechat-accounts",
        acme_admin_object(201, member=403, keys=401),
        "Acme's admins and operators link accounts",
        lambda w, c: Req(
            f"/api/v1/organisations/{w['acme']}/wechat-accounts",
            json={
                "appid": "wx0123456789abcdef",
                "token": "othertoken",
                "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                "name": "第二个服务号",
            },
        ),
    ),
    row(
        "DELETE",
        "/api/v1/organisations/{org_id}/wechat-accounts/{account}",
        acme_admin_object(204, member=403, keys=401),
        "Acme's admins and operators unlink",
        lambda w, c: Req(f"/api/v1/organisations/{w['acme']}/wechat-accounts/{w['wechat']}"),
    ),
    row(
        "GET",
        "/api/v1/partners/wechat/{account}",
        public(403),
        "WeChat's URL check: a wrong signature is 403, whoever calls",
        lambda w, c: Req(
            f"/api/v1/partners/wechat/{w['wechat']}",
            query={"signature": "0" * 40, "timestamp": "1", "nonce": "n", "echostr": "e"},
        ),
    ),
    row(
        "POST",
        "/api/v1/partners/wechat/{account}",
        public(403),
        "a WeChat message: a wrong signature is 403, whoever calls",
        lambda w, c: Req(
            f"/api/v1/partners/wechat/{w['wechat']}",
            query={"signature": "0" * 40, "timestamp": "1", "nonce": "n"},
            data="<xml><MsgType>text</MsgType></xml>",
        ),
    ),
    # --- partners: webhook endpoints --------------------------------------------------------
    row(
        "POST",
        "/api/v1/webhook-endpoints",
        acme_admin_object(201),
        "for Acme: its admin, its key with webhooks:manage, operators; endpoints are owned "
        "objects (authorize_owner), so a plain member gets 404 like an outsider",
        lambda w, c: Req(
            "/api/v1/webhook-endpoints",
            json={
                "url": "http://127.0.0.1:9/other",
                "events": ["order.paid"],
                "organisation_id": w["acme"],
            },
        ),
    ),
    row(
        "GET",
        "/api/v1/webhook-endpoints",
        acme_admin_object(200),
        "Acme's endpoints, named by ?organisation_id: the same people as for creating one",
        lambda w, c: Req("/api/v1/webhook-endpoints", query={"organisation_id": str(w["acme"])}),
    ),
    row(
        "GET",
        "/api/v1/webhook-endpoints/{endpoint_id}",
        acme_admin_object(200),
        "Acme's admin, its key with webhooks:manage, operators",
        lambda w, c: Req(f"/api/v1/webhook-endpoints/{w['hook']}"),
    ),
    row(
        "PATCH",
        "/api/v1/webhook-endpoints/{endpoint_id}",
        acme_admin_object(200),
        "the same",
        lambda w, c: Req(f"/api/v1/webhook-endpoints/{w['hook']}", json={"enabled": False}),
    ),
    row(
        "DELETE",
        "/api/v1/webhook-endpoints/{endpoint_id}",
        acme_admin_object(204),
        "the same",
        lambda w, c: Req(f"/api/v1/webhook-endpoints/{w['hook']}"),
    ),
    row(
        "POST",
        "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
        acme_admin_object(200),
        "the same",
        lambda w, c: Req(f"/api/v1/webhook-endpoints/{w['hook']}/rotate-secret", json={}),
    ),
    row(
        "GET",
        "/api/v1/webhook-endpoints/{endpoint_id}/deliveries",
        acme_admin_object(200),
        "the same",
        lambda w, c: Req(f"/api/v1/webhook-endpoints/{w['hook']}/deliveries"),
    ),
    row(
        "POST",
        "/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver",
        acme_admin_object(202),
        "the same",
        lambda w, c: Req(
            f"/api/v1/webhook-endpoints/{w['hook']}/deliveries/{w['delivery']}/redeliver"
        ),
    ),
    # --- courts -----------------------------------------------------------------------------
    row("GET", "/api/v1/courts", person(200), "the courts I see (none for non-staff)"),
    row(
        "POST",
        "/api/v1/courts",
        operator(201),
        "operators create courts",
        lambda w, c: Req(
            "/api/v1/courts",
            json={"name": "新法院", "level": "high", "province": "CN-GZ"},
        ),
    ),
    row(
        "GET",
        "/api/v1/courts/{court_id}",
        court_a_read(200),
        "court A: its staff, the courts above, operators",
        lambda w, c: Req(f"/api/v1/courts/{w['court_a']}"),
    ),
    row(
        "GET",
        "/api/v1/courts/{court_id}/stats",
        court_a_read(200),
        "court A's figures: the same readers",
        lambda w, c: Req(f"/api/v1/courts/{w['court_a']}/stats"),
    ),
    row(
        "GET",
        "/api/v1/court-cases",
        person(200),
        "the cases I see (an empty page for non-staff)",
    ),
    row(
        "POST",
        "/api/v1/court-cases",
        expect(
            anon=401,
            people=422,
            keys=401,
            clerk_a=201,
            judge_a=201,
            upper_judge=403,
            operator=403,
        ),
        "court A's clerk; the court above and operators see A (403); for anyone else court_id "
        "names no court they see: 422 naming it, as for a court that does not exist",
        lambda w, c: Req(
            "/api/v1/court-cases", json=f.case_body(w["court_a"], number="(2026)川1827刑初1号")
        ),
    ),
    row(
        "GET",
        "/api/v1/court-cases/{case_id}",
        court_a_read(200),
        "court A's case: its staff, the courts above, operators",
        lambda w, c: Req(f"/api/v1/court-cases/{w['case']}"),
    ),
    row(
        "POST",
        "/api/v1/court-cases/{case_id}/close",
        expect(
            anon=401,
            people=404,
            keys=401,
            clerk_a=403,
            judge_a=200,
            upper_judge=403,
            operator=403,
        ),
        "only a judge of court A; readers who see the case get 403",
        lambda w, c: Req(f"/api/v1/court-cases/{w['case']}/close", json={"reason": "撤诉"}),
    ),
    row(
        "POST",
        "/api/v1/court-cases/{case_id}/deadline",
        expect(
            anon=401,
            people=404,
            keys=401,
            clerk_a=403,
            judge_a=200,
            upper_judge=403,
            operator=403,
        ),
        "only a judge of court A",
        lambda w, c: Req(
            f"/api/v1/court-cases/{w['case']}/deadline",
            json={"deadline": "2099-06-30", "reason": "延期"},
        ),
    ),
    row(
        "POST",
        "/api/v1/court-cases/{case_id}/verifications",
        expect(
            anon=401,
            people=404,
            keys=401,
            clerk_a=201,
            judge_a=201,
            upper_judge=403,
            operator=403,
        ),
        "核销 by court A's staff only; upper courts and operators only read",
        lambda w, c: Req(
            f"/api/v1/court-cases/{w['case']}/verifications",
            json={"certificate_number": w["judicial_cert"]},
        ),
    ),
    row(
        "GET",
        "/api/v1/court-cases/{case_id}/audit",
        court_a_read(200),
        "the audit log: court A's readers",
        lambda w, c: Req(f"/api/v1/court-cases/{w['case']}/audit"),
    ),
    row(
        "GET",
        "/api/v1/court-cases/{case_id}/report.png",
        court_a_read(200),
        "the case report: court A's readers",
        lambda w, c: Req(f"/api/v1/court-cases/{w['case']}/report.png"),
    ),
    row(
        "GET",
        "/api/v1/court-cases/{case_id}/defendants/{defendant_id}/qr.png",
        court_a_read(200),
        "a defendant's QR: court A's readers",
        lambda w, c: Req(f"/api/v1/court-cases/{w['case']}/defendants/{w['defendant']}/qr.png"),
    ),
    row(
        "GET",
        "/api/v1/court-purchases/{token}",
        public(200),
        "the unguessable token is the capability: public",
        lambda w, c: Req(f"/api/v1/court-purchases/{w['defendant_token']}"),
    ),
    row(
        "POST",
        "/api/v1/court-purchases/{token}/orders",
        person(201),
        "anyone signed in may buy a defendant's restoration (family pays too)",
        lambda w, c: Req(
            f"/api/v1/court-purchases/{w['defendant_token']}/orders",
            json={"mass_g": 1000},
            headers=idem(),
        ),
    ),
    # --- the CDCER registry -----------------------------------------------------------------
    row("GET", "/api/v1/registry/methodologies", public(200), "the catalogue is public"),
    row("GET", "/api/v1/registry/market-documents", public(200), "the documents are public"),
    row(
        "POST",
        "/api/v1/registry/participants",
        expect(anon=401, people=404, keys=401, clerk_a=403, judge_a=403, operator=201),
        "an organisation's admins (or operators) open its account; court A has none yet, and "
        "its staff are not admins; outsiders 404; keys are not people",
        lambda w, c: Req(
            "/api/v1/registry/participants",
            json={
                "organisation_id": w["court_a"],
                "uscc": "9144030071526726XG",
                "legal_representative": "法定代表人",
                "contact_name": "联系人",
                "contact_phone": "13912340001",
                "roles": ["buyer"],
                "accept": registry_acceptances(),
            },
        ),
    ),
    row(
        "GET",
        "/api/v1/registry/participants/{participant_id}",
        acme_staff(200),
        "Acme's account: its people and operators (the phone in full for admins only)",
        lambda w, c: Req(f"/api/v1/registry/participants/{w['participant']}"),
    ),
    row(
        "GET",
        "/api/v1/registry/participants/{participant_id}/holdings",
        acme_staff(200),
        "Acme's holdings: its people and operators",
        lambda w, c: Req(f"/api/v1/registry/participants/{w['participant']}/holdings"),
    ),
    row("GET", "/api/v1/registry/projects", person(200), "each person's organisations' projects"),
    row(
        "POST",
        "/api/v1/registry/projects",
        acme_staff(201),
        "Acme's people register projects for Acme's account (operators may too)",
        lambda w, c: Req("/api/v1/registry/projects", json=w["registry_project_body"]),
    ),
    row(
        "GET",
        "/api/v1/registry/projects/{project_id}",
        acme_staff(200),
        "a project: its owner's people and operators (and verifiers: none here)",
        lambda w, c: Req(f"/api/v1/registry/projects/{w['draft_project']}"),
    ),
    row(
        "POST",
        "/api/v1/registry/projects/{project_id}/transitions",
        expect(anon=401, people=404, keys=401, organiser=200, org_admin=200, operator=403),
        "the owner submits a draft; an operator may not submit for it (403)",
        lambda w, c: Req(
            f"/api/v1/registry/projects/{w['draft_project']}/transitions", json={"to": "submitted"}
        ),
    ),
    row(
        "POST",
        "/api/v1/registry/projects/{project_id}/documents",
        expect(anon=401, people=404, keys=401, organiser=201, org_admin=201, operator=404),
        "only the owner's people upload",
        lambda w, c: Req(
            f"/api/v1/registry/projects/{w['draft_project']}/documents",
            data=MULTIPART_PDF,
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        ),
    ),
    row(
        "GET",
        "/api/v1/registry/projects/{project_id}/documents/{document_id}",
        acme_staff(200),
        "a project's file: its owner's people and operators",
        lambda w, c: Req(
            f"/api/v1/registry/projects/{w['draft_project']}/documents/{w['registry_document']}"
        ),
    ),
    row(
        "POST",
        "/api/v1/registry/projects/{project_id}/reports",
        expect(anon=401, people=404, keys=401, organiser=201, org_admin=201, operator=404),
        "only the owner's people submit monitoring reports",
        lambda w, c: Req(
            f"/api/v1/registry/projects/{w['validated_project']}/reports",
            json={"period_start": "2026-01-01", "period_end": "2026-12-31", "claimed_t": 50},
        ),
    ),
    row(
        "POST",
        "/api/v1/registry/reports/{report_id}/transitions",
        expect(anon=401, people=404, keys=401, organiser=403, org_admin=403, operator=200),
        "operators (or verifier accounts) verify; the owner may not verify its own (403)",
        lambda w, c: Req(
            f"/api/v1/registry/reports/{w['submitted_report']}/transitions",
            json={"to": "verified", "verified_t": 50},
        ),
    ),
    row(
        "POST",
        "/api/v1/registry/reports/{report_id}/issuances",
        operator(201),
        "operators issue",
        lambda w, c: Req(
            f"/api/v1/registry/reports/{w['verified_report']}/issuances", json={"tonnes": 1}
        ),
    ),
    row("GET", "/api/v1/registry/review", person(200), "each person's review queue (may be empty)"),
    row(
        "POST",
        "/api/v1/registry/holdings/{holding_id}/offers",
        expect(anon=401, people=404, keys=401, organiser=403, org_admin=201, operator=403),
        "only the holder's admins offer tonnes to the retirement inventory (its consent)",
        lambda w, c: Req(
            f"/api/v1/registry/holdings/{w['holding']}/offers",
            json={"tonnes": 1, "price_fen_per_t": 1000},
        ),
    ),
    row(
        "GET",
        "/api/v1/registry/organisations/{organisation_id}/participant",
        acme_staff(200),
        "an organisation's exchange account: its people and operators",
        lambda w, c: Req(f"/api/v1/registry/organisations/{w['acme']}/participant"),
    ),
    row(
        "GET",
        "/api/v1/registry/participants/{participant_id}/offers",
        acme_staff(200),
        "the holder's people and operators follow its offers",
        lambda w, c: Req(f"/api/v1/registry/participants/{w['participant']}/offers"),
    ),
    row(
        "POST",
        "/api/v1/registry/offers/{offer_id}/acceptance",
        operator(200),
        "operators accept an offer: its tonnes become a lot",
        lambda w, c: Req(
            f"/api/v1/registry/offers/{w['offer']}/acceptance", json={"price_fen_per_t": 1500}
        ),
    ),
    row(
        "POST",
        "/api/v1/registry/offers/{offer_id}/closure",
        acme_admin_object(200, member=403, keys=401),
        "the holder's admins withdraw, operators decline with a reason",
        lambda w, c: Req(
            f"/api/v1/registry/offers/{w['offer']}/closure", json={"reason": "价格不合适"}
        ),
    ),
    row(
        "GET",
        "/api/v1/registry/trace/{number}",
        public(200),
        "a certificate's trace is read as the certificate: with its check code, or by its owner",
        lambda w, c: Req(
            f"/api/v1/registry/trace/{w['acme_cert']}", query={"k": w["acme_cert_code"]}
        ),
    ),
    row("GET", "/api/v1/registry/public/projects", public(200), "项目公示 is public"),
    row(
        "GET",
        "/api/v1/stats/market/reference",
        public(200),
        "the seed report's published market figures are public",
    ),
    row(
        "GET",
        "/api/v1/registry/public/projects/{project_id}",
        public(200),
        "a validated project's page is public",
        lambda w, c: Req(f"/api/v1/registry/public/projects/{w['validated_project']}"),
    ),
    # --- the market ---------------------------------------------------------------------------
    row(
        "GET",
        "/api/v1/market/participants/{participant_id}/funds",
        acme_staff(200),
        "Acme's funds: its people and operators",
        lambda w, c: Req(f"/api/v1/market/participants/{w['participant']}/funds"),
    ),
    row(
        "POST",
        "/api/v1/market/participants/{participant_id}/funds/deposits",
        acme_trader(201, operator=201),
        "a bank transfer is credited by Acme's admins or an operator",
        lambda w, c: Req(
            f"/api/v1/market/participants/{w['participant']}/funds/deposits",
            json={"bank_reference": f"SBX-{w['participant']}-500-matrix"},
        ),
    ),
    row(
        "POST",
        "/api/v1/market/participants/{participant_id}/funds/withdrawals",
        acme_trader(201),
        "Acme's admins withdraw its funds",
        lambda w, c: Req(
            f"/api/v1/market/participants/{w['participant']}/funds/withdrawals",
            json={"amount_fen": 100},
        ),
    ),
    row(
        "GET",
        "/api/v1/market/participants/{participant_id}/trades",
        acme_staff(200),
        "Acme's trades: its people and operators",
        lambda w, c: Req(f"/api/v1/market/participants/{w['participant']}/trades"),
    ),
    # the 交易 tab's reads (backend/market/desk_routes.py)
    row(
        "GET",
        "/api/v1/market/participants/{participant_id}/deals",
        acme_staff(200),
        "Acme's block trades and agreements: its people and operators",
        lambda w, c: Req(f"/api/v1/market/participants/{w['participant']}/deals"),
    ),
    row(
        "GET",
        "/api/v1/market/participants/{participant_id}/listings",
        acme_staff(200),
        "Acme's listings in every state: its people and operators",
        lambda w, c: Req(f"/api/v1/market/participants/{w['participant']}/listings"),
    ),
    row("GET", "/api/v1/market/rules", public(200), "the rules in force are public"),
    row("GET", "/api/v1/market/listings", public(200), "open listings are public, no person named"),
    row(
        "POST",
        "/api/v1/market/listings",
        acme_trader(201),
        "Acme's admins list tonnes of Acme's holding",
        lambda w, c: Req(
            "/api/v1/market/listings",
            json={
                "seller_id": w["participant"],
                "holding_id": w["holding"],
                "tonnes": 1,
                "price_fen_per_t": 1290,
                "min_lot_t": 1,
            },
        ),
    ),
    row(
        "POST",
        "/api/v1/market/listings/{listing_id}/withdrawal",
        acme_trader(200),
        "Acme's admins withdraw Acme's listing",
        lambda w, c: Req(f"/api/v1/market/listings/{w['acme_listing']}/withdrawal"),
    ),
    row(
        "POST",
        "/api/v1/market/listings/{listing_id}/purchases",
        acme_trader(201),
        "Acme's admins buy from Beta's listing for Acme",
        lambda w, c: Req(
            f"/api/v1/market/listings/{w['beta_listing']}/purchases",
            json={"buyer_id": w["participant"], "quantity_t": 1},
            headers=idem(),
        ),
    ),
    row(
        "POST",
        "/api/v1/market/block-trades",
        acme_trader(201),
        "Acme's admins bid for a block of Beta's units",
        lambda w, c: Req(
            "/api/v1/market/block-trades",
            json={
                "side": "buyer",
                "participant_id": w["participant"],
                "counterparty_id": w["beta_participant"],
                "issuance_id": w["beta_issuance"],
                "quantity_t": 100_000,
                "price_fen_per_t": 100,
            },
        ),
    ),
    row(
        "POST",
        "/api/v1/market/block-trades/{deal_id}/transitions",
        acme_trader(200),
        "Acme's admins withdraw Acme's bid",
        lambda w, c: Req(
            f"/api/v1/market/block-trades/{w['acme_block_bid']}/transitions",
            json={"to": "withdrawn"},
        ),
    ),
    row(
        "POST",
        "/api/v1/market/agreements",
        acme_trader(201),
        "Acme's admins register an agreement to buy from Beta",
        lambda w, c: Req(
            "/api/v1/market/agreements",
            json={
                "side": "buyer",
                "participant_id": w["participant"],
                "counterparty_id": w["beta_participant"],
                "issuance_id": w["beta_issuance"],
                "quantity_t": 1,
                "price_fen_per_t": 1290,
                "contract_reference": "HT-MATRIX-1",
            },
        ),
    ),
    row(
        "POST",
        "/api/v1/market/agreements/{deal_id}/transitions",
        acme_trader(200),
        "Acme's admins confirm Beta's agreement naming Acme: it settles",
        lambda w, c: Req(
            f"/api/v1/market/agreements/{w['beta_agreement']}/transitions",
            json={"to": "settled"},
        ),
    ),
    # --- market data, public trade records, announcements, 成交确认书 ----------------------
    row("GET", "/api/v1/market/products", public(200), "market data is public"),
    row(
        "GET",
        "/api/v1/market/daily",
        public(200),
        "daily OHLC is public",
        lambda w, c: Req("/api/v1/market/daily", query={"standard": "CDCER"}),
    ),
    row(
        "GET",
        "/api/v1/market/trades/public",
        public(200),
        "trade records are public, the parties hidden",
    ),
    row("GET", "/api/v1/market/announcements", public(200), "announcements are public"),
    row(
        "POST",
        "/api/v1/market/announcements",
        operator(201),
        "operators publish announcements",
        lambda w, c: Req(
            "/api/v1/market/announcements",
            json={"title_zh": "公告", "title_en": "Notice", "body_zh": "正文", "body_en": "Body"},
        ),
    ),
    row(
        "POST",
        "/api/v1/market/announcements/{announcement_id}/withdrawal",
        operator(200),
        "operators withdraw announcements",
        lambda w, c: Req(f"/api/v1/market/announcements/{w['announcement']}/withdrawal"),
    ),
    row(
        "GET",
        "/api/v1/market/trades/{number}/confirmation.pdf",
        acme_staff(200),
        "the 成交确认书: the parties' people (Acme bought from Beta) and operators",
        lambda w, c: Req(f"/api/v1/market/trades/{w['trade_number']}/confirmation.pdf"),
    ),
    row(
        "POST",
        "/api/v1/market/trades/{number}/reversal",
        operator(201),
        "operators reverse (冲正) a trade: Acme's 1 t goes back to Beta, the money to Acme",
        lambda w, c: Req(
            f"/api/v1/market/trades/{w['trade_number']}/reversal",
            json={"reason": "录入错误 Entered in error"},
        ),
    ),
    row(
        "POST",
        "/api/v1/finance/holdings/{holding_id}/pledges",
        acme_trader(201),
        "Acme's admins pledge tonnes of Acme's holding to the bank Gamma",
        lambda w, c: Req(
            f"/api/v1/finance/holdings/{w['holding']}/pledges",
            json={
                "pledgee_id": w["bank_participant"],
                "tonnes": 1,
                "loan_amount_fen": 1_000_000,
                "annual_rate_bps": 400,
                "term_months": 12,
            },
            headers=idem(),
        ),
    ),
    row(
        "GET",
        "/api/v1/finance/participants/{participant_id}/pledges",
        acme_staff(200),
        "Acme's people and operators follow its pledges, given and taken",
        lambda w, c: Req(f"/api/v1/finance/participants/{w['participant']}/pledges"),
    ),
    row(
        "GET",
        "/api/v1/finance/pledges/{pledge_id}",
        acme_staff(200),
        "a pledge is read by its parties' people (Acme pledged it) and operators",
        lambda w, c: Req(f"/api/v1/finance/pledges/{w['acme_pledge']}"),
    ),
    row(
        "POST",
        "/api/v1/finance/pledges/{pledge_id}/transitions",
        acme_trader(200),
        "the pledgee's admins register a pledge (Beta pledged to Acme); operators only read it",
        lambda w, c: Req(
            f"/api/v1/finance/pledges/{w['beta_pledge']}/transitions", json={"to": "registered"}
        ),
    ),
    row(
        "GET", "/api/v1/finance/pledge-notices", public(200), "登记公示 is public, no person named"
    ),
    row("GET", "/api/v1/finance/institutions", public(200), "institutions are organisations"),
    row(
        "POST",
        "/api/v1/market/restock",
        operator(201),
        "operators restock 点点's inventory from Beta's listing, with 点点's own exchange account",
        lambda w, c: Req(
            "/api/v1/market/restock",
            json={"listing_id": w["beta_listing"], "quantity_t": 1, "sale_price_fen_per_t": 1800},
            headers=idem(),
        ),
    ),
    # --- green finance: the 绿蓉融 database and ESG disclosure (backend/finance) ------------
    row("GET", "/api/v1/finance/taxonomy", public(200), "the catalogue is public"),
    row(
        "GET",
        "/api/v1/finance/organisations/{org_id}/listing-applications",
        acme_staff(200),
        "Acme's listing applications: its people and operators",
        lambda w, c: Req(f"/api/v1/finance/organisations/{w['acme']}/listing-applications"),
    ),
    row(
        "POST",
        "/api/v1/finance/organisations/{org_id}/listing-applications",
        expect(anon=401, people=404, keys=401, organiser=403, org_admin=201, operator=201),
        "Acme's admins apply (operators support them); members 403; keys are not people",
        lambda w, c: Req(
            f"/api/v1/finance/organisations/{w['acme']}/listing-applications",
            json={
                "subject": "enterprise",
                "kind": "climate_friendly",
                "taxonomy_version": "2024",
                "taxonomy_code": "7",
                "statement": "气候友好",
            },
        ),
    ),
    row(
        "GET",
        "/api/v1/finance/listing-applications/{application_id}",
        acme_staff(200),
        "an application of Acme's: its people and operators",
        lambda w, c: Req(f"/api/v1/finance/listing-applications/{w['acme_project_application']}"),
    ),
    row(
        "POST",
        "/api/v1/finance/listing-applications/{application_id}/transitions",
        operator(200),
        "operators list, reject or delist",
        lambda w, c: Req(
            f"/api/v1/finance/listing-applications/{w['acme_enterprise_application']}/transitions",
            json={"to": "listed"},
        ),
    ),
    row("GET", "/api/v1/finance/listing-review", operator(200), "the operators' review queue"),
    row(
        "POST",
        "/api/v1/finance/listing-applications/{application_id}/documents",
        expect(anon=401, people=404, keys=401, organiser=403, org_admin=201, operator=201),
        "Acme's admins add evidence (operators support them)",
        lambda w, c: Req(
            f"/api/v1/finance/listing-applications/{w['acme_project_application']}/documents",
            data=MULTIPART_PDF,
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        ),
    ),
    row(
        "GET",
        "/api/v1/finance/listing-applications/{application_id}/documents/{document_id}",
        acme_staff(200),
        "evidence files: the applicant's people and operators",
        lambda w, c: Req(
            f"/api/v1/finance/listing-applications/{w['acme_project_application']}"
            f"/documents/{w['acme_listing_document']}"
        ),
    ),
    row("GET", "/api/v1/finance/listed/enterprises", public(200), "the database is public"),
    row("GET", "/api/v1/finance/listed/projects", public(200), "the database is public"),
    row(
        "GET",
        "/api/v1/finance/listed/projects/{application_id}",
        public(200),
        "a listed project's page is public (Beta's, listed by the operator)",
        lambda w, c: Req(f"/api/v1/finance/listed/projects/{w['beta_listed_project']}"),
    ),
    row(
        "GET",
        "/api/v1/finance/organisations/{org_id}/esg",
        expect(anon=404, people=404, keys=404, organiser=200, org_admin=200, operator=200),
        "unpublished: Acme's people and operators; to everyone else it does not exist",
        lambda w, c: Req(f"/api/v1/finance/organisations/{w['acme']}/esg"),
    ),
    row(
        "GET",
        "/api/v1/finance/organisations/{org_id}/esg.pdf",
        expect(anon=404, people=404, keys=404, organiser=200, org_admin=200, operator=200),
        "the PDF of the unpublished disclosure: as the page",
        lambda w, c: Req(f"/api/v1/finance/organisations/{w['acme']}/esg.pdf"),
    ),
    row(
        "POST",
        "/api/v1/finance/organisations/{org_id}/esg/publication",
        expect(anon=401, people=404, keys=401, organiser=403, org_admin=200, operator=403),
        "only Acme's own admins publish its disclosure (operators do not choose for it)",
        lambda w, c: Req(
            f"/api/v1/finance/organisations/{w['acme']}/esg/publication", json={"published": True}
        ),
    ),
    # --- green finance: products, financing applications, statistics -------------------------
    row("GET", "/api/v1/finance/products", public(200), "published products are public"),
    row(
        "GET",
        "/api/v1/finance/products/{product_id}",
        public(200),
        "a published product is public",
        lambda w, c: Req(f"/api/v1/finance/products/{w['gamma_product']}"),
    ),
    row(
        "POST",
        "/api/v1/finance/products/{product_id}/transitions",
        acme_trader(200),
        "Acme's admins publish Acme's draft product (Acme's account is an institution)",
        lambda w, c: Req(
            f"/api/v1/finance/products/{w['acme_draft_product']}/transitions",
            json={"to": "published"},
        ),
    ),
    row(
        "GET",
        "/api/v1/finance/participants/{participant_id}/products",
        acme_staff(200),
        "an institution's products, drafts included, are its people's",
        lambda w, c: Req(f"/api/v1/finance/participants/{w['participant']}/products"),
    ),
    row(
        "POST",
        "/api/v1/finance/participants/{participant_id}/products",
        acme_trader(201),
        "Acme's admins draft a product for Acme's institution account",
        lambda w, c: Req(
            f"/api/v1/finance/participants/{w['participant']}/products",
            json={
                "kind": "insurance",
                "name_zh": "CCER减排项目保险",
                "name_en": "CCER project insurance",
                "description_zh": "减排量不足的损失补偿。",
                "description_en": "Covers a shortfall of reductions.",
                "rate_min_bps": 50,
                "rate_max_bps": 200,
                "term_min_months": 12,
                "term_max_months": 36,
                "amount_min_fen": 100_000_00,
                "amount_max_fen": 100_000_000_00,
                "project_types": ["forestry", "hydro"],
                "documents": ["项目备案文件"],
            },
        ),
    ),
    row(
        "GET",
        "/api/v1/finance/participants/{participant_id}/applications",
        acme_staff(200),
        "an institution's inbox is its people's (Beta's application to Acme's product)",
        lambda w, c: Req(f"/api/v1/finance/participants/{w['participant']}/applications"),
    ),
    row(
        "GET",
        "/api/v1/finance/organisations/{org_id}/applications",
        acme_staff(200),
        "an enterprise's applications are its people's",
        lambda w, c: Req(f"/api/v1/finance/organisations/{w['acme']}/applications"),
    ),
    row(
        "POST",
        "/api/v1/finance/organisations/{org_id}/applications",
        acme_trader(201),
        "Acme's admins apply to Gamma's forestry loan",
        lambda w, c: Req(
            f"/api/v1/finance/organisations/{w['acme']}/applications",
            json={
                "amount_fen": 200_000_00,
                "term_months": 12,
                "project_type": "forestry",
                "description": "Acme林业项目",
                "product_ids": [w["gamma_product"]],
            },
            headers=idem(),
        ),
    ),
    row(
        "GET",
        "/api/v1/finance/applications/{application_id}",
        acme_staff(200),
        "Beta's application to Acme's product: Acme's people see it (Gamma's: 404, below)",
        lambda w, c: Req(f"/api/v1/finance/applications/{w['beta_application_acme']}"),
    ),
    row(
        "POST",
        "/api/v1/finance/applications/{application_id}/legs/{leg_id}/transitions",
        acme_trader(200),
        "Acme's admins take Beta's application to Acme's product under review; Acme's member "
        "sees it (403), operators do not lend (403), outsiders see nothing (404)",
        lambda w, c: Req(
            f"/api/v1/finance/applications/{w['beta_application_acme']}/legs/"
            f"{w['beta_leg_acme']}/transitions",
            json={"to": "under_review"},
        ),
    ),
    row("GET", "/api/v1/finance/stats", public(200), "绿蓉融's figures are public"),
]

BY_KEY = {(r.method, r.path): r for r in MATRIX}


def routes(app: Flask) -> set[tuple[str, str]]:
    """Every (method, path) the app routes, in OpenAPI's path syntax."""
    out = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        out |= {(m, path) for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    return out


def test_every_route_is_in_the_matrix(app: Flask, client: FlaskClient) -> None:
    """A new endpoint fails here until its row says who may call it."""
    assert len(BY_KEY) == len(MATRIX), "a (method, path) is listed twice"
    served = routes(app)
    assert sorted(served - BY_KEY.keys()) == [], "unclassified endpoints: add rows to MATRIX"
    assert sorted(BY_KEY.keys() - served) == [], "rows for endpoints that no longer exist"
    documented = {
        (method.upper(), path)
        for path, item in client.get("/api/v1/openapi.json").get_json()["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert documented, "the OpenAPI document lists no operation"
    assert sorted(documented - served) == []


CELLS = [
    pytest.param(r, role, id=f"{r.method} {r.path} as {role}") for r in MATRIX for role in ROLES
]


@pytest.fixture
def stripe_provider(app: Flask) -> Any:
    previous = app.extensions["payments"]
    app.extensions["payments"] = Rails(
        [
            StripeProvider(
                "sk_test_x",
                "pk_test_x",
                "whsec_test",
                minimum_amount=400,
                api_base="http://127.0.0.1:9",
            )
        ]
    )
    try:
        yield
    finally:
        app.extensions["payments"] = previous


def send(app: Flask, world: World, r: Row, role: str, extra: dict[str, Any] | None = None) -> Any:
    """The row's request as `role`; `extra` fields are added to its JSON body."""
    client = app.test_client()
    req = r.req(world, client)
    body = req.json
    if extra is not None:
        body = {**(body or {}), **extra}
    return client.open(
        req.path,
        method=r.method,
        json=body,
        data=req.data,
        query_string=req.query,
        headers={**world.auth(role), **req.headers},
    )


@pytest.mark.parametrize(("r", "role"), CELLS)
def test_cell(app: Flask, world: World, r: Row, role: str, request: pytest.FixtureRequest) -> None:
    if r.stripe:
        request.getfixturevalue("stripe_provider")
    resp = send(app, world, r, role)
    want = r.expected[role]
    assert resp.status_code == want, (
        f"{r.method} {r.path} as {role}: expected {want} ({r.why}), got {resp.status_code}: "
        f"{resp.get_data(as_text=True)[:300]}"
    )
    if want >= 400 and r.path.startswith("/api/"):
        assert resp.mimetype == "application/problem+json"


OUTSIDE = [ADMIN, MEMBER, KEY, CITIZEN]


@pytest.mark.parametrize("role", OUTSIDE)
def test_an_institution_cannot_see_an_application_outside_its_products(
    app: Flask, world: World, role: str
) -> None:
    """Beta's application to Gamma's product does not exist for Acme (an institution too), nor
    for anyone outside Beta and Gamma: 404 (a key, not a person: 401); nor does its leg."""
    client = app.test_client()
    app_id = world["beta_application_gamma"]
    got = client.get(f"/api/v1/finance/applications/{app_id}", headers=world.auth(role))
    assert got.status_code == (401 if role == KEY else 404), got.get_json()
    inbox = client.get(
        f"/api/v1/finance/participants/{world['participant']}/applications",
        headers=world.auth(ADMIN),
    )
    assert app_id not in [a["id"] for a in inbox.get_json()]
    seen = client.get(f"/api/v1/finance/applications/{app_id}", headers=world["bank_auth"])
    assert seen.status_code == 200
    seen = client.get(f"/api/v1/finance/applications/{app_id}", headers=world["beta_auth"])
    assert seen.status_code == 200
