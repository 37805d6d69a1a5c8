"""PIPL consent: a new person accepts the terms and the privacy policy before their account is
made, the versions and time are recorded, a new version asks again (and the API refuses to act
until then), and the texts themselves are served in Chinese and English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import legal
from backend.accounts.legal import Document
from backend.accounts.models import Consent, SignInCode, User
from backend.core.clock import utcnow
from tests import factories as f


def sign_up(client: Any, phone: str, accept: list[dict[str, str]] | None = None) -> Any:
    code = client.post("/api/v1/auth/codes", json={"phone": phone}).get_json()["code"]
    body: dict[str, Any] = {"phone": phone, "code": code}
    if accept is not None:
        body["accept"] = accept
    return client.post("/api/v1/auth/tokens", json=body), code


def test_a_new_account_is_made_only_once_the_texts_are_accepted(client, db_session: Session):
    phone = f.new_phone()
    refused, code = sign_up(client, phone)
    assert refused.status_code == 403
    problem = refused.get_json()
    assert problem["type"] == "/problems/consent-required"
    assert [d["document"] for d in problem["documents"]] == ["terms", "privacy"]
    assert problem["documents"][0] == {
        "document": "terms",
        "version": legal.version(Document.terms),
        "title": "用户协议",
    }
    assert db_session.scalars(select(User).where(User.phone == phone)).first() is None
    pending = db_session.scalars(select(SignInCode).where(SignInCode.phone == phone)).one()
    assert pending.consumed_at is None  # the same code works once the person agrees

    before = utcnow()
    body = {"phone": phone, "code": code, "accept": f.accept_terms()}
    made = client.post("/api/v1/auth/tokens", json=body)
    assert made.status_code == 201, made.get_json()
    user = db_session.scalars(select(User).where(User.phone == phone)).one()
    recorded = db_session.scalars(select(Consent).where(Consent.user_id == user.id)).all()
    assert {(c.document, c.version, c.accepted) for c in recorded} == {
        (Document.terms, legal.version(Document.terms), True),
        (Document.privacy, legal.version(Document.privacy), True),
    }
    assert all(c.at >= before for c in recorded)


def test_accepting_only_one_text_or_an_old_version_makes_no_account(client, db_session):
    phone = f.new_phone()
    terms_only = [{"document": "terms", "version": legal.version(Document.terms)}]
    refused, _ = sign_up(client, phone, terms_only)
    assert [d["document"] for d in refused.get_json()["documents"]] == ["privacy"]
    old = [{"document": d["document"], "version": "0"} for d in f.accept_terms()]
    refused, _ = sign_up(client, phone, old)
    assert refused.status_code == 403
    assert db_session.scalars(select(User).where(User.phone == phone)).first() is None


def test_a_new_version_asks_again_and_the_api_waits_for_it(client, db_session: Session):
    person = f.user(db_session, consents=False)
    for document in legal.REQUIRED:  # they accepted the texts of before
        db_session.add(Consent(user_id=person.id, document=document, version="0", accepted=True))
    db_session.commit()
    signed, _ = sign_up(client, person.phone)  # signing in works: it only identifies them
    assert signed.status_code == 201
    headers = f.bearer(signed.get_json()["access_token"])

    for path in ("/api/v1/me", "/api/v1/wallet", "/api/v1/orders"):
        refused = client.get(path, headers=headers)
        assert refused.status_code == 403, path
        assert refused.get_json()["type"] == "/problems/consent-required"
    # what they may still do: read and answer the texts, take their data, leave
    assert client.get("/api/v1/legal/terms").status_code == 200
    assert client.get("/api/v1/me/consents", headers=headers).status_code == 200
    assert client.get("/api/v1/me/export", headers=headers).status_code == 200

    accepted = client.post(
        "/api/v1/me/consents", json={"accept": f.accept_terms()}, headers=headers
    )
    assert accepted.status_code == 200, accepted.get_json()
    shown = {c["document"]: c for c in accepted.get_json()}
    assert shown["terms"]["in_force"] is True
    assert shown["terms"]["accepted_version"] == legal.version(Document.terms)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    history = db_session.scalars(
        select(Consent.version).where(
            Consent.user_id == person.id, Consent.document == Document.terms
        )
    ).all()
    assert history == ["0", legal.version(Document.terms)]  # the record of both


def test_acceptance_at_sign_in_brings_an_existing_account_up_to_date(client, db_session):
    person = f.user(db_session, consents=False)
    code = client.post("/api/v1/auth/codes", json={"phone": person.phone}).get_json()["code"]
    body = {"phone": person.phone, "code": code, "accept": f.accept_terms()}
    token = client.post("/api/v1/auth/tokens", json=body).get_json()["access_token"]
    assert client.get("/api/v1/me", headers=f.bearer(token)).status_code == 200


def test_a_separate_consent_can_be_withdrawn_but_not_the_terms(client, buyer):
    headers = f.bearer(buyer.token)
    gone = client.delete("/api/v1/me/consents/travel", headers=headers)
    assert gone.status_code == 200
    assert (gone.get_json()["in_force"], gone.get_json()["sensitive"]) == (False, True)
    terms = client.delete("/api/v1/me/consents/terms", headers=headers)
    assert terms.status_code == 422
    assert client.delete("/api/v1/me/consents/marketing", headers=headers).status_code == 404
    standing = {
        c["document"]: c["in_force"]
        for c in client.get("/api/v1/me/consents", headers=headers).get_json()
    }
    assert standing == {"terms": True, "privacy": True, "judicial": True, "travel": False}


@pytest.mark.parametrize("document", list(Document))
def test_each_text_is_served_in_both_languages_with_one_version(client, document: Document):
    zh = client.get(f"/api/v1/legal/{document.value}").get_json()
    en = client.get(f"/api/v1/legal/{document.value}?lang=en").get_json()
    assert zh["lang"] == "zh"
    assert en["lang"] == "en"
    assert zh["version"] == en["version"] == legal.version(document)
    assert zh["effective"] == en["effective"]
    assert re.search(r"[\u4e00-\u9fff]", zh["title"])
    assert zh["html"].startswith("<h1>")
    assert zh["sensitive"] is (document in legal.SENSITIVE)


def test_raw_html_in_a_text_is_escaped(monkeypatch):
    text = legal.Text(Document.terms, "zh", "t", "1", utcnow().date(), "<script>x</script>")
    assert "<script>" not in text.html


def test_an_unknown_text_or_language_is_refused(client):
    assert client.get("/api/v1/legal/cookies").status_code == 404
    resp = client.get("/api/v1/legal/terms?lang=fr")
    assert resp.status_code == 422
