"""Verification: offline from the QR with the published key, online on /verify/{number};
tampering, revocation, unknown numbers and key rotation."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, update

from backend.certificates import issuers, services
from backend.certificates.models import Certificate
from backend.certificates.signing import b64url, canonical, new_key_pair, unb64url
from backend.core.clock import utcnow
from backend.credits import registry
from backend.credits.models import Standard
from backend.orders import settlement
from tests import factories as f


def scan(verify_url: str) -> tuple[dict, bytes, str]:
    """What an app reads from the QR: the claim (parsed and raw) and the signature."""
    query = parse_qs(urlsplit(verify_url).query)
    raw = unb64url(query["c"][0])
    return json.loads(raw), raw, query["s"][0]


def offline_check(client, raw: bytes, signature: str, kid: str) -> bool:
    """Verify as a third-party app would: the JWK from the keys endpoint, then Ed25519."""
    keys = client.get("/api/v1/certificates/keys").get_json()["keys"]
    jwk = next(k for k in keys if k["kid"] == kid)
    assert (jwk["kty"], jwk["crv"]) == ("OKP", "Ed25519")
    try:
        Ed25519PublicKey.from_public_bytes(unb64url(jwk["x"])).verify(unb64url(signature), raw)
    except InvalidSignature:
        return False
    return True


def test_the_qr_claim_verifies_offline_with_the_published_key(client, certify):
    cert = certify()
    claim, raw, signature = scan(cert["verify_url"])
    assert claim["n"] == cert["number"]
    assert urlsplit(cert["verify_url"]).path == f"/verify/{cert['number']}"
    assert offline_check(client, raw, signature, claim["k"])


@pytest.mark.parametrize(("field", "value"), [("m", 1), ("n", "DD-2026-999999"), ("b", "冒名者")])
def test_a_changed_mass_number_or_beneficiary_fails(client, certify, field, value):
    cert = certify()
    claim, _, signature = scan(cert["verify_url"])
    forged = canonical({**claim, field: value})
    assert not offline_check(client, forged, signature, claim["k"])
    page = client.get(f"/verify/{cert['number']}?c={b64url(forged)}&s={signature}")
    assert page.status_code == 200
    assert "验证失败" in page.get_data(as_text=True)


def test_the_verify_page_shows_a_valid_certificate_without_personal_data(client, certify, buyer):
    cert = certify(beneficiary="成都大运会 东安湖体育公园")
    resp = client.get(urlsplit(cert["verify_url"]).path + "?" + urlsplit(cert["verify_url"]).query)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    assert "有效证书" in html
    assert "成都大运会 东安湖体育公园" in html
    assert "2.500 t" in html
    assert buyer.user.phone not in html
    assert buyer.user.phone[3:] not in html
    assert "<script" not in html
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]


def test_unknown_and_tampered_records_get_clear_messages(client, db_session, certify):
    assert "查无此证书" in client.get("/verify/DD-2099-000001").get_data(as_text=True)
    assert client.get("/verify/DD-2099-000001").status_code == 404
    cert = certify()
    db_session.execute(
        update(Certificate).where(Certificate.number == cert["number"]).values(mass_g=99)
    )
    db_session.commit()
    assert "验证失败" in client.get(f"/verify/{cert['number']}").get_data(as_text=True)


def test_operators_revoke_with_a_reason_until_the_registry_retires(client, db_session, certify):
    cert = certify()
    url = f"/api/v1/certificates/{cert['number']}/revocation"
    someone = f.sign_in(client, f.user(db_session).phone)
    assert (
        client.post(url, json={"reason": "重复申报"}, headers=f.bearer(someone)).status_code == 403
    )
    op = f.bearer(f.operator_token(client, db_session))
    assert client.post(url, json={"reason": ""}, headers=op).status_code == 422
    revoked = client.post(url, json={"reason": "重复申报 duplicate claim"}, headers=op)
    assert revoked.status_code == 200
    assert revoked.get_json()["status"] == "revoked"
    assert client.post(url, json={"reason": "again"}, headers=op).status_code == 200
    page = client.get(f"/verify/{cert['number']}").get_data(as_text=True)
    assert "此证书已撤销" in page
    assert "重复申报" in page

    other = certify()
    stored = db_session.scalars(
        select(Certificate).where(Certificate.number == other["number"])
    ).one()
    lot_id = json.loads(stored.document)["credits"][0]["lot_id"]
    doc = json.loads(stored.document)["credits"][0]
    registry.record(
        db_session,
        standard=Standard.CCER,
        registry_ref="CCER-R-2026-001",
        retired_on=stored.issued_at,
        note="",
        ranges=[(lot_id, doc["first_serial"], doc["last_serial"])],
    )
    refused = client.post(
        f"/api/v1/certificates/{other['number']}/revocation",
        json={"reason": "too late"},
        headers=op,
    )
    assert refused.status_code == 409
    assert refused.get_json()["type"].endswith("registry-retired")
    shown = client.get(f"/api/v1/certificates/{other['number']}").get_json()
    assert shown["credits"][0]["registry_status"] == "retired"
    assert shown["credits"][0]["registry_ref"] == "CCER-R-2026-001"


def test_old_certificates_verify_after_the_key_is_rotated(app, db_session, certify):
    cert = certify()
    before = app.extensions["certificate_issuer"]
    seed, public = new_key_pair()
    old_kid = before.keyring.active.kid
    old_public = b64url(before.keyring.active.public.public_bytes_raw())
    rotated = issuers.build(
        {
            **app.config,
            "CERTIFICATE_SIGNING_KEYS": f"k2026b:{seed}",
            "CERTIFICATE_VERIFY_KEYS": f"{old_kid}:{old_public}",
        }
    )
    assert rotated.keyring.active.kid == "k2026b"
    verdict = services.verify(db_session, rotated, cert["number"])
    assert verdict.outcome == "valid"
    statuses = {k.kid: k.status for k in rotated.keyring.jwks}
    assert statuses == {"k2026b": "active", old_kid: "retired"}
    assert public == rotated.keyring.jwks[0].x


def test_a_refund_after_retirement_revokes_the_certificate(db_session, certify):
    cert = certify()
    order_id = db_session.scalar(
        select(Certificate.order_id).where(Certificate.number == cert["number"])
    )
    settlement.mark_refunded(db_session, order_id, "refunded at the provider", utcnow())
    assert services.get(db_session, cert["number"]).status == "revoked"


def test_new_key_prints_a_usable_pair(app):
    out = app.test_cli_runner().invoke(args=["certificates", "new-key", "k2027"]).output
    signing = out.split("(secret): ")[1].split()[0]
    verifying = out.split("(public):  ")[1].split()[0]
    ring = issuers.build(
        {**app.config, "CERTIFICATE_SIGNING_KEYS": signing, "CERTIFICATE_VERIFY_KEYS": ""}
    ).keyring
    assert ring.active.kid == "k2027"
    assert ring.jwks[0].x == verifying.split(":")[1]
