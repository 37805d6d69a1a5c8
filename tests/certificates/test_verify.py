"""Verification: offline from the QR with the published key, online on /verify (by a QR, or
by number and check code); tampering, revocation, unknown numbers, key rotation, and the
version-1 QR codes of certificates issued before the compact claim."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, update

from backend.certificates import claims, issuers, issuing, services
from backend.certificates.models import Certificate
from backend.certificates.signing import b64url, canonical, new_key_pair, unb64url
from backend.core.clock import utcnow
from backend.credits import registry
from backend.credits.models import Standard
from backend.orders import settlement
from tests import factories as f


@pytest.fixture(autouse=True)
def chinese_pages(client):
    """The verify page as a phone in China asks for it (the suite's client asks for English)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"


def payload(verify_url: str) -> str:
    return urlsplit(verify_url).path.rsplit("/", 1)[1]


def scan(verify_url: str) -> tuple[claims.Compact, bytes]:
    """What an app reads from a version-2 QR: the claim and its signature."""
    return claims.decode(payload(verify_url))


def key_for(client, tag: bytes) -> Ed25519PublicKey:
    """The published key (JWK) whose kid has this tag, as a third-party app finds it."""
    keys = client.get("/api/v1/certificates/keys").get_json()["keys"]
    (jwk,) = [k for k in keys if claims.key_tag(k["kid"]) == tag]
    assert (jwk["kty"], jwk["crv"]) == ("OKP", "Ed25519")
    return Ed25519PublicKey.from_public_bytes(unb64url(jwk["x"]))


def offline_check(client, message: bytes, signature: bytes, tag: bytes) -> bool:
    """Verify as a third-party app would: the JWK from the keys endpoint, then Ed25519."""
    try:
        key_for(client, tag).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def page(client, url: str):
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)


def test_the_qr_claim_verifies_offline_with_the_published_key(client, certify):
    cert = certify()
    claim, signature = scan(cert["verify_url"])
    assert claim.number == cert["number"]
    assert claim.mass_g == cert["mass_g"]
    assert claim.issued_on.isoformat() == cert["issued_on"]
    assert offline_check(client, claim.message(), signature, claim.key_tag)
    assert claims.check_code(signature) == cert["check_code"]
    resp = page(client, cert["verify_url"])
    assert resp.status_code == 200
    assert "有效证书" in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "change", [{"mass_g": 1}, {"seq": 999_999}, {"doc_hash": bytes(16)}], ids=str
)
def test_a_changed_mass_number_or_document_fails(client, certify, change):
    cert = certify()
    claim, signature = scan(cert["verify_url"])
    forged = claim.__class__(**{**claim.__dict__, **change})
    assert not offline_check(client, forged.message(), signature, claim.key_tag)
    resp = client.get(f"/verify/{claims.encode(forged, signature)}")
    html = resp.get_data(as_text=True)
    if "seq" in change:  # a number never issued
        assert resp.status_code == 404
        assert "查无此证书" in html
    else:
        assert resp.status_code == 200
        assert "验证失败" in html
        assert cert["beneficiary"] not in html


def test_the_verify_page_shows_a_valid_certificate_without_personal_data(client, certify, buyer):
    cert = certify(beneficiary="成都大运会 东安湖体育公园")
    resp = client.get(f"/verify/{cert['number']}?k={cert['check_code']}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    assert "有效证书" in html
    assert "成都大运会 东安湖体育公园" in html
    assert "2.500 t" in html
    assert cert["check_code"] in html
    assert buyer.user.phone not in html
    assert buyer.user.phone[3:] not in html
    assert "<script" not in html
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]


