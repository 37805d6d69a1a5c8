"""Organisation admins link official accounts; secrets are sealed and never shown; outsiders
see nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.accounts.models import Organisation, Role
from backend.partners.wechat import registration
from backend.partners.wechat.models import WechatAccount
from tests import factories as f
from tests.partners.wechat.conftest import AES_KEY, APPID, TOKEN, register, registration_body


def test_registering_shows_the_callback_url_and_never_the_secrets(client, db_session, company):
    listed = client.get(
        f"/api/v1/organisations/{company.org_id}/wechat-accounts",
        headers=f.bearer(company.admin_token),
    )
    assert listed.status_code == 200
    [account] = listed.get_json()
    assert account["id"].startswith("wx_")
    assert account["appid"] == "wxb11529c136998cb6"
    assert account["callback_url"] == (
        f"http://127.0.0.1:8000/api/v1/partners/wechat/{account['id']}"
    )
    assert TOKEN not in listed.get_data(as_text=True)
    assert AES_KEY not in listed.get_data(as_text=True)
    row = db_session.scalars(select(WechatAccount)).one()
    assert TOKEN not in row.token_sealed
    assert AES_KEY not in row.aes_key_sealed
    assert registration.secrets_of("test-secret", row) == (TOKEN, AES_KEY)


def test_an_appid_is_linked_once(client, company):
    again = register(client, company.admin_token, company.org_id)
    assert again.status_code == 409
    assert again.get_json()["type"] == "/problems/wechat-account-linked"


def test_registration_problems_read_in_chinese(client, company):
    zh = {**f.bearer(company.admin_token), "Accept-Language": "zh-CN"}
    url = f"/api/v1/organisations/{company.org_id}/wechat-accounts"
    again = client.post(url, json=registration_body(), headers=zh).get_json()
    assert (again["title"], again["detail"]) == ("公众号已关联", f"公众号 {APPID} 已经关联过了。")
    bad = client.post(url, json=registration_body(token="ab"), headers=zh).get_json()
    assert [(e["code"], e["detail"]) for e in bad["errors"]] == [
        ("partners.wechat.token_format", "请输入 3–32 位字母或数字。")
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("token", "ab"),
        ("token", "a" * 33),
        ("token", "has space"),
        ("encoding_aes_key", AES_KEY[:-1]),
        ("encoding_aes_key", AES_KEY + "A"),
        ("encoding_aes_key", AES_KEY[:-1] + "-"),
        ("appid", "gh_7f083739789a"),
        ("name", ""),
    ],
)
def test_bad_registrations_are_422_naming_the_field(client, db_session, field, value):
    admin = f.user(db_session)
    org = f.organisation(db_session, admin=admin)
    resp = register(client, f.sign_in(client, admin.phone), org.id, **{field: value})
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert [e["field"] for e in resp.get_json()["errors"]] == [field]


def test_outsiders_get_404_and_members_403(client, db_session, company):
    outsider = f.sign_in(client, f.user(db_session).phone)
    member = f.user(db_session)
    f.grant(db_session, member, db_session.get_one(Organisation, company.org_id), Role.member)
    base = f"/api/v1/organisations/{company.org_id}/wechat-accounts"
    slug = company.wechat.slug
    for token, status in ((outsider, 404), (f.sign_in(client, member.phone), 403)):
        assert client.get(base, headers=f.bearer(token)).status_code == status
        assert client.delete(f"{base}/{slug}", headers=f.bearer(token)).status_code == status
        other = register(client, token, company.org_id, appid="wx0123456789abcdef")
        assert other.status_code == status
    assert client.get(base).status_code == 401
    assert company.wechat.verify().status_code == 200  # still linked


def test_operators_manage_any_company_and_unlinking_stops_the_callback(client, db_session, company):
    op = f.operator_token(client, db_session)
    base = f"/api/v1/organisations/{company.org_id}/wechat-accounts"
    assert len(client.get(base, headers=f.bearer(op)).get_json()) == 1
    gone = client.delete(f"{base}/{company.wechat.slug}", headers=f.bearer(op))
    assert gone.status_code == 204
    assert company.wechat.verify().status_code == 404
    assert company.wechat.text("积分").status_code == 404
    again = client.delete(f"{base}/{company.wechat.slug}", headers=f.bearer(op))
    assert again.status_code == 404
