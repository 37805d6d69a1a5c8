"""Announcements (公告): operators publish and withdraw them; anyone reads those in force, newest
first; text is bounded and refuses control characters (line breaks kept in the body)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.market.models import BODY_MAX, TITLE_MAX, Announcement

NOTICE = {
    "title_zh": "关于2027年元旦休市的公告",
    "title_en": "Market closed for New Year's Day 2027",
    "body_zh": "2027年1月1日休市。\n1月4日起照常交易。",
    "body_en": "The market is closed on 1 January 2027.\nTrading resumes on 4 January.",
}


def publish(client, headers, **change: Any) -> Any:
    return client.post("/api/v1/market/announcements", json=NOTICE | change, headers=headers)


def test_an_operator_publishes_and_anyone_reads_newest_first(client, operator, clock) -> None:
    first = publish(client, operator)
    assert first.status_code == 201, first.get_json()
    clock.at += timedelta(minutes=5)
    second = publish(client, operator, title_zh="第二条公告", body_en="Second.\r\nLine two.")
    assert second.status_code == 201, second.get_json()
    shown = client.get("/api/v1/market/announcements").get_json()
    assert [a["title_zh"] for a in shown] == ["第二条公告", NOTICE["title_zh"]]
    assert shown[1]["body_zh"] == NOTICE["body_zh"]  # line breaks kept
    assert shown[0]["body_en"] == "Second.\nLine two."
    assert shown[0]["withdrawn_at"] is None
    assert shown[0]["published_at"].startswith(clock.at.isoformat()[:19])
    assert "by_id" not in shown[0]


def test_a_withdrawn_announcement_is_hidden_and_withdrawing_again_is_a_409(
    client, operator, db_session
) -> None:
    made = publish(client, operator).get_json()
    url = f"/api/v1/market/announcements/{made['id']}/withdrawal"
    resp = client.post(url, headers=operator)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["withdrawn_at"] is not None
    assert client.get("/api/v1/market/announcements").get_json() == []
    again = client.post(url, headers=operator)
    assert again.status_code == 409
    assert again.get_json()["code"] == "market.announcement_withdrawn"
    kept = db_session.scalar(select(Announcement).where(Announcement.id == made["id"]))
    assert kept is not None
    assert kept.withdrawn_by_id is not None
    missing = client.post("/api/v1/market/announcements/999999/withdrawal", headers=operator)
    assert missing.status_code == 404


def test_only_operators_publish_or_withdraw(client, operator, seller) -> None:
    assert publish(client, seller.headers).status_code == 403
    assert publish(client, {}).status_code == 401
    made = publish(client, operator).get_json()
    url = f"/api/v1/market/announcements/{made['id']}/withdrawal"
    assert client.post(url, headers=seller.headers).status_code == 403
    assert client.post(url).status_code == 401
    assert len(client.get("/api/v1/market/announcements").get_json()) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title_zh": "标题\n换行"}, "title_zh"),
        ({"title_en": "bell\u0007"}, "title_en"),
        ({"body_zh": "正文\u0000"}, "body_zh"),
        ({"body_en": "tab\tinside"}, "body_en"),
        ({"title_zh": "   "}, "title_zh"),
        ({"title_en": "x" * (TITLE_MAX + 1)}, "title_en"),
        ({"body_zh": "字" * (BODY_MAX + 1)}, "body_zh"),
        ({"body_en": 5}, "body_en"),
        ({"extra": "x"}, "extra"),
    ],
)
def test_bad_text_is_a_422_naming_the_field(client, operator, change, field) -> None:
    resp = publish(client, operator, **change)
    assert resp.status_code == 422, resp.get_json()
    assert {e["field"] for e in resp.get_json()["errors"]} == {field}
    assert client.get("/api/v1/market/announcements").get_json() == []


def test_a_title_missing_is_named(client, operator) -> None:
    body = {k: v for k, v in NOTICE.items() if k != "title_en"}
    resp = client.post("/api/v1/market/announcements", json=body, headers=operator)
    assert resp.status_code == 422
    assert {e["field"] for e in resp.get_json()["errors"]} == {"title_en"}


def test_the_database_refuses_an_empty_text_and_a_withdrawal_before_publication(
    db_session, clock
) -> None:
    texts = {"title_zh": "公告", "title_en": "Notice", "body_zh": "正文", "body_en": "Body"}
    for bad in (
        {"title_en": ""},
        {"body_zh": ""},
        {"withdrawn_at": clock.at - timedelta(seconds=1)},
    ):
        with pytest.raises(IntegrityError), db_session.begin_nested():
            db_session.add(Announcement(**(texts | bad), published_at=clock.at))
