"""Paying with WeChat Pay end to end: the real ``wechatpayv3`` SDK talks HTTP to FakeWechatPay
(which checks the merchant's signature and signs its answers with the platform key) while the
API creates, closes, settles and refunds orders; notifications are signed and encrypted as
WeChat Pay sends them, and forged, stale, replayed or out-of-order ones change nothing.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from backend.certificates.models import Certificate
from backend.core.clock import utcnow
from backend.credits import registry
from backend.credits.models import GRAMS_PER_TONNE, Standard
from backend.orders import services
from backend.orders.reconcile import reconcile
from backend.payments.models import Payment
from backend.payments.wechatpay import TOLERANCE_S, WechatPayProvider, WechatPaySettings
from tests.core.test_messages import LATIN_WORD
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
from tests.payments.fake_wechatpay import (
    FakeWechatPay,
    certificate,
    new_key,
    private_pem,
    public_pem,
)

MCHID = "1900000109"
APPID = "wxd678efh567hg6787"
API_V3_KEY = "diandianApiV3Key0123456789abcdef"  # 32 bytes
SERIAL = "444F4864EA9B34415BDB3B6E36F9B9B5F4A9D0C1"
MERCHANT_KEY = new_key()
OTHER_KEY = new_key()
NOTIFY = "/api/v1/payments/wechatpay/notify"
PRICE = 5_000  # fen per tonne: MASS (100 kg) costs 500 fen
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
MOBILE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Mobile Safari/537.36"
)

# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeWechatPay]:
    with FakeWechatPay(MCHID, APPID, API_V3_KEY, MERCHANT_KEY.public_key()) as server:
        yield server


def settings(fake: FakeWechatPay, **kw: Any) -> WechatPaySettings:
    base: dict[str, Any] = {
        "mchid": MCHID,
        "appid": APPID,
        "api_v3_key": API_V3_KEY,
        "cert_serial_no": SERIAL,
        "private_key": private_pem(MERCHANT_KEY),
        "notify_url": "https://diandian.example" + NOTIFY,
        "public_key": public_pem(fake.platform_key),
        "public_key_id": fake.public_key_id,
        "api_base": fake.url,
    }
    return WechatPaySettings(**{**base, **kw})


@pytest.fixture
def provider(app: Flask, fake: FakeWechatPay) -> Iterator[WechatPayProvider]:
    """The app pays through WeChat Pay (the fake) for this test, then goes back to its sandbox."""
    with paying_through(app, WechatPayProvider(settings(fake))) as wechatpay:
        yield wechatpay


@pytest.fixture
def shop(client: FlaskClient, db_session: Session) -> Shop:
    return open_shop(client, db_session, PRICE)


# -- helpers -------------------------------------------------------------------------------------


def deliver(client: FlaskClient, note: tuple[bytes, dict[str, str]]) -> TestResponse:
    body, headers = note
    return client.post(NOTIFY, data=body, headers=headers)


def handled(resp: TestResponse) -> str:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["code"] == "SUCCESS"
    message: str = body["message"]
    return message


def refused(resp: TestResponse, status: int = 400) -> str:
    """WeChat Pay's FAIL answer (which is also our problem+json)."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["code"] == "FAIL"
    assert body["message"]
    kind: str = body["type"]
    return kind


def paid(client: FlaskClient, fake: FakeWechatPay, order: dict[str, Any]) -> dict[str, Any]:
    """The payer pays at WeChat Pay and its notification arrives."""
    trade = fake.pay(order["id"])
    assert handled(deliver(client, fake.notification("TRANSACTION.SUCCESS", trade))) == (
        "processed"
    )
    return trade


