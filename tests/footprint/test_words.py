"""Footprint problems in Chinese (issue 20): a person filling the form in zh-CN reads every
field message in Chinese, marshmallow's own as well as the footprint's; codes for programs."""

from __future__ import annotations

import re

import pytest

ZH = {"Accept-Language": "zh-CN"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def english_words(detail: str) -> list[str]:
    """Latin words, leaving out codes such as CTU, IATA or CN-SC."""
    return [w for w in re.findall(r"[A-Za-z]{3,}", detail) if not w.isupper()]


def field_error(client, body: dict, field: str) -> dict:
    resp = client.post("/api/v1/footprints", json=body, headers=ZH)
    assert resp.status_code == 422, resp.get_json()
    assert resp.headers["Content-Language"] == "zh-CN"
    problem = resp.get_json()
    assert CJK.search(problem["title"])
    assert CJK.search(problem["detail"])
    (error,) = [e for e in problem["errors"] if e["field"] == field]
    assert CJK.search(error["detail"]), error
    assert english_words(error["detail"]) == [], error
    return error


@pytest.mark.parametrize(
    ("meeting", "field", "code", "words"),
    [
        ({"attendees": 0}, "meeting.attendees", "field.range_gte_lte", "1"),  # 参会人数
        ({"attendees": 5, "days": "two"}, "meeting.days", "field.integer", "整数"),  # 天数
        ({"attendees": 5, "days": 2.5}, "meeting.days", "field.integer", "整数"),
        ({"attendees": 5, "local_attendees": 6}, "meeting.local_attendees", None, "参会人数"),
        ({"attendees": 5, "city": "亚特兰蒂斯"}, "meeting.city", "footprint.unknown_city", "城市"),
    ],
)
def test_a_meetings_field_messages_are_chinese(client, meeting, field, code, words):
    error = field_error(client, {"kind": "meeting", "meeting": meeting}, field)
    assert code is None or error["code"] == code
    assert words in error["detail"]


def test_an_airport_code_that_is_not_three_letters_is_told_in_chinese(client):
    body = {"kind": "flight", "flight": {"from": "CTU1", "to": "PEK"}}
    error = field_error(client, body, "flight.from")  # 出发机场（三字码）
    assert error["code"] == "footprint.iata"
    assert error["detail"] == "请输入机场三字码，如 CTU。"


def test_an_unknown_airport_is_named_in_chinese(client):
    body = {"kind": "flight", "flight": {"from": "CTU", "to": "ZZZ"}}
    error = field_error(client, body, "flight.to")
    assert (error["code"], error["params"]) == ("footprint.unknown_airport", {"code": "ZZZ"})
    assert "ZZZ" in error["detail"]
    en = client.post("/api/v1/footprints", json=body, headers={"Accept-Language": "en"})
    assert en.get_json()["errors"][0]["detail"] == "Unknown IATA airport code 'ZZZ'."


def test_a_section_for_another_kind_names_the_kind_in_chinese(client):
    body = {"kind": "meeting", "meeting": {"attendees": 1}, "flight": {"from": "CTU", "to": "PEK"}}
    error = field_error(client, body, "flight")
    assert error["code"] == "footprint.section_not_allowed"
    assert "会议" in error["detail"]


def test_a_missing_footprint_is_a_chinese_404(client):
    resp = client.get("/api/v1/footprints/fp_nothere", headers=ZH)
    assert resp.status_code == 404
    problem = resp.get_json()
    assert (problem["code"], problem["detail"]) == ("footprint.not_found", "找不到该足迹。")
    assert CJK.search(problem["title"])
