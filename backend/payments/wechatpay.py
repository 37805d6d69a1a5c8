"""WeChat Pay API v3 through its SDK (`wechatpayv3`), as a direct merchant, in CNY fen.

Three ways to pay, chosen per order (`payer_for`): JSAPI inside WeChat's browser (needs the
payer's openid under our app id), H5 in other mobile browsers, Native (a QR code to scan) on
desktop. The order id is WeChat Pay's `out_trade_no`, so a retried start or a query needs no
other record; a payment is refunded once, in full, as `out_refund_no` `<order id>-refund`.

Notifications (payments and refunds) are checked here: WeChat Pay's signature over
`timestamp\\nnonce\\nbody\\n` (its public key, or its platform certificate by serial), the
timestamp within `TOLERANCE_S`, and the resource decrypted with the API v3 key (AES-256-GCM).
What they mean is then asked of WeChat Pay again (orders/wechatpay_notify.py).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import requests
from wechatpayv3 import WeChatPay, WeChatPayType  # type: ignore[import-untyped]
from wechatpayv3.utils import load_private_key, rsa_sign  # type: ignore[import-untyped]

from backend.core.config import ConfigError
from backend.core.errors import ValidationFailed
from backend.core.keys import pem
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

CHANNELS = ("jsapi", "h5", "native")
TOLERANCE_S = 300  # notifications signed longer ago (or ahead) than this are refused
TIMEOUT_S = (5, 15)  # connect, read
DESCRIPTION_BYTES = 127  # WeChat Pay's limit on `description`
SECRET_CHARS = 200  # what `payments.client_secret` holds: `<channel>:<prepay_id|h5_url|code_url>`
_PAY_TYPE = {"jsapi": WeChatPayType.JSAPI, "h5": WeChatPayType.H5, "native": WeChatPayType.NATIVE}
_ANSWER = {"jsapi": "prepay_id", "h5": "h5_url", "native": "code_url"}
_STATUS: dict[str, RemoteStatus] = {
    "SUCCESS": "succeeded",
    "REFUND": "succeeded",  # paid, then a refund was asked for (`amount_refunded` says how much)
    "CLOSED": "cancelled",
    "REVOKED": "cancelled",
}
_HEADERS = ("timestamp", "nonce", "signature", "serial", "signature-type")


@dataclass(frozen=True)
class WechatPaySettings:
    mchid: str
    appid: str
    api_v3_key: str
    cert_serial_no: str
    private_key: str  # PEM
    notify_url: str
    public_key: str | None = None  # PEM: WeChat Pay's public key; None: platform certificates
    public_key_id: str | None = None
    cert_dir: str | None = None  # where platform certificates are kept once downloaded
    api_base: str | None = None  # tests: a local fake instead of api.mch.weixin.qq.com

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> WechatPaySettings:
        public_key = cfg["WECHATPAY_PUBLIC_KEY"]
        return cls(
            mchid=cfg["WECHATPAY_MCHID"],
            appid=cfg["WECHATPAY_APPID"],
            api_v3_key=cfg["WECHATPAY_API_V3_KEY"],
            cert_serial_no=cfg["WECHATPAY_CERT_SERIAL_NO"],
            private_key=pem(cfg["WECHATPAY_PRIVATE_KEY"], "WECHATPAY_PRIVATE_KEY"),
            notify_url=cfg["WECHATPAY_NOTIFY_URL"],
            public_key=pem(public_key, "WECHATPAY_PUBLIC_KEY") if public_key else None,
            public_key_id=cfg["WECHATPAY_PUBLIC_KEY_ID"] or None,
            cert_dir=cfg["WECHATPAY_CERT_DIR"] or None,
            api_base=cfg["WECHATPAY_API_BASE"] or None,
        )


@dataclass(frozen=True)
class RemoteRefund:
    """WeChat Pay's record of a refund."""

    reference: str  # the payment's out_trade_no
    refund_id: str
    status: Literal["SUCCESS", "PROCESSING", "ABNORMAL", "CLOSED"]
    amount: int  # fen refunded
    total: int  # fen of the payment
    currency: str