# -- the three ways to pay -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "path", "answer"),
    [
        pytest.param(
            {"channel": "jsapi", "openid": OPENID, "user_agent": WECHAT_UA},
            "/v3/pay/transactions/jsapi",
            "pay_request",
            id="jsapi",
        ),
        pytest.param(
            {"channel": "h5", "user_agent": MOBILE_UA}, "/v3/pay/transactions/h5", "h5_url", id="h5"
        ),
        pytest.param({"channel": "native"}, "/v3/pay/transactions/native", "code_url", id="native"),
    ],
)
@pytest.mark.usefixtures("provider")
def test_each_way_to_pay_starts_a_cny_payment_in_fen_and_a_paid_one_gets_its_certificate(
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    shop: Shop,
    request_: dict[str, str],
    path: str,
    answer: str,
) -> None:
    order = place(client, shop, **request_)

    [created] = fake.calls("POST", path)
    assert created.body["out_trade_no"] == order["id"]
    assert created.body["amount"] == {"total": 500, "currency": "CNY"}  # fen, an int
    assert order["amount"] == 500
    assert created.body["notify_url"] == "https://diandian.example" + NOTIFY
    assert created.body.get("payer") == ({"openid": OPENID} if "openid" in request_ else None)
    if request_["channel"] == "h5":
        assert created.body["scene_info"]["payer_client_ip"] == "127.0.0.1"
    shown = order["payment"]
    assert (shown["provider"], shown["reference"]) == ("wechatpay", order["id"])
    assert shown["instructions"]["channel"] == request_["channel"]
    assert shown["instructions"][answer]

    paid(client, fake, order)

    done = show(client, shop, order["id"])
    assert (done["status"], done["payment"]["status"]) == ("retired", "succeeded")
    assert done["payment"]["instructions"] == {}
    assert certificate_status(client, db_session, done["certificate_number"]) == "valid"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


@pytest.mark.usefixtures("provider")
def test_jsapi_instructions_are_signed_for_weixinjsbridge_with_the_merchant_key(
    client: FlaskClient, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop, channel="jsapi", openid=OPENID)

    req = show(client, shop, order["id"])["payment"]["instructions"]["pay_request"]

    assert req["appId"] == APPID
    assert req["package"].startswith("prepay_id=wx")
    assert req["signType"] == "RSA"
    assert abs(int(req["timeStamp"]) - time.time()) < 60
    signed = f"{APPID}\n{req['timeStamp']}\n{req['nonceStr']}\n{req['package']}\n"
    MERCHANT_KEY.public_key().verify(  # raises if the signature is not the merchant's
        base64.b64decode(req["paySign"]), signed.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


@pytest.mark.parametrize(
    ("user_agent", "openid", "channel"),
    [
        pytest.param(WECHAT_UA, OPENID, "jsapi", id="wechat-with-openid"),
        pytest.param(WECHAT_UA, None, "native", id="wechat-without-openid"),
        pytest.param(MOBILE_UA, None, "h5", id="mobile-browser"),
        pytest.param(DESKTOP_UA, None, "native", id="desktop"),
    ],
)
@pytest.mark.usefixtures("provider")
def test_the_way_to_pay_defaults_by_what_the_client_says_it_is(
    client: FlaskClient,
    fake: FakeWechatPay,
    shop: Shop,
    user_agent: str,
    openid: str | None,
    channel: str,
) -> None:
    extra = {"openid": openid} if openid else {}

    order = place(client, shop, user_agent=user_agent, **extra)

    assert order["payment"]["instructions"]["channel"] == channel
    assert fake.calls("POST", f"/v3/pay/transactions/{channel}")


@pytest.mark.parametrize(
    ("payment", "field"),
    [
        pytest.param({"channel": "jsapi"}, "openid", id="jsapi-without-openid"),
        pytest.param({"channel": "wap"}, "channel", id="unknown-channel"),
        pytest.param({"channel": "jsapi", "openid": "bad openid!"}, "openid", id="bad-openid"),
    ],
)
@pytest.mark.usefixtures("provider")
def test_a_way_to_pay_wechat_pay_cannot_take_is_a_422_naming_it_and_writes_nothing(
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    shop: Shop,
    payment: dict[str, str],
    field: str,
) -> None:
    resp = post_order(client, shop, **payment)

    assert resp.status_code == 422, resp.get_json()
    assert [e["field"] for e in resp.get_json()["errors"]] == [field]
    assert fake.requests == []
    assert db_session.scalar(select(func.count()).select_from(Payment)) == 0
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)


@pytest.mark.usefixtures("provider")
def test_wechat_pay_down_at_creation_is_a_502_that_releases_the_credits(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    fake.fail_next(1, 500)

    resp = post_order(client, shop, channel="native")

    assert resp.status_code == 502
    assert resp.get_json()["type"] == "/problems/payment-provider-error"
    assert db_session.scalar(select(Payment.status)) == "cancelled"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param({"private_key": private_pem(OTHER_KEY)}, id="not-signed-by-the-merchant"),
        pytest.param({"public_key": public_pem(OTHER_KEY)}, id="answer-not-signed-by-wechat-pay"),
    ],
)
def test_a_request_or_an_answer_with_the_wrong_signature_pays_nothing(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    shop: Shop,
    wrong: dict[str, str],
) -> None:
    with paying_through(app, WechatPayProvider(settings(fake, **wrong))):
        resp = post_order(client, shop, channel="native")

    assert resp.status_code == 502, resp.get_json()
    assert db_session.scalar(select(Payment.status)) == "cancelled"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)


