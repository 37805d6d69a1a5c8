"""Alipay (支付宝) through the `python-alipay-sdk`, 公钥模式 RSA2, in CNY.

Two ways to pay, chosen per order (`payer_for`): `wap` (手机网站支付, `alipay.trade.wap.pay`) in
mobile browsers and `page` (电脑网站支付, `alipay.trade.page.pay`) on desktops. Both are a signed
URL of Alipay's gateway that the payer opens; Alipay creates the trade when it is opened, so
nothing is sent to Alipay when an order is placed, and the URL is signed anew whenever the order
is shown (`instructions`). The order id is Alipay's `out_trade_no`; amounts are fen here and
yuan strings there ("19.35"), converted exactly.

Asynchronous notifications are form posts signed by Alipay (RSA2 over the sorted parameters
without `sign` and `sign_type`); `read_notification` checks the signature, the app id, the
seller and the amount's form. What they mean is asked of Alipay again (`fetch`:
`alipay.trade.query`) before anything is settled (orders/alipay_notify.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from alipay import AliPay  # type: ignore[import-untyped]
from alipay.utils import AliPayConfig  # type: ignore[import-untyped]

from backend.core.config import ALIPAY_GATEWAY, ALIPAY_NOTIFY_PATH
from backend.core.errors import ValidationFailed
from backend.core.messages import Coded
from backend.payments.provider import (
    InvalidWebhook,
    Payer,
    PaymentRequest,
    ProviderError,
    RemotePayment,
    RemoteStatus,
    Started,
    WebhookEvent,
)

log = logging.getLogger(__name__)

CHANNELS = ("wap", "page")
_METHOD = {"wap": "api_alipay_trade_wap_pay", "page": "api_alipay_trade_page_pay"}
# Alipay's product codes (the SDK's own default for wap, QUICK_WAP_PAY, is not Alipay's)
_PRODUCT = {"wap": "QUICK_WAP_WAY", "page": "FAST_INSTANT_TRADE_PAY"}
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")  # Alipay's clock; China has no DST
TIMEOUT_S = 10
OK = "10000"  # Alipay's code of a call that succeeded
NOT_EXIST = "ACQ.TRADE_NOT_EXIST"  # no trade yet: the payer has not opened the URL
_STATUS: dict[str, RemoteStatus] = {
    "TRADE_SUCCESS": "succeeded",
    "TRADE_FINISHED": "succeeded",  # paid, and past the time it could be refunded
    "TRADE_CLOSED": "cancelled",  # closed unpaid, or refunded in full (fetch tells which)
}
_YUAN = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")  # ASCII digits only


def yuan(fen: int) -> str:
    """1935 -> "19.35": Alipay's `total_amount`."""
    return f"{fen // 100}.{fen % 100:02d}"


def fen(amount: str) -> int:
    """Yuan to fen, exactly ("19.35" -> 1935); ValueError for anything but yuan with at most
    two decimals."""
    if not _YUAN.fullmatch(amount):
        raise ValueError(f"not an amount in yuan: {amount!r}")
    return int(Decimal(amount) * 100)


def refund_no(reference: str) -> str:
    """The `out_request_no` of our one refund of a payment: settlement refunds under the key
    `<order id>:refund` (`refund`), and Alipay answers a repeated `out_request_no` with the
    same refund, so a retry cannot refund twice."""
    return f"{reference}-refund"


def default_channel(payer: Payer) -> str:
    """`wap` in a mobile browser, `page` elsewhere."""
    return "wap" if payer.mobile else "page"


@dataclass(frozen=True)
class AlipaySettings:
    app_id: str
    private_key: str  # PEM: the app's private key (Config.finalise has parsed it)
    alipay_public_key: str  # PEM: Alipay's public key
    public_base_url: str  # the notify URL and the PWA's checkout pages are under it
    gateway: str = ALIPAY_GATEWAY
    seller_id: str | None = None  # the merchant's PID; notifications must name it

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> AlipaySettings:
        return cls(
            app_id=cfg["ALIPAY_APP_ID"],
            private_key=cfg["ALIPAY_APP_PRIVATE_KEY"],
            alipay_public_key=cfg["ALIPAY_PUBLIC_KEY"],
            public_base_url=str(cfg["PUBLIC_BASE_URL"]).rstrip("/"),
            gateway=cfg["ALIPAY_GATEWAY"] or ALIPAY_GATEWAY,
            seller_id=cfg["ALIPAY_SELLER_ID"] or None,
        )

    @property
    def notify_url(self) -> str:
        return self.public_base_url + ALIPAY_NOTIFY_PATH

    def return_url(self, order_id: str) -> str:
        """Where Alipay sends the payer back: the order's checkout page in the PWA."""
        return f"{self.public_base_url}/checkout/{order_id}"


@dataclass(frozen=True)
class Notification:
    """A verified notification: what it says happened, to be checked with Alipay."""

    id: str  # notify_id
    type: str  # trade_status: WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_FINISHED, TRADE_CLOSED
    reference: str  # out_trade_no
    amount: int  # total_amount, in fen
    refund_no: str | None = None  # out_biz_no, when it tells of a refund


