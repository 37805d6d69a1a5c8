"""The callback speaks WeChat's protocol: URL verification, plaintext, compatibility and safe
mode, and refuses what WeChat would not send."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from backend.partners.wechat.models import WechatFollower, WechatMessage
from backend.partners.wechat.xmlcodec import MAX_BYTES
from tests.partners.wechat.conftest import ORIGINAL_ID


def test_verification_echoes_echostr_exactly(wechat):
    resp = wechat.verify("5837397520665436492")
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True) == "5837397520665436492"


def test_forged_stale_and_future_verifications_are_refused(wechat):
    assert wechat.verify(token="guessed").status_code == 403
    assert wechat.verify(at=int(time.time()) - 301).status_code == 403
    assert wechat.verify(at=int(time.time()) + 301).status_code == 403
    assert wechat.verify(at=int(time.time()) - 290).status_code == 200
    forged = wechat.client.get(
        wechat.url, query_string={**wechat.query(), "signature": "0" * 40, "echostr": "x"}
    )
    assert forged.status_code == 403
    assert forged.mimetype == "application/problem+json"


def test_unknown_accounts_are_404(client, wechat):
    q = {**wechat.query(), "echostr": "1"}
    assert client.get("/api/v1/partners/wechat/wx_nosuchaccount", query_string=q).status_code == 404
    post = client.post("/api/v1/partners/wechat/wx_nosuchaccount", query_string=q, data="<xml/>")
    assert post.status_code == 404


def test_a_missing_parameter_is_422_naming_it(wechat):
    q = wechat.query()
    del q["nonce"]
    resp = wechat.client.post(wechat.url, query_string=q, data="<xml/>")
    assert resp.status_code == 422
    assert [e["field"] for e in resp.get_json()["errors"]] == ["nonce"]


@pytest.mark.parametrize("mode", ["plain", "compat", "safe"])
def test_a_text_gets_a_reply_in_every_mode(wechat, mode):
    resp = wechat.text("你好", openid="o_zhang", mode=mode)
    reply = wechat.reply(resp)
    assert reply["ToUserName"] == "o_zhang"
    assert reply["FromUserName"] == ORIGINAL_ID
    assert reply["MsgType"] == "text"
    assert "积分" in reply["Content"]
    assert "证书" in reply["Content"]
    assert abs(int(reply["CreateTime"]) - time.time()) < 60
    envelope = resp.get_data(as_text=True)
    assert ("<Encrypt>" in envelope) is (mode != "plain")


def test_an_event_with_nothing_to_say_is_answered_success(wechat):
    resp = wechat.event("VIEW", key="https://example.com/")
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True) == "success"


def test_forged_and_stale_messages_are_refused_and_do_nothing(wechat, db_session):
    assert wechat.event("subscribe", token="guessed").status_code == 403
    assert wechat.event("subscribe", mode="safe", token="guessed").status_code == 403
    assert wechat.event("subscribe", at=int(time.time()) - 600).status_code == 403
    assert wechat.event("subscribe", mode="safe", at=int(time.time()) + 600).status_code == 403
    assert db_session.scalar(select(func.count()).select_from(WechatFollower)) == 0
    assert db_session.scalar(select(func.count()).select_from(WechatMessage)) == 0


def test_a_message_encrypted_for_another_appid_is_refused(wechat, db_session):
    resp = wechat.text("积分", mode="safe", appid="wx2c2769f8efd9abc2")
    assert resp.status_code == 400
    assert "appid" in resp.get_json()["detail"]
    assert db_session.scalar(select(func.count()).select_from(WechatMessage)) == 0


def test_a_signed_envelope_without_encrypt_is_400(wechat):
    q = {**wechat.query(), "encrypt_type": "aes", "msg_signature": "0" * 40}
    resp = wechat.client.post(wechat.url, query_string=q, data="<xml><A>1</A></xml>")
    assert resp.status_code == 400


def test_a_retried_event_acts_once_and_gets_the_same_reply(wechat, db_session):
    created = int(time.time())
    first = wechat.event("subscribe", key="qrscene_expo", created=created, mode="safe")
    second = wechat.event("subscribe", key="qrscene_expo", created=created, mode="safe")
    assert wechat.reply(first)["Content"] == wechat.reply(second)["Content"]
    assert first.get_data() != second.get_data()  # encrypted afresh
    assert db_session.scalar(select(func.count()).select_from(WechatMessage)) == 1
    wechat.event("unsubscribe", created=created + 1)
    again = wechat.event("subscribe", key="qrscene_expo", created=created)
    assert "欢迎" in wechat.reply(again)["Content"]
    follower = db_session.scalars(select(WechatFollower)).one()
    db_session.refresh(follower)
    assert follower.unbound_at is not None  # the replayed subscribe did not bind again


def test_a_retried_message_with_no_reply_is_success_again(wechat):
    created = int(time.time())
    for _ in range(3):
        resp = wechat.event("unsubscribe", created=created)
        assert resp.get_data(as_text=True) == "success"


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]><xml><ToUserName>&lol9;</ToUserName></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh_1</ToUserName><FromUserName>&xxe;</FromUserName>"
    "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>"
)


@pytest.mark.parametrize("body", [BOMB, XXE, "<xml><unclosed></xml>", "not xml", "<root/>"])
def test_hostile_or_broken_xml_is_400_at_once(wechat, body):
    started = time.perf_counter()
    resp = wechat.client.post(wechat.url, query_string=wechat.query(), data=body)
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert time.perf_counter() - started < 1


def test_hostile_xml_inside_safe_mode_is_400(wechat):
    from backend.partners.wechat.crypto import MessageCrypt, signature

    encrypted = MessageCrypt(wechat.aes_key, wechat.appid).encrypt(BOMB)
    q = wechat.query()
    q |= {
        "encrypt_type": "aes",
        "msg_signature": signature(wechat.token, q["timestamp"], q["nonce"], encrypted),
    }
    body = f"<xml><ToUserName>gh_1</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
    assert wechat.client.post(wechat.url, query_string=q, data=body).status_code == 400


def test_an_oversized_body_is_refused(wechat):
    body = "<xml><Content>" + "x" * MAX_BYTES + "</Content></xml>"
    resp = wechat.client.post(wechat.url, query_string=wechat.query(), data=body)
    assert resp.status_code == 413