@pytest.mark.usefixtures("provider")
def test_cancelling_an_unpaid_order_closes_it_at_wechat_pay(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop)

    resp = cancel(client, shop, order["id"])

    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "cancelled"
    assert fake.transactions[order["id"]]["trade_state"] == "CLOSED"
    assert resp.get_json()["payment"]["status"] == "cancelled"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)


@pytest.mark.usefixtures("provider")
def test_cancelling_an_order_paid_meanwhile_refunds_it_exactly(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop)
    fake.pay(order["id"])  # paid, and the notification is still on its way

    cancel(client, shop, order["id"])

    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    [refund] = fake.calls("POST", "/v3/refund/domestic/refunds")
    assert refund.body["out_trade_no"] == order["id"]
    assert refund.body["out_refund_no"] == f"{order['id']}-refund"
    assert refund.body["amount"] == {"refund": 500, "total": 500, "currency": "CNY"}
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)


# -- notifications that change nothing -----------------------------------------------------------


def _forge(fake: FakeWechatPay, trade: dict[str, Any], how: str) -> tuple[bytes, dict[str, str]]:
    now = int(time.time())
    forged: dict[str, dict[str, Any]] = {
        "wrong-key": {"key": OTHER_KEY},
        "stale": {"timestamp": now - TOLERANCE_S - 5},
        "from-the-future": {"timestamp": now + TOLERANCE_S + 5},
        "wrong-api-v3-key": {"api_v3_key": "another32bytekeyanother32bytekey"},
        "unknown-serial": {"serial": "PUB_KEY_ID_0000000000000000000000000000000099"},
    }
    if how in forged:
        return fake.notification("TRANSACTION.SUCCESS", trade, **forged[how])
    if how == "other-merchant":
        return fake.notification("TRANSACTION.SUCCESS", {**trade, "mchid": "1900000999"})
    body, headers = fake.notification("TRANSACTION.SUCCESS", trade)
    if how == "tampered-body":
        return body.replace(b'"summary"', b'"Summary"'), headers
    del headers["Wechatpay-Signature"]  # unsigned
    return body, headers


@pytest.mark.parametrize(
    "how",
    [
        "wrong-key",
        "stale",
        "from-the-future",
        "wrong-api-v3-key",
        "unknown-serial",
        "other-merchant",
        "tampered-body",
        "unsigned",
    ],
)
@pytest.mark.usefixtures("provider")
def test_an_unverifiable_notification_is_refused_with_fail_and_changes_nothing(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop, how: str
) -> None:
    order = place(client, shop)
    trade = fake.pay(order["id"])  # even a real payment is not acted on
    asked = len(fake.requests)

    kind = refused(deliver(client, _forge(fake, trade, how)))

    assert kind == "/problems/invalid-webhook"
    assert show(client, shop, order["id"])["status"] == "awaiting_payment"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)
    assert events(db_session) == 0
    assert len(fake.requests) == asked  # WeChat Pay was not even asked


@pytest.mark.usefixtures("provider")
def test_a_refusal_tells_wechat_pay_fail_in_chinese_as_it_sends_no_accept_language(
    client: FlaskClient, fake: FakeWechatPay, shop: Shop
) -> None:
    body, headers = _forge(fake, fake.pay(place(client, shop)["id"]), "wrong-key")

    resp = client.post(NOTIFY, data=body, headers={**headers, "Accept-Language": ""})

    assert refused(resp) == "/problems/invalid-webhook"
    answer = resp.get_json()
    assert answer["message"] == answer["detail"] == "签名或加密内容验证未通过。"
    assert answer["title"] == "通知验证未通过"
    assert not LATIN_WORD.search(answer["message"])


@pytest.mark.usefixtures("provider")
def test_a_replayed_notification_is_a_duplicate_with_no_second_effect(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop)
    note = fake.notification("TRANSACTION.SUCCESS", fake.pay(order["id"]))
    assert handled(deliver(client, note)) == "processed"
    asked = len(fake.requests)

    assert handled(deliver(client, note)) == "duplicate"

    assert len(fake.requests) == asked
    shown = show(client, shop, order["id"])
    assert [e["to_status"] for e in shown["events"]] == ["awaiting_payment", "paid", "retired"]
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