@dataclass(frozen=True)
class RemoteRefund:
    """Alipay's record of one refund request (`out_request_no`)."""

    done: bool  # refund_status REFUND_SUCCESS
    amount: int  # fen refunded by it
    total: int  # fen of the trade


class _Sdk(AliPay):
    """The SDK with our gateway and timeout, stamping requests with Beijing time (the SDK uses
    the server's local time)."""

    def __init__(self, settings: AlipaySettings) -> None:
        super().__init__(
            appid=settings.app_id,
            app_private_key_string=settings.private_key,
            alipay_public_key_string=settings.alipay_public_key,
            sign_type="RSA2",
            config=AliPayConfig(timeout=TIMEOUT_S),
        )
        self._gateway = settings.gateway

    def build_body(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().build_body(*args, **kwargs)
        data["timestamp"] = _beijing(datetime.now(BEIJING))
        return data


def _beijing(at: datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


class AlipayProvider:
    name = "alipay"
    sandbox = False
    minimum_amount = 1  # fen: Alipay takes 0.01 yuan

    def __init__(self, settings: AlipaySettings) -> None:
        self.settings = settings
        self._sdk = _Sdk(settings)

    # -- the provider interface --------------------------------------------------------------

    def payer_for(self, payer: Payer) -> Payer:
        """The way this payer pays (422 naming `channel` if Alipay has no such way)."""
        channel = payer.channel or default_channel(payer)
        if channel not in CHANNELS:
            raise ValidationFailed("channel", "payments.alipay_channels", channels=CHANNELS)
        return replace(payer, channel=channel)

    def start(self, req: PaymentRequest) -> Started:
        """Nothing to ask of Alipay yet: keep what signs the URL again, `<channel>:<fen>:<time
        the payment expires>` (Alipay refuses to be paid after it)."""
        if req.currency != "CNY":
            raise ProviderError("payments.alipay_cny_only")
        channel = self.payer_for(req.payer).channel or "page"
        expires = _beijing(req.expires_at) if req.expires_at else ""
        return Started(req.order_id, f"{channel}:{req.amount}:{expires}")

    def instructions(
        self, order_id: str, reference: str | None, client_secret: str | None
    ) -> dict[str, Any]:
        """`url`: Alipay's cashier for this payment, signed now, to open (wap: in this browser;
        page: on this computer)."""
        channel, _, rest = (client_secret or "").partition(":")
        amount, _, expires = rest.partition(":")
        if channel not in CHANNELS or not amount.isdigit() or reference is None:
            return {}
        return {"channel": channel, "url": self.pay_url(reference, channel, int(amount), expires)}

    def pay_url(self, reference: str, channel: str, amount: int, expires: str = "") -> str:
        """The gateway URL, signed with the app key, that opens Alipay's cashier. The same
        `out_trade_no` must carry the same subject and amount each time it is signed. A payer
        who leaves the wap cashier comes back to the order (`quit_url`)."""
        back = self.settings.return_url(reference)
        extra: dict[str, str] = {"product_code": _PRODUCT[channel]}
        if expires:
            extra["time_expire"] = expires
        if channel == "wap":
            extra["quit_url"] = back
        query = getattr(self._sdk, _METHOD[channel])(
            subject=f"点点碳中和 {reference}",
            out_trade_no=reference,
            total_amount=yuan(amount),
            return_url=back,
            notify_url=self.settings.notify_url,
            **extra,
        )
        return f"{self.settings.gateway}?{query}"

    def fetch(self, reference: str) -> RemotePayment | None:
        """`alipay.trade.query`: paid, pending (also while no trade exists: the payer has not
        opened the URL), or closed; a closed trade that our refund returned in full is paid and
        refunded."""
        body = self._call(
            Coded("payments.doing.query_payment"),
            self._sdk.api_alipay_trade_query,
            ignore={NOT_EXIST},
            out_trade_no=reference,
        )
        if not body:
            return RemotePayment(reference, "pending", amount=0, currency="CNY")
        state = str(body.get("trade_status", ""))
        status = _STATUS.get(state, "pending")
        amount = _fen(body.get("total_amount"), "total_amount")
        refunded = 0
        if state == "TRADE_CLOSED":
            refund = self.fetch_refund(reference, refund_no(reference))
            if refund is not None and refund.done:
                status, refunded = "succeeded", refund.amount
        return RemotePayment(reference, status, amount, "CNY", amount_refunded=refunded)

    def cancel(self, reference: str, idempotency_key: str) -> None:
        """`alipay.trade.close`; a trade not created yet has nothing to close (its URL stops
        working at `time_expire`), and one paid meanwhile stays paid: settlement finds it so
        when it asks next."""
        self._call(
            Coded("payments.doing.close_payment"),
            self._sdk.api_alipay_trade_close,
            ignore={NOT_EXIST, "ACQ.TRADE_STATUS_ERROR"},
            out_trade_no=reference,
        )

    def refund(self, reference: str, amount: int, idempotency_key: str) -> str:
        """`alipay.trade.refund` of the whole payment as `out_request_no` from the idempotency
        key; done when Alipay says the money moved, or its refund query confirms it (a repeated
        request moves none)."""
        number = idempotency_key.replace(":", "-")
        body = self._call(
            Coded("payments.doing.refund"),
            self._sdk.api_alipay_trade_refund,
            refund_amount=yuan(amount),
            out_trade_no=reference,
            out_request_no=number,
            refund_reason="点点订单退款 Diandian order refunded",
        )
        if body.get("fund_change") != "Y":
            refund = self.fetch_refund(reference, number)
            if refund is None or not refund.done:
                raise ProviderError("payments.alipay_refund_unconfirmed")
        return number

    def fetch_refund(self, reference: str, number: str) -> RemoteRefund | None:
        """`alipay.trade.fastpay.refund.query`; None when Alipay has no such refund."""
        body = self._call(
            Coded("payments.doing.query_refund"),
            self._sdk.server_api,
            ignore={NOT_EXIST},
            api_name="alipay.trade.fastpay.refund.query",
            biz_content={"out_trade_no": reference, "out_request_no": number},
        )
        if not body.get("out_request_no"):
            return None
        return RemoteRefund(
            done=body.get("refund_status") == "REFUND_SUCCESS",
            amount=_fen(body.get("refund_amount"), "refund_amount"),
            total=_fen(body.get("total_amount"), "total_amount"),
        )

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> WebhookEvent:
        note = self.read_notification(parse_form(payload))
        return WebhookEvent(note.id, note.type, note.reference)

    def read_notification(self, form: Mapping[str, str]) -> Notification:
        """Verify a notification's RSA2 signature with Alipay's key, and that it is for our app
        (and seller); InvalidWebhook if anything fails."""
        params = dict(form)
        signature = params.pop("sign", "")
        if not signature or params.get("sign_type") != "RSA2":
            raise InvalidWebhook("payments.alipay_unsigned")
        try:
            verified = self._sdk.verify(params, signature)
        except Exception:  # the SDK raises bare Exceptions on malformed signatures
            verified = False
        if not verified:
            raise InvalidWebhook("payments.alipay_bad_signature")
        if params.get("app_id") != self.settings.app_id:
            raise InvalidWebhook("payments.another_app")
        seller = self.settings.seller_id
        if seller is not None and params.get("seller_id") != seller:
            raise InvalidWebhook("payments.another_seller")
        return _notification(params)

    # -- helpers -----------------------------------------------------------------------------

    def _call(
        self,
        doing: Coded,
        fn: Callable[..., Any],
        *,
        ignore: frozenset[str] | set[str] = frozenset(),
        **params: Any,
    ) -> dict[str, Any]:
        """Call the SDK (which checks Alipay's signature on the answer); a failure is a 502
        problem, unless Alipay's `sub_code` is in `ignore` (then the answer is empty)."""
        try:
            body = fn(**params)
        except Exception as exc:  # network, HTTP status, an unsigned or forged answer
            log.warning("Alipay failed %s: %s", doing, exc)
            raise ProviderError("payments.alipay_unreachable", params={"doing": doing}) from exc
        if not isinstance(body, dict):
            raise ProviderError("payments.alipay_unreadable", params={"doing": doing})
        if body.get("code") == OK:
            return body
        if body.get("sub_code") in ignore:
            return {}
        log.warning("Alipay refused %s: %s", doing, body)
        said = body.get("sub_msg") or body.get("msg")
        raise ProviderError("payments.alipay_refused", params={"doing": doing, "said": said})


def parse_form(payload: bytes) -> dict[str, str]:
    """A form-encoded body (UTF-8, as our requests ask Alipay to use); InvalidWebhook for one
    that is not, or that names a parameter twice."""
    try:
        pairs = parse_qsl(
            payload.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(payload)
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidWebhook("payments.not_a_form") from exc
    form = dict(pairs)
    if len(form) != len(pairs):
        raise InvalidWebhook("payments.parameter_twice")
    return form


def _notification(params: Mapping[str, str]) -> Notification:
    notify_id, reference = params.get("notify_id", ""), params.get("out_trade_no", "")
    status = params.get("trade_status", "")
    if not notify_id or len(notify_id) > 100 or not reference or not status:
        raise InvalidWebhook("payments.alipay_notification_incomplete")
    given = params.get("total_amount", "")
    try:
        amount = fen(given)
    except ValueError as exc:
        raise InvalidWebhook(
            "payments.alipay_total_not_yuan", params={"given": repr(given)}
        ) from exc
    return Notification(
        id=notify_id,
        type=status[:80],
        reference=reference,
        amount=amount,
        refund_no=params.get("out_biz_no") or None,
    )


def _fen(value: Any, name: str) -> int:
    """An amount from Alipay's answer (which verified), in fen."""
    try:
        return fen(str(value))
    except ValueError as exc:
        raise ProviderError(
            "payments.alipay_bad_answer", params={"name": name, "value": repr(value)}
        ) from exc
