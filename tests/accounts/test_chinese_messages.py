"""Accounts' problems read in Chinese when the request asks for it (issue 20: "手机号：Not a
valid phone number."), and the names they quote (texts, roles) follow the language too."""

from __future__ import annotations

import re

import pytest

from backend.accounts import legal
from backend.accounts.consent import TITLES, ConsentRequired
from backend.accounts.models import Role
from backend.accounts.principal import ROLE_NAMES
from backend.core import messages
from backend.core.lang import LANGS
from tests import factories as f

ZH = {"Accept-Language": "zh-CN"}
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def chinese(words: str) -> bool:
    return bool(CJK.search(words)) and not LATIN_WORD.search(words)


@pytest.mark.parametrize(
    ("phone", "code"),
    [("12345", "accounts.phone_invalid"), ("not a phone", "accounts.phone_unreadable")],
)
def test_a_wrong_phone_is_explained_in_chinese(client, phone, code):
    resp = client.post("/api/v1/auth/codes", json={"phone": phone}, headers=ZH)
    assert resp.status_code == 422
    problem = resp.get_json()
    (error,) = problem["errors"]
    assert (error["field"], error["code"]) == ("phone", code)
    assert chinese(error["detail"]), error["detail"]
    assert chinese(problem["title"])


def test_the_same_phone_error_reads_in_english_when_asked(client):
    resp = client.post("/api/v1/auth/codes", json={"phone": "12345"})
    assert resp.get_json()["errors"][0]["detail"] == "Not a valid phone number."


def test_a_wrong_code_is_refused_in_chinese(client):
    phone = f.new_phone()
    code = client.post("/api/v1/auth/codes", json={"phone": phone}).get_json()["code"]
    wrong = "000000" if code != "000000" else "111111"
    body = {"phone": phone, "code": wrong, "accept": f.accept_terms()}
    resp = client.post("/api/v1/auth/tokens", json=body, headers=ZH)
    assert resp.status_code == 401
    problem = resp.get_json()
    assert (problem["code"], problem["detail"]) == ("accounts.code_wrong", "验证码不正确。")
    assert chinese(problem["title"])
    assert problem["attempts_left"] == 4


def test_a_role_refusal_names_the_role_in_the_request_language(client, db_session):
    admin, member = f.user(db_session), f.user(db_session)
    org = f.organisation(db_session, admin=admin)
    f.grant(db_session, member, org, Role.member)
    token = f.sign_in(client, member.phone)
    url = f"/api/v1/organisations/{org.id}/api-keys"
    body = {"name": "k", "scopes": ["orders:read"]}
    zh = client.post(url, json=body, headers={**f.bearer(token), **ZH}).get_json()
    en = client.post(url, json=body, headers=f.bearer(token)).get_json()
    assert zh["detail"] == "此操作需要您在该组织中担任以下角色之一：管理员。"
    assert en["detail"] == "This needs one of these roles in the organisation: admin."
    assert zh["params"] == {"roles": ["accounts.role.admin"]}


def test_every_role_has_a_name():
    assert set(ROLE_NAMES) == set(Role)
    assert all(messages.known(code) for code in ROLE_NAMES.values())


def test_the_texts_are_named_by_their_own_titles_in_each_language():
    assert set(TITLES) == set(legal.Document)
    for document, code in TITLES.items():
        for lang in LANGS:
            assert messages.text(code, None, lang) == legal.text(document, lang).title


def test_a_consent_refusal_lists_the_titles_in_the_request_language():
    refused = ConsentRequired("accounts.consent_needed", legal.REQUIRED)
    assert refused.words("zh") == "请先阅读并同意：用户协议、隐私政策。"
    assert refused.words("en") == "Read and accept first: Terms of Service, Privacy Policy."