@pytest.mark.usefixtures("provider")
def test_a_nonce_seen_before_on_another_notification_is_refused(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    first, second = place(client, shop), place(client, shop)
    note = fake.notification("TRANSACTION.SUCCESS", fake.pay(first["id"]), nonce="N0NCE")
    assert handled(deliver(client, note)) == "processed"
    again = fake.notification("TRANSACTION.SUCCESS", fake.pay(second["id"]), nonce="N0NCE")

    refused(deliver(client, again))

    assert show(client, shop, second["id"])["status"] == "awaiting_payment"
    assert show(client, shop, first["id"])["status"] == "retired"


@pytest.mark.usefixtures("provider")
def test_a_success_notification_for_a_payment_wechat_pay_says_is_unpaid_pays_nothing(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop)
    claimed = {**fake.transactions[order["id"]], "trade_state": "SUCCESS"}  # its record: NOTPAY

    assert handled(deliver(client, fake.notification("TRANSACTION.SUCCESS", claimed))) == (
        "processed"
    )

    assert fake.calls("GET", f"/v3/pay/transactions/out-trade-no/{order['id']}")  # asked
    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("awaiting_payment", "pending")
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)


@pytest.mark.usefixtures("provider")
def test_a_payment_for_another_amount_than_the_order_is_not_acted_on(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop)
    fake.transactions[order["id"]]["amount"]["total"] = 499  # one fen short at WeChat Pay
    trade = fake.pay(order["id"])

    handled(deliver(client, fake.notification("TRANSACTION.SUCCESS", trade)))

    assert show(client, shop, order["id"])["status"] == "awaiting_payment"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)


@pytest.mark.usefixtures("provider")
def test_a_success_notification_arriving_after_the_refund_leaves_the_order_refunded(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop)
    trade = fake.pay(order["id"])
    late = fake.notification("TRANSACTION.SUCCESS", trade)  # delayed on its way
    refund = fake.console_refund(order["id"])
    handled(deliver(client, fake.notification("REFUND.SUCCESS", fake.refund_resource(refund))))
    assert show(client, shop, order["id"])["status"] == "refunded"

    assert handled(deliver(client, late)) == "processed"

    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    assert shown["certificate_number"] is None
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)


def test_the_endpoint_answers_fail_when_wechat_pay_is_not_configured(
    app: Flask, client: FlaskClient
) -> None:
    assert "wechatpay" not in app.extensions["payments"]

    resp = client.post(NOTIFY, data=b"{}", headers={"Content-Type": "application/json"})

    assert refused(resp, 404) == "/problems/not-found"


# -- a lost notification -------------------------------------------------------------------------


def test_the_reconciler_retires_a_paid_order_whose_notification_was_lost(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    provider: WechatPayProvider,
    shop: Shop,
) -> None:
    order = place(client, shop)
    fake.pay(order["id"])  # and WeChat Pay's notification never arrives
    backdate(db_session, order["id"])

    with app.app_context():
        report = reconcile(db_session, {provider.name: provider})

    assert (report.checked, report.failed) == (1, 0)
    shown = show(client, shop, order["id"])
    assert shown["status"] == "retired"
    assert certificate_status(client, db_session, shown["certificate_number"]) == "valid"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


def test_the_reconciler_closes_an_expired_orders_payment_at_wechat_pay(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    provider: WechatPayProvider,
    shop: Shop,
) -> None:
    order = place(client, shop)
    assert services.expire_due(db_session, now=utcnow() + timedelta(hours=1)) == 1
    assert show(client, shop, order["id"])["payment"]["status"] == "pending"  # still payable
    backdate(db_session, order["id"])

    with app.app_context():
        reconcile(db_session, {provider.name: provider})

    assert fake.transactions[order["id"]]["trade_state"] == "CLOSED"
    assert show(client, shop, order["id"])["payment"]["status"] == "cancelled"


# -- refunds -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("provider")
def test_a_refund_in_the_merchant_console_refunds_the_order_and_revokes_its_certificate(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop)
    paid(client, fake, order)
    number = show(client, shop, order["id"])["certificate_number"]
    refund = fake.console_refund(order["id"])
    asked = len(fake.requests)
    note = fake.notification("REFUND.SUCCESS", fake.refund_resource(refund))

    outcome = handled(deliver(client, note))

    assert outcome == "processed"
    assert fake.calls("GET", f"/v3/refund/domestic/refunds/{refund['out_refund_no']}")
    assert len(fake.requests) > asked  # the refund was asked of WeChat Pay, not read off the body
    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    assert certificate_status(client, db_session, number) == "revoked"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)  # still retired


