"""A person's rights over their data: `GET /me/export` returns everything held on them, and
deleting the account (two steps) erases or anonymises it while retirements, certificates as
issued and the ledgers stay whole (`flask credits check` and `flask points check` still pass)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import (
    AccessToken,
    Consent,
    Membership,
    Role,
    User,
    WechatApp,
    WechatIdentity,
)
from backend.certificates.models import Certificate
from backend.credits import checks
from backend.footprint.models import Footprint
from backend.orders.models import Order
from backend.points import ledger
from backend.points.models import GreenAction
from tests import factories as f
from tests.accounts.fake_wechat import OA_APPID
from tests.points.conftest import Partner, metro

MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}


def footprint(client: FlaskClient, token: str) -> str:
    resp = client.post("/api/v1/footprints", json=MEETING, headers=f.bearer(token))
    assert resp.status_code == 201, resp.get_json()
    return str(resp.get_json()["id"])


class Life:
    """A person with something of everything: footprints (one neutralised), a certificate,
    points from a partner, a WeChat identity, an organisation and an invitation."""

    def __init__(self, client: FlaskClient, s: Session, stock: f.Stock, partner: Partner) -> None:
        self.user = f.user(s, "李四")
        self.token = f.sign_in(client, self.user.phone)
        self.kept_fp = footprint(client, self.token)
        self.lone_fp = footprint(client, self.token)
        self.order = f.neutralise(
            client,
            self.token,
            footprint_id=self.kept_fp,
            beneficiary="李四的婚礼",
            preferences=stock.prefs,
        )
        assert partner.report(metro(self.user.phone, ext="trip-9")).status_code == 200
        s.add(
            WechatIdentity(
                user_id=self.user.id,
                app=WechatApp.official_account,
                app_id=OA_APPID,
                openid="o_life",
                unionid="u_life",
            )
        )
        other = f.user(s, "同事")
        org = f.organisation(s, name="李四的公司", admin=self.user)
        f.grant(s, other, org, Role.admin)
        inviter = f.organisation(s, name="邀请方", admin=other)
        invited = client.post(
            f"/api/v1/organisations/{inviter.id}/invitations",
            json={"phone": self.user.phone, "roles": ["member"]},
            headers=f.bearer(f.sign_in(client, other.phone)),
        )
        assert invited.status_code == 201
        s.commit()


@pytest.fixture
def life(client: FlaskClient, db_session: Session, stock: f.Stock, partner: Partner) -> Life:
    return Life(client, db_session, stock, partner)


def delete_account(client: FlaskClient, token: str) -> Any:
    asked = client.post("/api/v1/me/deletion", headers=f.bearer(token))
    assert asked.status_code == 201, asked.get_json()
    return client.delete(
        "/api/v1/me",
        json={"confirmation": asked.get_json()["confirmation"]},
        headers=f.bearer(token),
    )


def test_the_export_holds_everything(client, life: Life):
    resp = client.get("/api/v1/me/export", headers=f.bearer(life.token))
    assert resp.status_code == 200
    assert "no-store" in resp.headers["Cache-Control"]
    data = resp.get_json()
    assert data["profile"]["phone"] == life.user.phone
    assert {c["document"] for c in data["consents"]} == {"terms", "privacy", "judicial", "travel"}
    assert [(w["app_id"], w["openid"], w["unionid"]) for w in data["wechat_identities"]] == [
        (OA_APPID, "o_life", "u_life")
    ]
    assert [m["organisation"]["name"] for m in data["memberships"]] == ["李四的公司"]
    assert [i["organisation"]["name"] for i in data["invitations"]] == ["邀请方"]
    records = data["records"]
    assert {fp["id"] for fp in records["footprints"]} == {life.kept_fp, life.lone_fp}
    assert [o["id"] for o in records["orders"]] == [life.order["id"]]
    assert records["orders"][0]["events"]  # with its history
    (cert,) = records["certificates"]
    assert (cert["number"], cert["beneficiary"]) == (life.order["certificate_number"], "李四的婚礼")
    assert records["points"]["wallet"]["pending"] > 0
    (action,) = records["points"]["actions"]
    assert (action["external_id"], action["type"]) == ("trip-9", "metro")
    assert records["court_actions"] == []
    assert records["wechat_followers"] == []


def test_deleting_needs_a_confirmation_of_this_sign_in(client, life: Life):
    headers = f.bearer(life.token)
    assert client.delete("/api/v1/me", json={}, headers=headers).status_code == 422
    forged = client.delete("/api/v1/me", json={"confirmation": "x.y.z"}, headers=headers)
    assert forged.status_code == 422
    other_token = f.sign_in(client, life.user.phone)
    theirs = client.post("/api/v1/me/deletion", headers=f.bearer(other_token)).get_json()
    mine = {"confirmation": theirs["confirmation"]}
    wrong_sign_in = client.delete("/api/v1/me", json=mine, headers=headers)
    assert wrong_sign_in.status_code == 422
    assert wrong_sign_in.get_json()["errors"][0]["field"] == "confirmation"
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # still there


def test_deleting_erases_the_person_and_keeps_the_records_whole(
    app: Flask, client, db_session: Session, life: Life
):
    uid, phone = life.user.id, life.user.phone
    assert delete_account(client, life.token).status_code == 204
    db_session.expire_all()

    assert client.get("/api/v1/me", headers=f.bearer(life.token)).status_code == 401
    erased = db_session.get(User, uid)
    assert erased is not None
    assert (erased.phone, erased.display_name) == (None, "")
    assert erased.erased_at is not None
    for table in (AccessToken, Membership, WechatIdentity):
        assert (
            db_session.scalar(select(func.count()).select_from(table).where(table.user_id == uid))
            == 0
        )
    assert db_session.scalar(
        select(func.count()).select_from(Consent).where(Consent.user_id == uid)
    )

    cert = db_session.scalars(
        select(Certificate).where(Certificate.number == life.order["certificate_number"])
    ).one()
    assert (cert.beneficiary, cert.user_id) == ("李四的婚礼", None)  # as issued, unlinked
    order = db_session.get(Order, life.order["id"])
    assert order is not None
    assert (order.user_id, order.status.value, order.beneficiary) == (None, "retired", "李四的婚礼")
    kept = db_session.get(Footprint, life.kept_fp)
    assert kept is not None
    assert kept.user_id is None  # behind the order: kept, anonymous
    assert db_session.get(Footprint, life.lone_fp) is None
    action = db_session.scalars(select(GreenAction).where(GreenAction.user_id == uid)).one()
    assert (action.external_id, action.trip_key) == (None, None)
    assert action.occurred_at.time().minute == 0  # only its (China) day is left

    assert checks.violations(db_session) == []
    assert ledger.violations(db_session) == []
    runner = app.test_cli_runner()
    for group in ("credits", "points"):
        result = runner.invoke(args=[group, "check"])
        assert result.exit_code == 0, result.output

    again = f.sign_in(client, phone)  # the phone is free: a new account, nothing of the old
    me = client.get("/api/v1/me", headers=f.bearer(again)).get_json()
    assert me["id"] != uid
    assert (
        client.get("/api/v1/me/export", headers=f.bearer(again)).get_json()["records"]["orders"]
        == []
    )


def test_the_last_admin_of_an_organisation_with_members_hands_it_over_first(
    client, db_session: Session
):
    admin, member = f.user(db_session, "唯一管理员"), f.user(db_session, "成员")
    org = f.organisation(db_session, name="小公司", admin=admin)
    f.grant(db_session, member, org, Role.member)
    token = f.sign_in(client, admin.phone)
    refused = client.post("/api/v1/me/deletion", headers=f.bearer(token))
    assert refused.status_code == 409
    assert refused.get_json()["type"] == "/problems/last-admin"
    alone = f.organisation(db_session, name="一人公司", admin=member)
    solo = f.sign_in(client, member.phone)
    assert alone.id
    assert delete_account(client, solo).status_code == 204  # a plain member of 小公司
