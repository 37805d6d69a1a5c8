"""Paying with Alipay end to end: the real ``python-alipay-sdk`` talks HTTP to FakeAlipay (which
checks the app's RSA2 signature and signs its answers with its "Alipay" key) while the API
creates, closes, settles and refunds orders; the pay URL is opened as a browser would, and
notifications are signed as Alipay posts them: forged, foreign, mispriced, replayed or
out-of-order ones change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from backend.core.clock import utcnow
from backend.credits.models import GRAMS_PER_TONNE
from backend.orders import services
from backend.orders.reconcile import reconcile
from backend.payments.alipay import AlipayProvider, AlipaySettings, fen, yuan
from backend.payments.models import Payment
from backend.payments.provider import ProviderError
from tests.payments.checkout import (
    DESKTOP_UA,
    MASS,
    Shop,
    backdate,
    cancel,
    certificate_status,
    events,
    grams,
    open_shop,
    paying_through,
    place,
    post_order,
    show,
)
from tests.payments.fake_alipay import FakeAlipay
from tests.payments.fake_wechatpay import new_key, private_pem, public_pem

APP_ID = "2021000117650001"
SELLER = "2088102147948060"
APP_KEY = new_key()
OTHER_KEY = new_key()
BASE = "https://diandian.example"
NOTIFY = "/api/v1/payments/alipay/notify"
PRICE = 19_350  # fen per tonne: MASS (100 kg) costs 1,935 fen, "19.35" yuan
MOBILE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)

# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeAlipay]:
    with FakeAlipay(APP_ID, APP_KEY.public_key(), SELLER) as server:
        yield server


def settings(fake: FakeAlipay, **kw: Any) -> AlipaySettings:
    base: dict[str, Any] = {
        "app_id": APP_ID,
        "private_key": private_pem(APP_KEY),
        "alipay_public_key": public_pem(fake.alipay_key),
        "public_base_url": BASE,
        "gateway": fake.url,
        "seller_id": SELLER,
    }
    return AlipaySettings(**{**base, **kw})


@pytest.fixture
def provider(app: Flask, fake: FakeAlipay) -> Iterator[AlipayProvider]:
    """The app pays through Alipay (the fake) for this test, then goes back to its sandbox."""
    with paying_through(app, AlipayProvider(settings(fake))) as alipay:
        yield alipay


@pytest.fixture
def shop(client: FlaskClient, db_session: Session) -> Shop:
    return open_shop(client, db_session, PRICE)


# -- helpers -------------------------------------------------------------------------------------


def opened(client: FlaskClient, fake: FakeAlipay, shop: Shop, **kw: str) -> dict[str, Any]:
    """An order whose pay URL the payer has opened: Alipay has its trade."""
    order = place(client, shop, **kw)
    resp = fake.open(order["payment"]["instructions"]["url"])
    assert resp.status_code == 200, resp.text
    return order


def deliver(client: FlaskClient, body: bytes) -> TestResponse:
    return client.post(NOTIFY, data=body, content_type="application/x-www-form-urlencoded")


def handled(resp: TestResponse) -> None:
    """Alipay reads exactly `success`."""
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_data() == b"success"
    assert resp.mimetype == "text/plain"


def refused(resp: TestResponse, status: int = 400) -> str:
    """Anything but `success` makes Alipay notify again; ours is problem+json."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    kind: str = resp.get_json()["type"]
    return kind


def paid(client: FlaskClient, fake: FakeAlipay, order: dict[str, Any]) -> None:
    """The payer pays at Alipay and its notification arrives."""
    fake.pay(order["id"])
    handled(deliver(client, fake.notification(order["id"])))


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


UNPAID = (GRAMS_PER_TONNE - MASS, MASS, 0)
RETIRED = (GRAMS_PER_TONNE - MASS, 0, MASS)
UNTOUCHED = (GRAMS_PER_TONNE, 0, 0)

# -- amounts -------------------------------------------------------------------------------------


def test_fen_and_yuan_convert_exactly() -> None:
    assert [yuan(n) for n in (1, 10, 100, 1935, 123_456_789)] == [
        "0.01",
        "0.10",
        "1.00",
        "19.35",
        "1234567.89",
    ]
    assert [fen(a) for a in ("0.01", "0.1", "1", "19.35", "1234567.89")] == [
        1,
        10,
        100,
        1935,
        123_456_789,
    ]
    for bad in ("19.355", "1e3", "-1.00", "", " 1.00", "1,00", "NaN", "١٩.٣٥"):
        with pytest.raises(ValueError, match="yuan"):
            fen(bad)


