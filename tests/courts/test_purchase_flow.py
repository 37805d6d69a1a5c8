"""The whole story: purchase link → sign in → order → sandbox payment → judicial certificate →
核销 → case fulfilled → the public verify page shows it → the audit log has every step."""

from __future__ import annotations

import io
import uuid
from datetime import date

import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from backend.accounts.models import Role
from backend.courts.models import CourtCase, CourtOrder
from tests import factories as f

ZH = {"Accept-Language": "zh-CN"}  # the verify page as a phone in China asks for it

T = 1_000_000


def buy(client, token, link_token, key=None, **body):
    return client.post(
        f"/api/v1/court-purchases/{link_token}/orders",
        json=body,
        headers=f.order_headers(token, key),
    )


def pay(client, token, order_id):
    resp = client.post(f"/api/v1/orders/{order_id}/confirm", json={}, headers=f.bearer(token))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def verify(client, token, case_id, number):
    return client.post(
        f"/api/v1/court-cases/{case_id}/verifications",
        json={"certificate_number": number},
        headers=f.bearer(token),
    )


def token_of(defendant):
    return defendant["purchase_url"].rsplit("/", 1)[1]


def test_defendants_buy_the_court_verifies_and_the_case_is_fulfilled(
    client, db_session, courts, staff, forestry
):
    case = f.open_case(
        client,
        staff.clerk,
        courts.basic.id,
        defendants=[{"name": "被告人甲", "phone": "13800138000"}, {"name": "被告人乙"}],
    )
    first, second = (token_of(d) for d in case["defendants"])

    # the link, opened by anyone holding it: what to buy, no other defendant's data
    page = client.get(f"/api/v1/court-purchases/{first}")
    assert page.status_code == 200
    offer = page.get_json()
    assert offer["case_number"] == "(2023)川1827刑初12号"
    assert offer["court"] == "宝兴县人民法院"
    assert offer["defendant"] == "被告人甲"
    assert offer["remaining_g"] == 24 * T
    assert offer["open"] is True
    assert offer["quote"]["amount"] == 24 * 1290
    assert offer["quote"]["lines"][0]["project_type"] == "forestry"
    assert "被告人乙" not in page.get_data(as_text=True)
    assert "13800138000" not in page.get_data(as_text=True)

    # a relative signs in by phone and orders part of it
    family = f.sign_in(client, f.user(db_session, "家属").phone)
    key = str(uuid.uuid4())
    resp = buy(client, family, first, key, mass_g=14 * T)
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()
    assert order["purpose"] == "生态修复：(2023)川1827刑初12号"
    assert order["beneficiary"] == "被告人甲"
    assert order["preferences"] == case["eligible"]
    replay = buy(client, family, first, key, mass_g=14 * T)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["id"] == order["id"]
    assert db_session.scalar(select(func.count()).select_from(CourtOrder)) == 1

    # paid through the ordinary order flow: the certificate is judicial
    number = pay(client, family, order["id"])["certificate_number"]
    cert = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(family)).get_json()
    assert cert["judicial"] is True
    assert (
        cert["beneficiary"] == "被告人甲"
    )  # to its buyer; the public sees 被* (test_judicial_privacy)

    done = verify(client, staff.clerk, case["id"], number)
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["mass_g"] == 14 * T
    assert done.get_json()["verified_by"]["display_name"] == "宝兴县人民法院clerk"
    half = client.get(f"/api/v1/court-cases/{case['id']}", headers=f.bearer(staff.judge))
    assert half.get_json()["status"] == "open"
    assert half.get_json()["verified_g"] == 14 * T

    # the second defendant buys what is left (no mass given) and the case is fulfilled
    assert client.get(f"/api/v1/court-purchases/{second}").get_json()["remaining_g"] == 10 * T
    rest = buy(client, family, second)
    assert rest.status_code == 201, rest.get_json()
    assert rest.get_json()["mass_g"] == 10 * T
    other = pay(client, family, rest.get_json()["id"])["certificate_number"]
    assert verify(client, staff.judge, case["id"], other).status_code == 201
    final = client.get(f"/api/v1/court-cases/{case['id']}", headers=f.bearer(staff.clerk))
    body = final.get_json()
    assert body["status"] == "fulfilled"
    assert body["verified_g"] == 24 * T
    assert body["fulfilled_at"] is not None
    assert [o["certificate_number"] for o in body["defendants"][0]["orders"]] == [number]

    # the public page shows the verification, and no personal data of the court's staff, nor
    # the case number (a criminal record)
    html = client.get(f"/verify/{number}?k={cert['check_code']}", headers=ZH).get_data(as_text=True)
    assert "已由宝兴县人民法院核销" in html
    assert "(2023)川1827刑初12号" not in html
    assert "未被核销" not in html
    assert "clerk" not in html
    assert "13800138000" not in html

    # the link sells nothing more
    closed = client.get(f"/api/v1/court-purchases/{first}").get_json()
    assert closed["open"] is False
    refused = buy(client, family, first, mass_g=T)
    assert refused.status_code == 409
    assert refused.get_json()["type"] == "/problems/purchase-closed"

    audit = client.get(
        f"/api/v1/court-cases/{case['id']}/audit", headers=f.bearer(staff.high_judge)
    ).get_json()["items"]
    assert [e["action"] for e in audit] == [
        "case.created",
        "purchase.ordered",
        "certificate.verified",
        "purchase.ordered",
        "certificate.verified",
        "case.fulfilled",
    ]
    assert audit[1]["details"]["order_id"] == order["id"]
    assert audit[1]["actor"]["display_name"] == "家属"
    assert audit[2]["details"]["certificate_number"] == number
    assert audit[2]["actor"]["display_name"] == "宝兴县人民法院clerk"