@pytest.mark.usefixtures("provider")
def test_a_refund_of_a_registry_retired_order_keeps_its_certificate(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    order = place(client, shop)
    paid(client, fake, order)
    number = show(client, shop, order["id"])["certificate_number"]
    stored = db_session.scalars(select(Certificate).where(Certificate.number == number)).one()
    line = json.loads(stored.document)["credits"][0]
    registry.record(
        db_session,
        standard=Standard.CCER,
        registry_ref="CCER-R-2026-007",
        retired_on=stored.issued_at,
        note="",
        ranges=[(line["lot_id"], line["first_serial"], line["last_serial"])],
    )
    db_session.commit()
    refund = fake.console_refund(order["id"])

    handled(deliver(client, fake.notification("REFUND.SUCCESS", fake.refund_resource(refund))))

    assert show(client, shop, order["id"])["status"] == "refunded"
    assert certificate_status(client, db_session, number) == "valid"


@pytest.mark.parametrize(
    ("told", "at_wechat_pay", "whole"),
    [
        pytest.param("REFUND.SUCCESS", "PROCESSING", True, id="success-wechat-pay-denies"),
        pytest.param("REFUND.ABNORMAL", "ABNORMAL", True, id="abnormal"),
        pytest.param("REFUND.CLOSED", "CLOSED", True, id="closed"),
        pytest.param("REFUND.SUCCESS", "SUCCESS", False, id="partial"),
    ],
)
@pytest.mark.usefixtures("provider")
def test_a_refund_notification_that_did_not_return_the_whole_payment_changes_nothing(
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    shop: Shop,
    told: str,
    at_wechat_pay: str,
    whole: bool,
) -> None:
    order = place(client, shop)
    paid(client, fake, order)
    refund = fake.console_refund(order["id"], status=at_wechat_pay)
    if not whole:
        refund["amount"]["refund"] = fake.refunds[refund["out_refund_no"]]["amount"]["refund"] = 1
    resource = {**fake.refund_resource(refund), "refund_status": told.removeprefix("REFUND.")}

    assert handled(deliver(client, fake.notification(told, resource))) == "processed"

    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("retired", "succeeded")
    assert certificate_status(client, db_session, shown["certificate_number"]) == "valid"


@pytest.mark.usefixtures("provider")
def test_a_late_payment_with_no_credits_left_is_refunded_exactly_and_its_notification_is_quiet(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
) -> None:
    late = place(client, shop, GRAMS_PER_TONNE)
    assert services.expire_due(db_session, now=utcnow() + timedelta(hours=1)) == 1
    db_session.commit()
    place(client, shop, GRAMS_PER_TONNE)  # someone else takes the whole lot
    trade = fake.pay(late["id"])

    handled(deliver(client, fake.notification("TRANSACTION.SUCCESS", trade)))

    shown = show(client, shop, late["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    assert shown["refund_reason"] == "no credits left for a payment that arrived late"
    [asked] = fake.calls("POST", "/v3/refund/domestic/refunds")
    assert asked.body["amount"] == {"refund": 5_000, "total": 5_000, "currency": "CNY"}
    refund = fake.settle_refund(f"{late['id']}-refund")
    resource = fake.refund_resource(refund)
    assert handled(deliver(client, fake.notification("REFUND.SUCCESS", resource))) == "processed"
    after = show(client, shop, late["id"])
    assert [e["to_status"] for e in after["events"]] == [e["to_status"] for e in shown["events"]]
    assert grams(db_session, shop.lot_id) == (0, GRAMS_PER_TONNE, 0)  # the other order's hold


# -- platform certificates instead of a public key -----------------------------------------------


def test_platform_certificates_are_downloaded_decrypted_and_verify_notifications(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    shop: Shop,
    tmp_path: Any,
) -> None:
    """A merchant without WeChat Pay's public key verifies with platform certificates: one kept
    from before (another key), and the current one fetched when a serial is new to us."""
    kept = certificate(new_key()).public_bytes(serialization.Encoding.PEM).decode()
    (tmp_path / "OLD.pem").write_text(kept)
    fake.signing_serial = fake.certificate_serial
    wechatpay = WechatPayProvider(
        settings(fake, public_key=None, public_key_id=None, cert_dir=str(tmp_path))
    )
    with paying_through(app, wechatpay):
        order = place(client, shop)
        paid(client, fake, order)

    assert fake.calls("GET", "/v3/certificates")
    assert (tmp_path / f"{fake.certificate_serial}.pem").exists()
    assert show(client, shop, order["id"])["status"] == "retired"