@given(st.integers(min_value=0, max_value=10**11 - 1))
def test_every_amount_in_fen_survives_the_trip_to_yuan_and_back(amount: int) -> None:
    assert fen(yuan(amount)) == amount


# -- the two ways to pay -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "user_agent", "method", "product"),
    [
        pytest.param("wap", MOBILE_UA, "alipay.trade.wap.pay", "QUICK_WAP_WAY", id="wap"),
        pytest.param(
            "page", DESKTOP_UA, "alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY", id="page"
        ),
    ],
)
@pytest.mark.usefixtures("provider")
def test_each_way_to_pay_is_a_signed_url_for_the_exact_amount_and_a_paid_order_is_certified(
    client: FlaskClient,
    db_session: Session,
    fake: FakeAlipay,
    shop: Shop,
    channel: str,
    user_agent: str,
    method: str,
    product: str,
) -> None:
    order = place(client, shop, channel=channel, user_agent=user_agent)

    assert fake.requests == []  # nothing is sent to Alipay until the payer opens the URL
    shown = order["payment"]
    assert (shown["provider"], shown["reference"], order["amount"]) == ("alipay", order["id"], 1935)
    assert shown["instructions"]["channel"] == channel
    url = shown["instructions"]["url"]
    params = query_of(url)
    biz = json.loads(params["biz_content"])
    assert params["method"] == method
    assert params["notify_url"] == BASE + NOTIFY
    assert params["return_url"] == f"{BASE}/checkout/{order['id']}"
    assert (biz["out_trade_no"], biz["total_amount"], biz["product_code"]) == (
        order["id"],
        "19.35",
        product,
    )
    assert biz["time_expire"]  # Alipay refuses the URL once the order stops waiting
    assert fake.open(url).status_code == 200  # the signature verified with the app's key
    assert fake.trades[order["id"]]["total"] == 1935

    paid(client, fake, order)

    done = show(client, shop, order["id"])
    assert (done["status"], done["payment"]["status"]) == ("retired", "succeeded")
    assert done["payment"]["instructions"] == {}
    assert certificate_status(client, db_session, done["certificate_number"]) == "valid"
    assert grams(db_session, shop.lot_id) == RETIRED
    [asked] = fake.calls("alipay.trade.query")  # the notification was checked with Alipay
    assert asked.biz == {"out_trade_no": order["id"]}


@pytest.mark.parametrize(
    ("user_agent", "channel"),
    [pytest.param(MOBILE_UA, "wap", id="mobile"), pytest.param(DESKTOP_UA, "page", id="desktop")],
)
@pytest.mark.usefixtures("provider")
def test_the_way_to_pay_defaults_by_what_the_client_says_it_is(
    client: FlaskClient, fake: FakeAlipay, shop: Shop, user_agent: str, channel: str
) -> None:
    order = place(client, shop, user_agent=user_agent)

    assert order["payment"]["instructions"]["channel"] == channel


@pytest.mark.usefixtures("provider")
def test_the_url_is_signed_anew_when_the_order_is_shown_and_stays_the_same_trade(
    client: FlaskClient, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop, channel="wap")

    again = show(client, shop, order["id"])["payment"]["instructions"]["url"]

    assert fake.open(again).status_code == 200  # same subject and amount: the same trade
    assert len(fake.trades) == 1


@pytest.mark.parametrize("channel", ["jsapi", "native", "app"])
@pytest.mark.usefixtures("provider")
def test_a_way_alipay_cannot_take_is_a_422_naming_channel_and_writes_nothing(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop, channel: str
) -> None:
    resp = post_order(client, shop, channel=channel)

    assert resp.status_code == 422, resp.get_json()
    assert [e["field"] for e in resp.get_json()["errors"]] == ["channel"]
    assert db_session.scalar(select(func.count()).select_from(Payment)) == 0
    assert grams(db_session, shop.lot_id) == UNTOUCHED


@pytest.mark.usefixtures("provider")
def test_a_url_tampered_with_is_refused_by_alipay(
    client: FlaskClient, fake: FakeAlipay, shop: Shop
) -> None:
    order = place(client, shop)
    url = order["payment"]["instructions"]["url"]
    params = query_of(url)
    params["biz_content"] = params["biz_content"].replace('"19.35"', '"0.01"')

    resp = fake.open(f"{fake.url}?{urlencode(params)}")

    assert resp.status_code == 400
    assert "isv.invalid-signature" in resp.text
    assert fake.trades == {}