def test_per_defendant_cases_need_every_defendant(client, db_session, courts, staff, forestry):
    case = f.open_case(
        client,
        staff.clerk,
        courts.basic.id,
        defendants=[{"name": "甲"}, {"name": "乙"}],
        mass_g=2 * T,
        mass_basis="per_defendant",
    )
    buyer = f.sign_in(client, f.user(db_session).phone)
    numbers = []
    for d in case["defendants"]:
        order = buy(client, buyer, token_of(d)).get_json()
        assert order["mass_g"] == 2 * T
        numbers.append(pay(client, buyer, order["id"])["certificate_number"])
    verify(client, staff.clerk, case["id"], numbers[0])
    path = f"/api/v1/court-cases/{case['id']}"
    assert client.get(path, headers=f.bearer(staff.clerk)).get_json()["status"] == "open"
    verify(client, staff.clerk, case["id"], numbers[1])
    assert client.get(path, headers=f.bearer(staff.clerk)).get_json()["status"] == "fulfilled"


def test_bad_purchase_input_is_422_naming_the_field(client, db_session, courts, staff, forestry):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    link = token_of(case["defendants"][0])
    buyer = f.sign_in(client, f.user(db_session).phone)
    for bad in ({"mass_g": "ten"}, {"mass_g": 0}, {"mass_g": 25 * T}):
        resp = buy(client, buyer, link, **bad)
        assert resp.status_code == 422, (bad, resp.get_json())
        assert resp.headers["Content-Type"] == "application/problem+json"
        assert resp.get_json()["errors"][0]["field"] == "mass_g"
    missing = client.post(
        f"/api/v1/court-cases/{case['id']}/verifications", json={}, headers=f.bearer(staff.clerk)
    )
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["field"] == "certificate_number"
    assert client.get("/api/v1/court-purchases/cp_nosuchtoken").status_code == 404
    anonymous = client.post(
        f"/api/v1/court-purchases/{link}/orders", json={}, headers={"Idempotency-Key": "k"}
    )
    assert anonymous.status_code == 401


def test_a_link_past_its_deadline_sells_until_a_judge_extends_it(
    client, db_session, courts, staff, forestry
):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    db_session.get_one(CourtCase, case["id"]).deadline = date(2020, 1, 1)
    db_session.commit()
    link = token_of(case["defendants"][0])
    offer = client.get(f"/api/v1/court-purchases/{link}").get_json()
    assert offer["open"] is False
    assert "deadline" in offer["closed_because"]
    buyer = f.sign_in(client, f.user(db_session).phone)
    late = buy(client, buyer, link)
    assert late.status_code == 409
    assert late.get_json()["type"] == "/problems/purchase-closed"

    path = f"/api/v1/court-cases/{case['id']}/deadline"
    body = {"deadline": "2099-06-30", "reason": "被告人申请延期"}
    assert client.post(path, json=body, headers=f.bearer(staff.clerk)).status_code == 403
    past = client.post(path, json={**body, "deadline": "2021-01-01"}, headers=f.bearer(staff.judge))
    assert past.status_code == 422
    assert past.get_json()["errors"][0]["field"] == "deadline"
    moved = client.post(path, json=body, headers=f.bearer(staff.judge))
    assert moved.status_code == 200
    assert moved.get_json()["deadline"] == "2099-06-30"
    assert client.get(f"/api/v1/court-purchases/{link}").get_json()["open"] is True
    assert buy(client, buyer, link).status_code == 201
    audit = client.get(
        f"/api/v1/court-cases/{case['id']}/audit", headers=f.bearer(staff.judge)
    ).get_json()["items"]
    changed = [e for e in audit if e["action"] == "case.deadline_changed"]
    assert [e["details"]["reason"] for e in changed] == ["被告人申请延期"]
    assert changed[0]["details"]["was"] == "2020-01-01"


def test_the_court_admin_appoints_clerks_who_then_act(client, db_session, courts, forestry):
    """Staff are the court organisation's members with the judge or clerk role."""
    admin = f.user(db_session, "院办")
    f.grant(db_session, admin, courts.basic, Role.admin)
    admin_token = f.sign_in(client, admin.phone)
    phone = f.new_phone()
    invited = client.post(
        f"/api/v1/organisations/{courts.basic.id}/invitations",
        json={"phone": phone, "roles": ["clerk"]},
        headers=f.bearer(admin_token),
    )
    assert invited.status_code == 201, invited.get_json()
    clerk = f.sign_in(client, phone)
    accepted = client.post(
        f"/api/v1/me/invitations/{invited.get_json()['id']}/accept", headers=f.bearer(clerk)
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert (
        client.post(
            "/api/v1/court-cases", json=f.case_body(courts.basic.id), headers=f.bearer(clerk)
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/court-cases",
            json=f.case_body(courts.basic.id, number="(2023)川1827刑初99号"),
            headers=f.bearer(admin_token),
        ).status_code
        == 403
    )  # an admin manages staff; judges and clerks handle cases


def test_the_qr_code_carries_the_purchase_link(client, courts, staff):
    case = f.open_case(client, staff.clerk, courts.basic.id)
    d = case["defendants"][0]
    resp = client.get(d["qr_url"], headers=f.bearer(staff.clerk))
    assert resp.status_code == 200
    assert resp.mimetype == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(resp.data)))
    assert [b.text for b in decoded] == [d["purchase_url"]]
    assert client.get(d["qr_url"], headers=f.bearer(staff.other_clerk)).status_code == 404
