"""Followers are bound to the company by following or scanning its QR, and unbound by
unfollowing; they link their openid to a Diandian user from a signed 15-minute link."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from backend.core.clock import utcnow
from backend.partners.wechat import dedup, linking
from backend.partners.wechat.models import WechatFollower, WechatMessage
from backend.points import ledger
from backend.points.models import TransferKind
from tests import factories as f


def follower(db_session, openid: str = "o_follower") -> WechatFollower:
    db_session.expire_all()
    return db_session.scalars(select(WechatFollower).where(WechatFollower.openid == openid)).one()


def test_following_through_a_qr_binds_the_follower_to_the_company(wechat, db_session):
    reply = wechat.reply(wechat.event("subscribe", key="qrscene_expo2026"))
    assert reply["Content"].startswith("欢迎关注成都低碳公司服务号")
    assert "成都低碳公司" in reply["Content"]
    bound = follower(db_session)
    assert (bound.scene, bound.unbound_at, bound.user_id) == ("expo2026", None, None)
    assert abs(bound.bound_at - utcnow()) < timedelta(seconds=10)


def test_unfollowing_unbinds_and_scanning_again_rebinds_with_the_new_scene(wechat, db_session):
    wechat.event("subscribe")
    assert follower(db_session).scene is None
    wechat.event("unsubscribe", created=int(time.time()) + 1)
    assert follower(db_session).unbound_at is not None
    wechat.event("SCAN", key="booth7", created=int(time.time()) + 2)
    again = follower(db_session)
    assert (again.scene, again.unbound_at) == ("booth7", None)


def link_token(reply: dict[str, str]) -> str:
    href = reply["Content"].split('href="', 1)[1].split('"', 1)[0]
    url = urlparse(href)
    assert url.path == linking.PWA_PATH
    return parse_qs(url.query)["token"][0]


def test_wallet_asks_to_link_then_shows_the_linked_users_points(client, db_session, wechat, buyer):
    first = wechat.reply(wechat.text("积分"))
    assert "绑定点点账号" in first["Content"]
    token = link_token(first)
    f.fund_points(db_session, 120)
    ledger.transfer(db_session, TransferKind.earn, buyer.user.id, 120)
    ledger.transfer(db_session, TransferKind.confirm, buyer.user.id, 100)
    db_session.commit()

    linked = client.post(
        "/api/v1/me/wechat-links", json={"token": token}, headers=f.bearer(buyer.token)
    )
    assert linked.status_code == 201, linked.get_json()
    assert linked.get_json()["account_id"] == wechat.slug
    assert linked.get_json()["organisation_id"] == wechat.org_id
    assert follower(db_session).user_id == buyer.user.id

    reply = wechat.reply(wechat.text("积分", mode="safe"))
    assert reply["Content"].startswith("我的碳积分：可用 100 分，待确认 20 分。")


def test_a_link_needs_a_signed_in_user_and_a_genuine_fresh_token(
    client, db_session, wechat, buyer, monkeypatch
):
    token = link_token(wechat.reply(wechat.text("积分")))
    assert client.post("/api/v1/me/wechat-links", json={"token": token}).status_code == 401
    assert token.startswith("W")  # base64 of the JSON payload's "["
    for bad in ("X" + token[1:], "nonsense"):
        resp = client.post(
            "/api/v1/me/wechat-links", json={"token": bad}, headers=f.bearer(buyer.token)
        )
        assert resp.status_code == 422
        assert resp.get_json()["errors"][0]["field"] == "token"
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: 1_000_000_000.0)
        old = linking.token("test-secret", 1, "o_follower")
    resp = client.post(
        "/api/v1/me/wechat-links", json={"token": old}, headers=f.bearer(buyer.token)
    )
    assert resp.status_code == 422
    assert "expired" in resp.get_json()["errors"][0]["detail"]
    forged = linking.token("another-secret", 1, "o_follower")
    resp = client.post(
        "/api/v1/me/wechat-links", json={"token": forged}, headers=f.bearer(buyer.token)
    )
    assert resp.status_code == 422
    assert db_session.scalars(select(WechatFollower.user_id)).all() == []


def test_a_refused_link_tells_the_follower_what_to_do_in_chinese(client, buyer, monkeypatch):
    zh = {**f.bearer(buyer.token), "Accept-Language": "zh-CN"}
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: 1_000_000_000.0)
        old = linking.token("test-secret", 1, "o_follower")
    shown = {}
    for token in (old, "nonsense"):
        resp = client.post("/api/v1/me/wechat-links", json={"token": token}, headers=zh)
        (error,) = resp.get_json()["errors"]
        shown[error["code"]] = error["detail"]
    assert shown == {
        "partners.wechat.link_expired": "链接已过期：请在公众号中再发送一次“积分”。",
        "partners.wechat.not_link_token": "这不是有效的公众号关联链接。",
    }
    assert not any(re.search(r"[A-Za-z]{3,}", words) for words in shown.values())


def test_purge_forgets_messages_older_than_three_days(wechat, db_session):
    wechat.text("你好")
    wechat.event("unsubscribe")
    assert dedup.purge(db_session, utcnow() + timedelta(days=2)) == 0
    assert dedup.purge(db_session, utcnow() + timedelta(days=3, minutes=1)) == 2
    assert db_session.scalars(select(WechatMessage)).all() == []