# -- notifications that change nothing -----------------------------------------------------------


def _forge(fake: FakeAlipay, order_id: str, how: str) -> bytes:
    signed: dict[str, dict[str, Any]] = {
        "wrong-key": {"key": OTHER_KEY},
        "other-app": {"app_id": "2021000000000001"},
        "other-seller": {"seller_id": "2088000000000001"},
        "another-amount": {"total_amount": "19.36"},
        "amount-not-in-yuan": {"total_amount": "19.350"},
        "not-our-trade": {"out_trade_no": "ord_notours"},
        "no-notify-id": {"notify_id": ""},
        "rsa1": {"sign_type": "RSA"},
    }
    if how in signed:
        return fake.notification(order_id, **signed[how])
    form = dict(parse_qsl(fake.notification(order_id).decode()))
    if how == "tampered":
        form["total_amount"] = "0.01"
    elif how == "unsigned":
        del form["sign"]
    else:  # a parameter given twice
        return urlencode(form).encode() + b"&trade_status=TRADE_SUCCESS"
    return urlencode(form).encode()


@pytest.mark.parametrize(
    "how",
    [
        "wrong-key",
        "other-app",
        "other-seller",
        "another-amount",
        "amount-not-in-yuan",
        "not-our-trade",
        "no-notify-id",
        "rsa1",
        "tampered",
        "unsigned",
        "twice",
    ],
)
@pytest.mark.usefixtures("provider")
def test_an_unverifiable_or_foreign_notification_is_refused_and_changes_nothing(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop, how: str
) -> None:
    order = opened(client, fake, shop)
    fake.pay(order["id"])  # even a real payment is not acted on
    asked = len(fake.requests)

    kind = refused(deliver(client, _forge(fake, order["id"], how)))

    assert kind == "/problems/invalid-webhook"
    assert show(client, shop, order["id"])["status"] == "awaiting_payment"
    assert grams(db_session, shop.lot_id) == UNPAID
    assert events(db_session) == 0
    assert len(fake.requests) == asked  # Alipay was not even asked


@pytest.mark.usefixtures("provider")
def test_a_replayed_notification_is_answered_success_with_no_second_effect(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)
    fake.pay(order["id"])
    note = fake.notification(order["id"])
    handled(deliver(client, note))
    asked = len(fake.requests)

    handled(deliver(client, note))

    assert len(fake.requests) == asked
    shown = show(client, shop, order["id"])
    assert [e["to_status"] for e in shown["events"]] == ["awaiting_payment", "paid", "retired"]
    assert events(db_session) == 1
    assert grams(db_session, shop.lot_id) == RETIRED


@pytest.mark.usefixtures("provider")
def test_a_success_notification_for_a_trade_alipay_says_is_unpaid_pays_nothing(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)  # Alipay's record: WAIT_BUYER_PAY

    handled(deliver(client, fake.notification(order["id"], trade_status="TRADE_SUCCESS")))

    assert fake.calls("alipay.trade.query")  # asked
    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("awaiting_payment", "pending")
    assert grams(db_session, shop.lot_id) == UNPAID


@pytest.mark.parametrize("late", ["WAIT_BUYER_PAY", "TRADE_CLOSED"])
@pytest.mark.usefixtures("provider")
def test_a_notification_arriving_out_of_order_after_the_payment_leaves_the_order_retired(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop, late: str
) -> None:
    order = opened(client, fake, shop)
    stale = fake.notification(order["id"], trade_status=late)  # sent earlier, delayed
    paid(client, fake, order)

    handled(deliver(client, stale))

    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("retired", "succeeded")
    assert certificate_status(client, db_session, shown["certificate_number"]) == "valid"
    assert grams(db_session, shop.lot_id) == RETIRED


@pytest.mark.usefixtures("provider")
def test_a_success_notification_arriving_after_the_refund_leaves_the_order_refunded(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)
    fake.pay(order["id"])
    late = fake.notification(order["id"])  # TRADE_SUCCESS, delayed on its way
    refund = fake.console_refund(order["id"])
    handled(deliver(client, fake.notification(order["id"], refund=refund)))
    assert show(client, shop, order["id"])["status"] == "refunded"

    handled(deliver(client, late))

    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    assert shown["certificate_number"] is None
    assert grams(db_session, shop.lot_id) == UNTOUCHED