def test_the_verify_page_is_in_one_language_with_a_link_to_the_other(client, certify):
    """Chinese for a phone in China, English when asked: no page of both (issue 20)."""
    cert = certify(beneficiary="成都大运会 东安湖体育公园")
    path = f"/verify/{cert['number']}?k={cert['check_code']}"
    zh = client.get(path).get_data(as_text=True)
    assert "有效证书" in zh
    assert "Valid certificate" not in zh
    assert "Pooled retirement" not in zh
    assert f'href="?k={cert["check_code"]}&amp;lang=en"' in zh
    en = client.get(path + "&lang=en")
    html = en.get_data(as_text=True)
    assert en.headers["Content-Language"] == "en"
    assert "Valid certificate" in html
    assert "有效证书" not in html
    assert "合并注销" not in html
    assert "成都大运会 东安湖体育公园" in html  # a name stays as it was given
    english = client.get(path, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Valid certificate" in english.get_data(as_text=True)


def test_unknown_and_tampered_records_get_clear_messages(client, db_session, certify):
    assert "查无此证书" in client.get("/verify/DD-2099-000001").get_data(as_text=True)
    assert client.get("/verify/DD-2099-000001").status_code == 404
    assert client.get("/verify/not-a-number-nor-a-qr").status_code == 404
    cert = certify()
    db_session.execute(
        update(Certificate).where(Certificate.number == cert["number"]).values(mass_g=99)
    )
    db_session.commit()
    by_code = f"/verify/{cert['number']}?k={cert['check_code']}"
    assert "验证失败" in client.get(by_code).get_data(as_text=True)
    assert "验证失败" in page(client, cert["verify_url"]).get_data(as_text=True)


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
    html = client.get(f"/verify/{cert['number']}?k={cert['check_code']}").get_data(as_text=True)
    assert "此证书已撤销" in html
    assert "重复申报" in html

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
    shown = client.get(f"/api/v1/certificates/{other['number']}", headers=op).get_json()
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
    verdict = services.verify(db_session, rotated, payload(cert["verify_url"]))
    assert verdict.outcome == "valid"
    by_code = services.Presented(code=cert["check_code"])
    assert services.verify(db_session, rotated, cert["number"], by_code).outcome == "valid"
    statuses = {k.kid: k.status for k in rotated.keyring.jwks}
    assert statuses == {"k2026b": "active", old_kid: "retired"}
    assert public == rotated.keyring.jwks[0].x


def test_a_refund_after_retirement_revokes_the_certificate(client, db_session, certify):
    cert = certify()
    order_id = db_session.scalar(
        select(Certificate.order_id).where(Certificate.number == cert["number"])
    )
    settlement.mark_refunded(db_session, order_id, "refunded at the provider", utcnow())
    stored = services.get(db_session, cert["number"])
    assert stored.status == "revoked"
    assert (stored.revoked_code, stored.revoked_reason) == ("certificates.revoked_refunded", "")
    db_session.commit()
    url = f"/api/v1/certificates/{cert['number']}?k={cert['check_code']}"
    zh = client.get(url, headers={"Accept-Language": "zh-CN"}).get_json()
    assert zh["revoked_reason"] == "订单已退款。"  # worded when shown, not stored in English
    assert client.get(url).get_json()["revoked_reason"] == "订单已退款。"
    english = client.get(url, headers={"Accept-Language": "en"}).get_json()
    assert english["revoked_reason"] == "The payment was refunded."
    html = client.get(f"/verify/{cert['number']}?k={cert['check_code']}").get_data(as_text=True)
    assert "撤销原因：订单已退款。" in html


def test_new_key_prints_a_usable_pair(app):
    out = app.test_cli_runner().invoke(args=["certificates", "new-key", "k2027"]).output
    signing = out.split("(secret): ")[1].split()[0]
    verifying = out.split("(public):  ")[1].split()[0]
    ring = issuers.build(
        {**app.config, "CERTIFICATE_SIGNING_KEYS": signing, "CERTIFICATE_VERIFY_KEYS": ""}
    ).keyring
    assert ring.active.kid == "k2027"
    assert ring.jwks[0].x == verifying.split(":")[1]


def as_issued_before_the_compact_claim(s, app, number: str) -> Certificate:
    """Make a certificate what one issued with document version 2 is: signed over the JSON
    claim (certificate-qr v1), its QR the long `/verify/{number}?c=…&s=…` URL."""
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    doc = json.loads(cert.document)
    cert.document = canonical({**doc, "v": 2}).decode()
    _, cert.signature = app.extensions["certificate_issuer"].keyring.sign(
        canonical(issuing.claim(cert))
    )
    s.commit()
    return cert


def test_version_1_qr_codes_still_verify_on_the_page_and_in_the_api(
    app, client, db_session, certify
):
    number = certify(beneficiary="宝兴县 熊猫栖息地")["number"]
    cert = as_issued_before_the_compact_claim(db_session, app, number)
    issuer = app.extensions["certificate_issuer"]
    url = issuing.verify_url(issuer, cert)
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == f"/verify/{number}"
    claim = json.loads(unb64url(query["c"][0]))
    assert claim["v"] == 1
    assert claim["b"] == "宝兴县 熊猫栖息地"
    signature = unb64url(query["s"][0])
    key = key_for(client, claims.key_tag(claim["k"]))
    key.verify(signature, unb64url(query["c"][0]))  # offline, as before
    html = page(client, url).get_data(as_text=True)
    assert "有效证书" in html
    assert "宝兴县 熊猫栖息地" in html
    # an app derives the check code from the QR's signature to read the JSON
    code = claims.check_code(signature)
    shown = client.get(f"/api/v1/certificates/{number}?k={code}")
    assert shown.status_code == 200
    assert shown.get_json()["claim"]["v"] == 1
    assert shown.get_json()["verify_url"] == url
    forged = url.replace(query["s"][0], query["s"][0][::-1])
    assert "验证失败" in page(client, forged).get_data(as_text=True)