@dataclass(frozen=True)
class Notification:
    """A verified, decrypted notification: what it says happened, to be checked with WeChat Pay."""

    id: str
    type: str  # TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED
    nonce: str
    reference: str | None  # out_trade_no
    refund_no: str | None = None  # out_refund_no, for a refund


def default_channel(payer: Payer) -> str:
    """JSAPI inside WeChat (with an openid), H5 in another mobile browser, else Native's QR
    code (inside WeChat without an openid, long-pressing the code pays too)."""
    if "MicroMessenger" in payer.user_agent:
        return "jsapi" if payer.openid else "native"
    return "h5" if payer.mobile else "native"


def refund_no(reference: str) -> str:
    """Our one refund of a payment (WeChat Pay answers a repeated `out_refund_no` with the same
    refund, so a retry cannot refund twice)."""
    return f"{reference}-refund"


class WechatPayProvider:
    name = "wechatpay"
    sandbox = False
    minimum_amount = 1  # fen

    def __init__(self, settings: WechatPaySettings) -> None:
        self.settings = settings
        try:
            self._key = load_private_key(settings.private_key)
        except Exception as exc:
            raise ConfigError("WECHATPAY_PRIVATE_KEY is not an RSA private key") from exc
        self._sdk: WeChatPay | None = None
        self._lock = threading.Lock()

    def client(self) -> WeChatPay:
        """The SDK, made on first use: with platform certificates and none kept yet, it
        downloads them, which must not stop the app from starting."""
        with self._lock:
            if self._sdk is None:
                cfg = self.settings
                with _translated(Coded("payments.doing.set_up")):
                    sdk = WeChatPay(
                        wechatpay_type=WeChatPayType.NATIVE,
                        mchid=cfg.mchid,
                        private_key=cfg.private_key,
                        cert_serial_no=cfg.cert_serial_no,
                        appid=cfg.appid,
                        apiv3_key=cfg.api_v3_key,
                        notify_url=cfg.notify_url,
                        cert_dir=cfg.cert_dir,
                        logger=log,
                        timeout=TIMEOUT_S,
                        public_key=cfg.public_key,
                        public_key_id=cfg.public_key_id,
                    )
                if cfg.api_base:  # the SDK has no setting for its gateway
                    sdk._core._gate_way = cfg.api_base.rstrip("/")
                self._sdk = sdk
            return self._sdk

    # -- the provider interface --------------------------------------------------------------

    def payer_for(self, payer: Payer) -> Payer:
        """The way this payer pays (422 naming `channel` or `openid` if it cannot)."""
        channel = payer.channel or default_channel(payer)
        if channel not in CHANNELS:
            raise ValidationFailed("channel", "payments.wechatpay_channels", channels=CHANNELS)
        if channel == "jsapi" and not payer.openid:
            raise ValidationFailed("openid", "payments.wechatpay_openid_needed")
        return replace(payer, channel=channel)

    def start(self, req: PaymentRequest) -> Started:
        if req.currency != "CNY":
            raise ProviderError("payments.wechatpay_cny_only")
        channel = self.payer_for(req.payer).channel or "native"
        extra: dict[str, Any] = {}
        if channel == "jsapi":
            extra["payer"] = {"openid": req.payer.openid}
        elif channel == "h5":
            extra["scene_info"] = {"payer_client_ip": req.payer.ip, "h5_info": {"type": "Wap"}}
        body = self._call(
            Coded("payments.doing.create_payment"),
            self.client().pay,
            description=_clip(req.description, DESCRIPTION_BYTES),
            out_trade_no=req.order_id,
            amount={"total": req.amount, "currency": "CNY"},
            pay_type=_PAY_TYPE[channel],
            **extra,
        )
        answer = f"{channel}:{body.get(_ANSWER[channel]) or ''}"
        if not answer.partition(":")[2] or len(answer) > SECRET_CHARS:
            raise ProviderError("payments.wechatpay_no_answer", params={"name": _ANSWER[channel]})
        return Started(req.order_id, answer)

    def fetch(self, reference: str) -> RemotePayment | None:
        body = self._call(
            Coded("payments.doing.query_payment"), self.client().query, out_trade_no=reference
        )
        state = str(body.get("trade_state", ""))
        amount = body.get("amount") or {}
        refunded = 0
        if state == "REFUND":
            refund = self.fetch_refund(refund_no(reference))
            if refund is not None and refund.status == "SUCCESS":
                refunded = refund.amount
        return RemotePayment(
            reference=str(body.get("out_trade_no", reference)),
            status=_STATUS.get(state, "pending"),
            amount=int(amount.get("total", 0)),
            currency=str(amount.get("currency", "CNY")),
            amount_refunded=refunded,
            failure=str(body.get("trade_state_desc", "")) if state == "PAYERROR" else "",
        )

    def cancel(self, reference: str, idempotency_key: str) -> None:
        """Close the payment (again: no effect); one paid meanwhile stays paid, and settlement
        finds it so when it asks next."""
        self._call(
            Coded("payments.doing.close_payment"),
            self.client().close,
            out_trade_no=reference,
            ignore={"ORDERPAID", "ORDER_CLOSED"},
        )

    def refund(self, reference: str, amount: int, idempotency_key: str) -> str:
        body = self._call(
            Coded("payments.doing.refund"),
            self.client().refund,
            out_refund_no=refund_no(reference),
            out_trade_no=reference,
            amount={"refund": amount, "total": amount, "currency": "CNY"},
            reason="点点订单退款 Diandian order refunded",
        )
        if body.get("status") not in ("SUCCESS", "PROCESSING"):
            raise ProviderError(
                "payments.wechatpay_refund_status", params={"status": body.get("status")}
            )
        return str(body["refund_id"])

    def fetch_refund(self, out_refund_no: str) -> RemoteRefund | None:
        """WeChat Pay's record of a refund; None if it has none by that number."""
        body = self._call(
            Coded("payments.doing.query_refund"),
            self.client().query_refund,
            out_refund_no=out_refund_no,
            ignore={"RESOURCE_NOT_EXISTS"},
        )
        if not body:
            return None
        amount = body.get("amount") or {}
        return RemoteRefund(
            reference=str(body.get("out_trade_no", "")),
            refund_id=str(body.get("refund_id", "")),
            status=body.get("status", "PROCESSING"),
            amount=int(amount.get("refund", 0)),
            total=int(amount.get("total", 0)),
            currency=str(amount.get("currency", "CNY")),
        )

    def instructions(
        self, order_id: str, reference: str | None, client_secret: str | None
    ) -> dict[str, Any]:
        """JSAPI: `pay_request` for `WeixinJSBridge.invoke("getBrandWCPayRequest", …)`, signed
        now; H5: `h5_url` to open (valid five minutes from the start); Native: `code_url` to
        show as a QR code."""
        channel, _, value = (client_secret or "").partition(":")
        if channel == "jsapi":
            return {"channel": channel, "pay_request": self.pay_request(value)}
        if channel in _ANSWER:
            return {"channel": channel, _ANSWER[channel]: value}
        return {}

    def pay_request(self, prepay_id: str) -> dict[str, str]:
        """The JSAPI parameters, signed with the merchant key over
        `appId\\ntimeStamp\\nnonceStr\\npackage\\n`."""
        appid, stamp, nonce = self.settings.appid, str(int(time.time())), secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        signed = rsa_sign(self._key, "\n".join([appid, stamp, nonce, package]) + "\n")
        return {
            "appId": appid,
            "timeStamp": stamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": signed,
        }

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> WebhookEvent:
        note = self.read_notification(payload, headers)
        return WebhookEvent(note.id, note.type, note.reference)

    def read_notification(
        self, payload: bytes, headers: Mapping[str, str], now: float | None = None
    ) -> Notification:
        """Verify a notification and decrypt its resource; InvalidWebhook if anything fails."""
        given = {k.lower(): v for k, v in headers.items()}
        wanted = {h: given.get(f"wechatpay-{h}", "") for h in _HEADERS}
        if not all(wanted[h] for h in _HEADERS[:4]):
            raise InvalidWebhook("payments.wechatpay_headers_needed")
        self._check_fresh(wanted["timestamp"], now)
        if len(wanted["nonce"]) > 64:
            raise InvalidWebhook("payments.wechatpay_nonce_too_long")
        known = self.settings.public_key_id
        if known is not None and wanted["serial"] != known:
            raise InvalidWebhook("payments.wechatpay_unknown_serial")
        try:
            data = self.client().callback({f"wechatpay-{h}": v for h, v in wanted.items()}, payload)
        except (ProviderError, requests.RequestException) as exc:  # certificates unreachable
            verifying = Coded("payments.doing.verify_notification")
            raise ProviderError(
                "payments.wechatpay_unreachable", params={"doing": verifying}
            ) from exc
        except Exception:  # the SDK raises bare Exceptions (an unknown algorithm, a bad serial)
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("resource"), dict):
            raise InvalidWebhook("payments.wechatpay_bad_signature")
        return self._notification(data, wanted["nonce"])

    # -- helpers -----------------------------------------------------------------------------

    def _notification(self, data: dict[str, Any], nonce: str) -> Notification:
        resource: dict[str, Any] = data["resource"]
        if str(resource.get("mchid", "")) != self.settings.mchid:
            raise InvalidWebhook("payments.another_merchant")
        event_id, kind = str(data.get("id", "")), str(data.get("event_type", ""))
        if not event_id or not kind or len(event_id) > 100:
            raise InvalidWebhook("payments.wechatpay_notification_incomplete")
        reference = resource.get("out_trade_no")
        out_refund_no = resource.get("out_refund_no")
        return Notification(
            id=event_id,
            type=kind,
            nonce=nonce,
            reference=str(reference) if reference else None,
            refund_no=str(out_refund_no) if out_refund_no else None,
        )

    @staticmethod
    def _check_fresh(timestamp: str, now: float | None) -> None:
        try:
            sent = int(timestamp)
        except ValueError:
            raise InvalidWebhook("payments.wechatpay_timestamp_not_a_number") from None
        if abs((time.time() if now is None else now) - sent) > TOLERANCE_S:
            raise InvalidWebhook("payments.wechatpay_timestamp_stale")

    def _call(
        self,
        doing: Coded,
        fn: Callable[..., tuple[int, Any]],
        *,
        ignore: frozenset[str] | set[str] = frozenset(),
        **params: Any,
    ) -> dict[str, Any]:
        """Call the SDK; a refusal becomes a 502 problem unless its code is in `ignore` (then
        the answer is empty)."""
        with _translated(doing):
            code, text = fn(**params)
        body = _json(text)
        if 200 <= code < 300:
            return body
        if body.get("code") in ignore:
            return {}
        log.warning("WeChat Pay refused %s: %s %s", doing, code, body)
        said = body.get("message") or body.get("code")
        raise ProviderError("payments.wechatpay_refused", params={"doing": doing, "said": said})


def _json(text: Any) -> dict[str, Any]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _clip(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, cut between characters."""
    return text.encode()[:limit].decode("utf-8", "ignore")


class _translated:
    """The SDK's failures (network, an answer whose signature does not verify) as a 502."""

    def __init__(self, doing: Coded) -> None:
        self.doing = doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is None or isinstance(exc, ProviderError | ConfigError):
            return
        if isinstance(exc, requests.RequestException):
            raise ProviderError(
                "payments.wechatpay_unreachable", params={"doing": self.doing}
            ) from exc
        if isinstance(exc, Exception):
            log.warning("WeChat Pay SDK failed %s: %s", self.doing, exc)
            raise ProviderError(
                "payments.wechatpay_refused", params={"doing": self.doing, "said": str(exc)}
            ) from exc
