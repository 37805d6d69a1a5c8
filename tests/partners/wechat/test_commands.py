"""Followers' commands: neutralise a meeting (a pre-filled deep link), points, certificates,
and help for anything else; menu buttons send the same commands."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from backend.partners.wechat.commands import (
    Certificate,
    Help,
    NeutraliseMeeting,
    Wallet,
    from_menu,
    parse,
)
from tests import factories as f


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("中和 会议 50人 1天", NeutraliseMeeting(50, 1)),
        ("中和\u3000会议\u300050 人\u30001 天", NeutraliseMeeting(50, 1)),  # full-width spaces
        ("中和会议 ５０人 ２天", NeutraliseMeeting(50, 2)),  # full-width digits
        ("  中和 会议 200人 ", NeutraliseMeeting(200, None)),
        ("中和 会议", NeutraliseMeeting()),
        ("neutralise meeting 20 people 3 days", NeutraliseMeeting(20, 3)),
        ("积分", Wallet()),
        ("证书 DD-2026-000123", Certificate("DD-2026-000123")),
        ("证书dd-2026-000123", Certificate("DD-2026-000123")),
        ("证书 DD-2026-000123 k7qx2m", Certificate("DD-2026-000123", "K7QX2M")),
        ("你好", Help()),
        ("中和 航班 CTU PEK", Help("目前可以中和会议 (meetings only, so far)")),
    ],
)
def test_texts_read_as_commands(text, command):
    assert parse(text) == command


@pytest.mark.parametrize("text", ["中和 会议 0人", "中和 会议 2000000人", "中和 会议 5人 400天"])
def test_out_of_range_counts_explain_the_limit(text):
    command = parse(text)
    assert isinstance(command, Help)
    assert command.problem
    assert "1 到" in command.problem


def test_menu_keys():
    assert from_menu("NEUTRALISE_MEETING") == NeutraliseMeeting()
    assert from_menu("WALLET") == Wallet()
    assert from_menu("HELP") == Help()
    assert from_menu("SOMETHING_ELSE") == Help()


def href(content: str) -> str:
    return content.split('href="', 1)[1].split('"', 1)[0]


def test_neutralise_replies_with_the_pre_filled_meeting_calculator(wechat):
    reply = wechat.reply(wechat.text("中和　会议　50 人　1天", mode="safe"))
    assert reply["Content"].startswith("50人1天的会议")
    url = urlparse(href(reply["Content"]))
    assert (url.scheme, url.netloc, url.path) == ("http", "127.0.0.1:8000", "/neutralise/meeting")
    assert parse_qs(url.query) == {"attendees": ["50"], "days": ["1"], "via": ["wechat"]}


def test_the_menu_button_opens_the_calculator_empty(wechat):
    reply = wechat.reply(wechat.event("CLICK", key="NEUTRALISE_MEETING"))
    assert href(reply["Content"]) == "http://127.0.0.1:8000/neutralise/meeting?via=wechat"


def test_a_certificate_is_a_news_reply_with_its_image_and_verify_page(client, wechat, stock, buyer):
    order = f.neutralise(
        client, buyer.token, mass_g=2_500_000, beneficiary="熊猫保护协会", preferences=stock.prefs
    )
    number = order["certificate_number"]
    code = client.get(f"/api/v1/certificates/{number}", headers=f.bearer(buyer.token)).get_json()[
        "check_code"
    ]
    reply = wechat.reply(wechat.text(f"证书 {number.lower()} {code.lower()}"))
    assert (reply["MsgType"], reply["ArticleCount"]) == ("news", "1")
    [article] = reply["Articles"]
    assert article["Title"] == f"碳中和证书 {number}"
    assert "受益人：熊猫保护协会" in article["Description"]
    assert "2.500 t" in article["Description"]
    png = f"http://127.0.0.1:8000/api/v1/certificates/{number}.png?k={code}&size=600"
    assert article["PicUrl"] == png
    assert article["Url"].startswith("http://127.0.0.1:8000/verify/")
    picture = urlparse(article["PicUrl"])
    assert client.get(f"{picture.path}?{picture.query}").mimetype == "image/png"


def test_a_number_without_its_check_code_finds_nothing(client, wechat, stock, buyer):
    order = f.neutralise(
        client, buyer.token, mass_g=1000, beneficiary="某人", preferences=stock.prefs
    )
    number = order["certificate_number"]
    for text in (f"证书 {number}", f"证书 {number} AAAAAA"):
        reply = wechat.reply(wechat.text(text))
        assert reply["MsgType"] == "text"
        assert reply["Content"].startswith(f"没有找到证书 {number}")
        assert "某人" not in reply["Content"]


def test_an_unknown_certificate_is_a_text_saying_so(wechat):
    reply = wechat.reply(wechat.text("证书 DD-2026-999999", mode="compat"))
    assert reply["MsgType"] == "text"
    assert reply["Content"].startswith("没有找到证书 DD-2026-999999")


@pytest.mark.parametrize("send", ["text", "click", "image"])
def test_help_lists_the_commands(wechat, send):
    if send == "text":
        resp = wechat.text("在吗？")
    elif send == "click":
        resp = wechat.event("CLICK", key="HELP")
    else:
        resp = wechat.post(
            {
                "ToUserName": "gh_7f083739789a",
                "FromUserName": "o_follower",
                "CreateTime": 1,
                "MsgType": "image",
                "PicUrl": "http://mmbiz.qpic.cn/x",
                "MsgId": 42,
            }
        )
    content = wechat.reply(resp)["Content"]
    for command in ("中和 会议 50人 1天", "积分", "证书 DD-2026-000123 K7QX2M"):
        assert command in content
