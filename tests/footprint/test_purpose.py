"""A purpose is kept structured (kind, name, route) and read in the person's language: orders,
certificates (JSON, verify page, image) and webhooks carry it, and none shows a raw `meeting:`."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from backend.certificates import issuing
from backend.certificates.models import Certificate
from backend.footprint.purpose import Purpose, PurposeKind, airport_name
from backend.orders.models import Order
from tests import factories as f

FORUM = "2026 成都低碳发展论坛"
MEETING = {
    "kind": "meeting",
    "meeting": {"name": FORUM, "attendees": 50, "days": 1, "city": "成都"},
}
FLIGHT = {"kind": "flight", "flight": {"from": "ctu", "to": "PEK", "round_trip": True}}
ROUTE_ZH = "航班：成都双流 CTU → 北京首都 PEK（往返）"
ROUTE_EN = "Flight: Chengdu Shuangliu CTU → Beijing Capital PEK (return)"


def footprint(client, token, body) -> str:
    resp = client.post("/api/v1/footprints", json=body, headers=f.bearer(token))
    assert resp.status_code == 201, resp.get_json()
    fp_id: str = resp.get_json()["id"]
    return fp_id


@pytest.mark.parametrize(
    ("purpose", "zh", "en"),
    [
        (Purpose(PurposeKind.meeting, FORUM), f"会议：{FORUM}", f"Meeting: {FORUM}"),
        (Purpose(PurposeKind.flight, route=("CTU", "PEK"), round_trip=True), ROUTE_ZH, ROUTE_EN),
        (
            Purpose(PurposeKind.flight, "出差", ("TFU", "PVG", "NRT")),
            "航班：出差，成都天府 TFU → 上海浦东 PVG → 东京成田 NRT",
            "Flight: 出差, Chengdu Tianfu TFU → Shanghai Pudong PVG → Tokyo Narita NRT",
        ),
        (Purpose(PurposeKind.venue), "场馆", "Venue"),
        (Purpose(PurposeKind.custom, "员工通勤"), "员工通勤", "员工通勤"),
        (Purpose(PurposeKind.custom), "碳中和", "Carbon neutrality"),
        (Purpose(PurposeKind.points), "碳惠天府积分兑换", "Carbon-inclusion points redemption"),
        (
            Purpose(PurposeKind.restoration, "(2023)川1827刑初12号"),
            "生态修复：(2023)川1827刑初12号",
            "Ecological restoration: (2023)川1827刑初12号",
        ),
    ],
)
def test_a_purpose_reads_in_each_language(purpose: Purpose, zh: str, en: str) -> None:
    assert (purpose.text("zh"), purpose.text("en")) == (zh, en)
    assert Purpose.from_dict(purpose.as_dict()) == purpose


def test_an_airport_not_listed_reads_by_its_airportsdata_name() -> None:
    assert airport_name("SEA", "zh") == "Seattle-Tacoma SEA"
    assert airport_name("CTU", "en") == "Chengdu Shuangliu CTU"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("meeting: 2026 论坛", Purpose(PurposeKind.meeting, "2026 论坛")),
        ("flight", Purpose(PurposeKind.flight)),
        ("生态修复 (2023)川1827刑初12号", Purpose(PurposeKind.restoration, "(2023)川1827刑初12号")),
        ("碳惠天府积分兑换 Carbon-inclusion points redemption", Purpose(PurposeKind.points)),
        ("公司年会", Purpose(PurposeKind.custom, "公司年会")),
        ("", Purpose(PurposeKind.custom)),
    ],
)
def test_a_purpose_stored_as_text_before_reads_back_structured(text, expected) -> None:
    assert Purpose.legacy(text) == expected
    assert "meeting:" not in Purpose.legacy(text).text("zh")


def test_an_order_from_a_meeting_carries_its_kind_and_name(client, stock, buyer) -> None:
    fp = footprint(client, buyer.token, MEETING)
    order = f.neutralise(client, buyer.token, footprint_id=fp, preferences=stock.prefs)
    assert order["purpose"] == f"会议：{FORUM}"
    assert order["purpose_detail"] == {
        "kind": "meeting",
        "name": FORUM,
        "route": [],
        "round_trip": False,
        "text": {"zh": f"会议：{FORUM}", "en": f"Meeting: {FORUM}"},
    }
    cert = client.get(
        f"/api/v1/certificates/{order['certificate_number']}", headers=f.bearer(buyer.token)
    ).get_json()
    assert cert["purpose"] == f"会议：{FORUM}"
    assert cert["purpose_detail"] == order["purpose_detail"]
    path = f"/verify/{cert['number']}?k={cert['check_code']}"
    page = client.get(path, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert f"会议：{FORUM}" in page
    assert "meeting:" not in page
    assert f"Meeting: {FORUM}" in client.get(path + "&lang=en").get_data(as_text=True)


def test_a_flight_order_carries_its_route_and_the_buyer_may_name_it(client, stock, buyer) -> None:
    fp = footprint(client, buyer.token, FLIGHT)
    order = f.neutralise(
        client, buyer.token, footprint_id=fp, preferences=stock.prefs, purpose="团队出差"
    )
    detail = order["purpose_detail"]
    assert (detail["kind"], detail["name"], detail["route"], detail["round_trip"]) == (
        "flight",
        "团队出差",
        ["CTU", "PEK"],
        True,
    )
    assert detail["text"]["zh"] == "航班：团队出差，成都双流 CTU → 北京首都 PEK（往返）"
    listed = client.get("/api/v1/certificates", headers=f.bearer(buyer.token)).get_json()
    [mine] = [c for c in listed["items"] if c["number"] == order["certificate_number"]]
    assert mine["purpose_detail"]["text"] == detail["text"]


def test_a_certificate_signs_the_structured_purpose(client, db_session, stock, buyer) -> None:
    fp = footprint(client, buyer.token, FLIGHT)
    order = f.neutralise(client, buyer.token, footprint_id=fp, preferences=stock.prefs)
    cert = db_session.scalars(
        select(Certificate).where(Certificate.number == order["certificate_number"])
    ).one()
    document = json.loads(cert.document)
    assert document["v"] == issuing.DOCUMENT_VERSION == 4
    assert document["purpose"] == {
        "kind": "flight",
        "name": "",
        "route": ["CTU", "PEK"],
        "round_trip": True,
    }
    assert cert.purpose == ROUTE_ZH  # the column keeps the Chinese text


def test_an_order_placed_before_purposes_were_structured_reads_back(
    client, db_session, stock, buyer
) -> None:
    order = f.place_order(client, buyer.token, mass_g=1000, preferences=stock.prefs)
    db_session.execute(
        update(Order)
        .where(Order.id == order["id"])
        .values(purpose="meeting: 旧会议", purpose_detail=None)
    )
    db_session.commit()
    shown = client.get(f"/api/v1/orders/{order['id']}", headers=f.bearer(buyer.token)).get_json()
    assert shown["purpose_detail"]["text"] == {"zh": "会议：旧会议", "en": "Meeting: 旧会议"}


def test_a_judicial_purpose_is_masked_in_both_languages_for_the_public() -> None:
    masked = Purpose(PurposeKind.restoration, "(2023)川1827刑初12号").public(judicial=True)
    assert masked.texts == {"zh": "司法生态修复", "en": "Judicial ecological restoration"}
    assert masked.as_dict() == {"kind": "restoration", "name": ""}
    assert "川1827" not in json.dumps(masked.texts, ensure_ascii=False)