def test_the_endpoint_answers_404_when_alipay_is_not_configured(
    app: Flask, client: FlaskClient
) -> None:
    assert "alipay" not in app.extensions["payments"]

    assert refused(deliver(client, b"notify_id=1"), 404) == "/problems/not-found"


# -- Alipay down, or not who it says -------------------------------------------------------------


@pytest.mark.usefixtures("provider")
def test_alipay_down_while_a_notification_is_handled_is_a_502_and_the_retry_settles_it(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)
    fake.pay(order["id"])
    note = fake.notification(order["id"])
    fake.fail_next(1, 502)

    assert refused(deliver(client, note), 502) == "/problems/payment-provider-error"

    assert show(client, shop, order["id"])["status"] == "awaiting_payment"
    assert events(db_session) == 0  # not noted as handled: Alipay's retry is handled
    handled(deliver(client, note))
    assert show(client, shop, order["id"])["status"] == "retired"


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param({"private_key": private_pem(OTHER_KEY)}, id="not-signed-by-the-app"),
        pytest.param({"alipay_public_key": public_pem(OTHER_KEY)}, id="answer-not-alipays"),
    ],
)
def test_a_request_or_an_answer_with_the_wrong_signature_is_a_provider_error(
    fake: FakeAlipay, provider: AlipayProvider, wrong: dict[str, str]
) -> None:
    fake.open(provider.pay_url("ord_signed", "page", 1935))
    fake.pay("ord_signed")
    assert provider.fetch("ord_signed") is not None  # with the right keys, it verifies

    with pytest.raises(ProviderError, match="not verifiable"):
        AlipayProvider(settings(fake, **wrong)).fetch("ord_signed")


# -- a lost notification, cancelling and expiry ---------------------------------------------------


def test_the_reconciler_retires_a_paid_order_whose_notification_was_lost(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeAlipay,
    provider: AlipayProvider,
    shop: Shop,
) -> None:
    order = opened(client, fake, shop)
    fake.pay(order["id"])  # and Alipay's notification never arrives
    backdate(db_session, order["id"])

    with app.app_context():
        report = reconcile(db_session, {provider.name: provider})

    assert (report.checked, report.failed) == (1, 0)
    shown = show(client, shop, order["id"])
    assert shown["status"] == "retired"
    assert certificate_status(client, db_session, shown["certificate_number"]) == "valid"
    assert grams(db_session, shop.lot_id) == RETIRED


def test_the_reconciler_leaves_an_unopened_payment_pending_and_logs_no_error(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeAlipay,
    provider: AlipayProvider,
    shop: Shop,
    caplog: pytest.LogCaptureFixture,
) -> None:
    order = place(client, shop)  # the payer has not opened the URL: Alipay has no trade
    backdate(db_session, order["id"])

    with app.app_context():
        report = reconcile(db_session, {provider.name: provider})

    assert (report.checked, report.failed) == (1, 0)
    assert show(client, shop, order["id"])["payment"]["status"] == "pending"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.parametrize("opened_first", [True, False], ids=["opened", "never-opened"])
def test_the_reconciler_closes_an_expired_orders_payment_at_alipay(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeAlipay,
    provider: AlipayProvider,
    shop: Shop,
    opened_first: bool,
) -> None:
    order = opened(client, fake, shop) if opened_first else place(client, shop)
    assert services.expire_due(db_session, now=utcnow() + timedelta(hours=1)) == 1
    assert show(client, shop, order["id"])["payment"]["status"] == "pending"  # still payable
    backdate(db_session, order["id"])

    with app.app_context():
        reconcile(db_session, {provider.name: provider})

    [closed] = fake.calls("alipay.trade.close")
    assert closed.biz == {"out_trade_no": order["id"]}
    if opened_first:
        assert fake.trades[order["id"]]["trade_status"] == "TRADE_CLOSED"
    assert show(client, shop, order["id"])["payment"]["status"] == "cancelled"


@pytest.mark.usefixtures("provider")
def test_cancelling_an_unpaid_order_closes_its_trade(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)

    resp = cancel(client, shop, order["id"])

    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["status"], resp.get_json()["payment"]["status"]) == (
        "cancelled",
        "cancelled",
    )
    assert fake.trades[order["id"]]["trade_status"] == "TRADE_CLOSED"
    assert grams(db_session, shop.lot_id) == UNTOUCHED


