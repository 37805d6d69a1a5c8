"""The 成交确认书: a PDF of the trade in the certificates' CJK font, Chinese first with English
beneath, naming both parties as organisations (with their 统一社会信用代码, no person, no phone);
for its parties' people and operators only, 404 for anyone else."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest

from backend.imaging import fonts
from tests.market.conftest import buy, list_tonnes, party
from tests.registry.conftest import REAL_USCC


def text(resp: Any) -> str:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/pdf"
    pdf = pypdf.PdfReader(io.BytesIO(resp.get_data()))
    assert len(pdf.pages) == 1
    return "\n".join(page.extract_text() for page in pdf.pages)


@pytest.fixture
def trade(client, seller, buyer) -> dict[str, Any]:
    listing = list_tonnes(client, seller, 100, price=1290).get_json()
    resp = buy(client, buyer, listing["id"], 40)
    assert resp.status_code == 201, resp.get_json()
    out: dict[str, Any] = resp.get_json()
    return out


def url(trade: dict[str, Any]) -> str:
    return f"/api/v1/market/trades/{trade['number']}/confirmation.pdf"


def test_the_confirmation_states_the_trade_the_parties_and_their_fees(
    client, seller, buyer, trade
) -> None:
    body = text(client.get(url(trade), headers=buyer.headers))
    flat = body.replace("\n", "")
    assert body.index("成交确认书") < body.index("Trade confirmation")
    assert trade["number"] in body
    assert "2026-12-07 10:00" in body  # China time
    assert "定价点选" in body
    assert "Fixed-price pick" in body
    assert "CDCER 造林与林业经营" in flat
    assert "CDCER Forestry" in flat
    assert trade["serial_range"] in flat
    assert str(trade["vintage"]) in body
    assert "40 吨" in body
    assert "12.90 元 CNY / 吨" in flat  # price
    assert "516.00 元 CNY" in flat  # amount: 40 t × 12.90
    assert trade["buyer_fee_fen"] == trade["seller_fee_fen"] == 129  # 25 bp, rounded down
    assert "1.29 元 CNY" in flat
    assert "517.29 元 CNY" in flat  # the buyer pays amount and fee
    assert "514.71 元 CNY" in flat  # the seller receives amount less fee
    for name, code in (("龙泉山林业", REAL_USCC[0]), ("锦城环保科技", REAL_USCC[1])):
        assert name in flat
        assert code in flat
    assert "管理员" not in flat  # no person
    assert "由点点根据不可更改的成交记录生成" in flat
    assert "immutable trade record" in flat
    assert fonts.missing_glyphs(body, fonts.pdf_font()) == set()


def test_the_project_is_named_with_its_registry_id(client, seller, trade, operator) -> None:
    project = client.get(
        f"/api/v1/registry/public/projects/{trade['project_id']}", headers=operator
    ).get_json()
    flat = text(client.get(url(trade), headers=seller.headers)).replace("\n", "")
    assert project["name_zh"] in flat
    assert project["registry_id"] in flat


def test_the_parties_and_operators_read_it_others_get_404(
    client, db_session, seller, buyer, trade, operator
) -> None:
    assert client.get(url(trade), headers=seller.headers).status_code == 200
    assert client.get(url(trade), headers=operator).status_code == 200
    outsider = party(client, db_session, "旁观者公司", REAL_USCC[2], ["buyer"])
    resp = client.get(url(trade), headers=outsider.headers)
    assert resp.status_code == 404
    assert resp.get_json()["code"] == "market.no_such_trade"
    unknown = client.get(
        "/api/v1/market/trades/DD20261207999999/confirmation.pdf", headers=operator
    )
    assert unknown.status_code == 404
    assert client.get(url(trade)).status_code == 401


@pytest.mark.parametrize(
    ("kind", "extra", "words"),
    [
        ("block-trades", {}, ("大宗交易", "Block trade")),
        ("agreements", {"contract_reference": "HT-2026-001"}, ("协议转让", "Agreement transfer")),
    ],
)
def test_negotiated_modes_are_named(client, app, monkeypatch, seller, buyer, kind, extra, words):
    monkeypatch.setitem(app.config, "MARKET_BLOCK_MIN_T", 5)  # a block of 5 t, for this test
    body = {
        "side": "seller",
        "participant_id": seller.participant_id,
        "counterparty_id": buyer.participant_id,
        "holding_id": seller.holding_id,
        "quantity_t": 5,
        "price_fen_per_t": 1290,
        **extra,
    }
    deal = client.post(f"/api/v1/market/{kind}", json=body, headers=seller.headers)
    assert deal.status_code == 201, deal.get_json()
    settled = client.post(
        f"/api/v1/market/{kind}/{deal.get_json()['id']}/transitions",
        json={"to": "settled"},
        headers=buyer.headers,
    )
    assert settled.status_code == 200, settled.get_json()
    pdf = text(client.get(url(settled.get_json()["trade"]), headers=buyer.headers))
    assert all(w in pdf for w in words)
    assert "定价点选" not in pdf