@pytest.mark.usefixtures("provider")
def test_cancelling_while_alipay_is_down_cancels_here_and_the_reconciler_closes_it_later(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeAlipay,
    provider: AlipayProvider,
    shop: Shop,
) -> None:
    order = opened(client, fake, shop)
    fake.fail_next(1, 503)

    resp = cancel(client, shop, order["id"])

    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["status"], resp.get_json()["payment"]["status"]) == (
        "cancelled",
        "pending",
    )
    assert grams(db_session, shop.lot_id) == UNTOUCHED
    backdate(db_session, order["id"])
    with app.app_context():
        reconcile(db_session, {provider.name: provider})
    assert fake.trades[order["id"]]["trade_status"] == "TRADE_CLOSED"
    assert show(client, shop, order["id"])["payment"]["status"] == "cancelled"


# -- refunds -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("provider")
def test_cancelling_an_order_paid_meanwhile_refunds_it_exactly_once(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)
    fake.pay(order["id"])  # paid, and the notification is still on its way
    on_its_way = fake.notification(order["id"])

    cancel(client, shop, order["id"])

    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    [refund] = fake.calls("alipay.trade.refund")
    assert refund.biz["out_trade_no"] == order["id"]
    assert refund.biz["out_request_no"] == f"{order['id']}-refund"
    assert refund.biz["refund_amount"] == "19.35"
    assert fake.trades[order["id"]]["refunded"] == 1935
    handled(deliver(client, on_its_way))
    assert show(client, shop, order["id"])["status"] == "refunded"
    assert len(fake.calls("alipay.trade.refund")) == 1
    assert grams(db_session, shop.lot_id) == UNTOUCHED


def test_a_repeated_refund_request_is_confirmed_by_the_refund_query(
    fake: FakeAlipay, provider: AlipayProvider
) -> None:
    """A retry after a refund that went through: Alipay moves no money again (fund_change N),
    and the query says the refund is done."""
    url = provider.pay_url("ord_retried", "page", 1935)
    fake.open(url)
    fake.pay("ord_retried")

    first = provider.refund("ord_retried", 1935, "ord_retried:refund")
    second = provider.refund("ord_retried", 1935, "ord_retried:refund")

    assert first == second == "ord_retried-refund"
    assert fake.trades["ord_retried"]["refunded"] == 1935
    assert fake.calls("alipay.trade.fastpay.refund.query")
    remote = provider.fetch("ord_retried")
    assert remote is not None
    assert (remote.status, remote.amount, remote.amount_refunded) == ("succeeded", 1935, 1935)


@pytest.mark.usefixtures("provider")
def test_a_console_refund_refunds_the_order_and_revokes_its_certificate(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)
    paid(client, fake, order)
    number = show(client, shop, order["id"])["certificate_number"]
    refund = fake.console_refund(order["id"])

    handled(deliver(client, fake.notification(order["id"], refund=refund)))

    [asked] = fake.calls("alipay.trade.fastpay.refund.query")  # asked, not read off the body
    assert asked.biz == {"out_trade_no": order["id"], "out_request_no": refund["out_request_no"]}
    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    assert certificate_status(client, db_session, number) == "revoked"
    assert grams(db_session, shop.lot_id) == RETIRED  # the credits stay retired


@pytest.mark.usefixtures("provider")
def test_a_partial_refund_changes_nothing(
    client: FlaskClient, db_session: Session, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)
    paid(client, fake, order)
    refund = fake.console_refund(order["id"], fen=100)

    handled(deliver(client, fake.notification(order["id"], refund=refund)))

    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("retired", "succeeded")
    assert certificate_status(client, db_session, shown["certificate_number"]) == "valid"


@pytest.mark.usefixtures("provider")
def test_a_refund_notification_alipay_does_not_know_changes_nothing(
    client: FlaskClient, fake: FakeAlipay, shop: Shop
) -> None:
    order = opened(client, fake, shop)
    paid(client, fake, order)
    claimed = {"out_request_no": "console-never-made"}

    handled(deliver(client, fake.notification(order["id"], refund=claimed)))

    assert show(client, shop, order["id"])["status"] == "retired"


def test_the_notify_url_is_documented_as_plain_text(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    answer = spec["paths"][NOTIFY]["post"]["responses"]["200"]["content"]
    assert list(answer) == ["text/plain"]
