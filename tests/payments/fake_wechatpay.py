"""A small in-process fake of WeChat Pay's API v3, for driving the real ``wechatpayv3`` SDK.

It checks every request's ``Authorization`` (the merchant's RSA signature over
``method\\npath\\ntimestamp\\nnonce\\nbody\\n``) and signs every answer with the platform key, the
way WeChat Pay does, so the SDK verifies it. Endpoints::

    POST /v3/pay/transactions/{jsapi,h5,native}
    GET  /v3/pay/transactions/out-trade-no/{no}?mchid=…
    POST /v3/pay/transactions/out-trade-no/{no}/close
    POST /v3/refund/domestic/refunds        GET /v3/refund/domestic/refunds/{no}
    GET  /v3/certificates                   (the platform certificate, encrypted)

Test controls play the payer and the merchant console (``pay``, ``fail``, ``console_refund``)
and make notifications signed and encrypted as WeChat Pay sends them (``notification``).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from werkzeug.wrappers import Request, Response

from tests.payments.serving import LocalServer

Obj = dict[str, Any]
AUTH = re.compile(r'(\w+)="([^"]*)"')


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign(key: rsa.RSAPrivateKey, text: str) -> str:
    raw = key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode()


def encrypt(api_v3_key: str, plaintext: str, associated_data: str) -> Obj:
    """A resource encrypted as WeChat Pay does (AEAD_AES_256_GCM, a 12-character nonce)."""
    nonce = secrets.token_hex(6)
    sealed = AESGCM(api_v3_key.encode()).encrypt(
        nonce.encode(), plaintext.encode(), associated_data.encode()
    )
    return {
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(sealed).decode(),
        "associated_data": associated_data,
        "nonce": nonce,
    }


def certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    """A platform certificate for `key` (self-signed; the SDK reads only its key and dates)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA (fake)")])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # with the query string
    body: Obj


class FakeError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class FakeWechatPay(LocalServer):
    """The fake server and its controls. Thread-safe."""

    mchid: str
    appid: str
    api_v3_key: str
    merchant_key: rsa.RSAPublicKey
    platform_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    public_key_id: str = "PUB_KEY_ID_0000000000000000000000000000000001"
    requests: list[Recorded] = field(default_factory=list)
    transactions: dict[str, Obj] = field(default_factory=dict)
    refunds: dict[str, Obj] = field(default_factory=dict)
    refund_status: str = "PROCESSING"  # what a refund asked through the API starts as
    signing_serial: str | None = None  # answers signed under this serial (default: key id)

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._fail_next: list[int] = []
        self.platform_certificate = certificate(self.platform_key)
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Obj | None]]] = [
            ("POST", re.compile(r"/v3/pay/transactions/(jsapi|h5|native)"), self._create),
            ("GET", re.compile(r"/v3/pay/transactions/out-trade-no/([^/]+)"), self._query),
            ("POST", re.compile(r"/v3/pay/transactions/out-trade-no/([^/]+)/close"), self._close),
            ("POST", re.compile(r"/v3/refund/domestic/refunds"), self._refund),
            ("GET", re.compile(r"/v3/refund/domestic/refunds/([^/]+)"), self._query_refund),
            ("GET", re.compile(r"/v3/certificates"), self._certificates),
        ]

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.origin

    @property
    def certificate_serial(self) -> str:
        return format(self.platform_certificate.serial_number, "X")

    # -- controls ----------------------------------------------------------------------------

    def pay(self, out_trade_no: str, openid: str = "o_payer") -> Obj:
        """The payer pays: SUCCESS, with a transaction id."""
        with self._lock:
            trade = self.transactions[out_trade_no]
            assert trade["trade_state"] in ("NOTPAY", "PAYERROR"), trade["trade_state"]
            trade.update(
                trade_state="SUCCESS",
                trade_state_desc="支付成功",
                transaction_id=f"4200{secrets.randbelow(10**24):024d}",
                success_time=_now(),
                bank_type="OTHERS",
                payer={"openid": openid},
            )
            trade["amount"].update(payer_total=trade["amount"]["total"], payer_currency="CNY")
            return json.loads(json.dumps(trade))

    def fail(self, out_trade_no: str, desc: str = "支付失败，请重新下单支付") -> None:
        with self._lock:
            self.transactions[out_trade_no].update(trade_state="PAYERROR", trade_state_desc=desc)

    def console_refund(self, out_trade_no: str, status: str = "SUCCESS") -> Obj:
        """A refund made in the merchant console (its own out_refund_no)."""
        with self._lock:
            trade = self.transactions[out_trade_no]
            total = trade["amount"]["total"]
            body = {
                "out_trade_no": out_trade_no,
                "out_refund_no": f"console{secrets.token_hex(8)}",
                "amount": {"refund": total, "total": total, "currency": "CNY"},
            }
            refund = self._make_refund(body)
            refund["status"] = status
            return json.loads(json.dumps(refund))

    def settle_refund(self, out_refund_no: str, status: str = "SUCCESS") -> Obj:
        """A refund asked through the API reaches the payer (or fails)."""
        with self._lock:
            self.refunds[out_refund_no]["status"] = status
            return json.loads(json.dumps(self.refunds[out_refund_no]))

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def fail_next(self, n: int = 1, status: int = 500) -> None:
        with self._lock:
            self._fail_next.extend([status] * n)

    def notification(
        self,
        event_type: str,
        resource: Obj,
        *,
        event_id: str | None = None,
        nonce: str | None = None,
        timestamp: int | None = None,
        key: rsa.RSAPrivateKey | None = None,
        api_v3_key: str | None = None,
        serial: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """A notification body and headers, encrypted and signed as WeChat Pay sends them
        (the overrides forge, age or replay one)."""
        original = "refund" if event_type.startswith("REFUND.") else "transaction"
        body = json.dumps(
            {
                "id": event_id or str(uuid.uuid4()),
                "create_time": _now(),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功" if original == "transaction" else "退款状态变更",
                "resource": {
                    "original_type": original,
                    **encrypt(
                        api_v3_key or self.api_v3_key,
                        json.dumps(resource, ensure_ascii=False),
                        original,
                    ),
                },
            },
            ensure_ascii=False,
        )
        return body.encode(), self._signed_headers(
            body, key=key, nonce=nonce, timestamp=timestamp, serial=serial
        )

    def refund_resource(self, refund: Obj) -> Obj:
        """A refund notification's resource, from a refund record."""
        return {
            "mchid": self.mchid,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": refund["transaction_id"],
            "out_refund_no": refund["out_refund_no"],
            "refund_id": refund["refund_id"],
            "refund_status": refund["status"],
            "success_time": _now(),
            "user_received_account": "支付用户零钱",
            "amount": {
                k: refund["amount"][k] for k in ("total", "refund", "payer_total", "payer_refund")
            },
        }

    # -- HTTP --------------------------------------------------------------------------------

    def _signed_headers(
        self,
        body: str,
        *,
        key: rsa.RSAPrivateKey | None = None,
        nonce: str | None = None,
        timestamp: int | None = None,
        serial: str | None = None,
    ) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(16).upper()
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": sign(key or self.platform_key, f"{stamp}\n{nonce}\n{body}\n"),
            "Wechatpay-Serial": serial or self.signing_serial or self.public_key_id,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Content-Type": "application/json",
        }

    def _wsgi(self, environ: Obj, start_response: Any) -> Any:
        request = Request(environ)
        raw = request.get_data(as_text=True)
        path = request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
        with self._lock:
            body = json.loads(raw) if raw else {}
            self.requests.append(Recorded(request.method, path, body))
            status, answer = self._handle(request, path, raw, body)
        text = "" if answer is None else json.dumps(answer, ensure_ascii=False)
        headers = self._signed_headers(text) if 200 <= status < 300 else {}
        if answer is None:
            headers.pop("Content-Type", None)
        resp = Response(text, status=status, headers=headers)
        if answer is not None:
            resp.content_type = "application/json; charset=utf-8"
        return resp(environ, start_response)

    def _handle(self, request: Request, path: str, raw: str, body: Obj) -> tuple[int, Obj | None]:
        if self._fail_next:
            return self._fail_next.pop(0), {"code": "SYSTEM_ERROR", "message": "系统错误"}
        try:
            self._authenticate(request.method, path, raw, request.headers.get("Authorization"))
            for method, pattern, handler in self._routes:
                found = pattern.fullmatch(request.path)
                if found and method == request.method:
                    answer = handler(body, *found.groups())
                    return (204 if answer is None else 200), answer
            raise FakeError(404, "NOT_FOUND", f"no {request.method} {request.path}")
        except FakeError as err:
            return err.status, {"code": err.code, "message": err.message}

    def _authenticate(self, method: str, path: str, raw: str, header: str | None) -> None:
        scheme, _, rest = (header or "").partition(" ")
        parts = dict(AUTH.findall(rest))
        if scheme != "WECHATPAY2-SHA256-RSA2048" or parts.get("mchid") != self.mchid:
            raise FakeError(401, "SIGN_ERROR", "Authorization 格式或商户号错误")
        signed = f"{method}\n{path}\n{parts['timestamp']}\n{parts['nonce_str']}\n{raw}\n"
        try:
            self.merchant_key.verify(
                base64.b64decode(parts["signature"]),
                signed.encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception:
            raise FakeError(401, "SIGN_ERROR", "签名错误") from None

    # -- endpoints (the lock is held) --------------------------------------------------------

    def _create(self, body: Obj, kind: str) -> Obj:
        if (body.get("mchid"), body.get("appid")) != (self.mchid, self.appid):
            raise FakeError(400, "PARAM_ERROR", "mchid 或 appid 错误")
        amount = body.get("amount") or {}
        if not isinstance(amount.get("total"), int) or amount["total"] < 1:
            raise FakeError(400, "PARAM_ERROR", "amount.total 须为正整数（分）")
        if amount.get("currency", "CNY") != "CNY" or not body.get("notify_url"):
            raise FakeError(400, "PARAM_ERROR", "币种或 notify_url 错误")
        if kind == "jsapi" and not (body.get("payer") or {}).get("openid"):
            raise FakeError(400, "PARAM_ERROR", "JSAPI 须有 payer.openid")
        if kind == "h5" and not (body.get("scene_info") or {}).get("payer_client_ip"):
            raise FakeError(400, "PARAM_ERROR", "H5 须有 scene_info.payer_client_ip")
        no = body["out_trade_no"]
        if no in self.transactions and self.transactions[no]["trade_state"] != "NOTPAY":
            raise FakeError(400, "ORDERPAID", "该订单已支付或已关闭")
        self.transactions[no] = {
            "appid": self.appid,
            "mchid": self.mchid,
            "out_trade_no": no,
            "trade_type": kind.upper(),
            "trade_state": "NOTPAY",
            "trade_state_desc": "未支付",
            "description": body["description"],
            "notify_url": body["notify_url"],
            "amount": {"total": amount["total"], "currency": "CNY"},
        }
        prepay = f"wx{secrets.token_hex(16)}"
        if kind == "jsapi":
            return {"prepay_id": prepay}
        if kind == "h5":
            return {
                "h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?"
                f"prepay_id={prepay}&package=1037687096"
            }
        return {"code_url": f"weixin://wxpay/bizpayurl?pr={secrets.token_urlsafe(6)}"}

    def _trade(self, no: str) -> Obj:
        if no not in self.transactions:
            raise FakeError(404, "ORDER_NOT_EXIST", "订单不存在")
        return self.transactions[no]

    def _query(self, body: Obj, no: str) -> Obj:
        trade = self._trade(no)
        return {k: v for k, v in trade.items() if k not in ("description", "notify_url")}

    def _close(self, body: Obj, no: str) -> None:
        trade = self._trade(no)
        if trade["trade_state"] in ("SUCCESS", "REFUND"):
            raise FakeError(400, "ORDERPAID", "订单已支付")
        trade.update(trade_state="CLOSED", trade_state_desc="已关闭")

    def _refund(self, body: Obj) -> Obj:
        if body.get("out_refund_no") in self.refunds:  # the same refund, asked again
            return self.refunds[body["out_refund_no"]]
        refund = self._make_refund(body)
        return refund

    def _make_refund(self, body: Obj) -> Obj:
        trade = self._trade(body.get("out_trade_no", ""))
        if trade["trade_state"] not in ("SUCCESS", "REFUND"):
            raise FakeError(400, "TRADE_NOT_PAID", "订单未支付")
        amount = body.get("amount") or {}
        done = sum(
            r["amount"]["refund"]
            for r in self.refunds.values()
            if r["out_trade_no"] == trade["out_trade_no"] and r["status"] != "CLOSED"
        )
        if amount.get("total") != trade["amount"]["total"]:
            raise FakeError(400, "PARAM_ERROR", "订单金额与原订单不符")
        if not 0 < amount.get("refund", 0) <= trade["amount"]["total"] - done:
            raise FakeError(400, "NOT_ENOUGH", "退款金额超过可退金额")
        refund = {
            "refund_id": f"5030{secrets.randbelow(10**24):024d}",
            "out_refund_no": body["out_refund_no"],
            "transaction_id": trade["transaction_id"],
            "out_trade_no": trade["out_trade_no"],
            "channel": "ORIGINAL",
            "user_received_account": "支付用户零钱",
            "create_time": _now(),
            "status": self.refund_status,
            "amount": {
                "total": trade["amount"]["total"],
                "refund": amount["refund"],
                "payer_total": trade["amount"]["total"],
                "payer_refund": amount["refund"],
                "currency": "CNY",
            },
        }
        self.refunds[refund["out_refund_no"]] = refund
        trade.update(trade_state="REFUND", trade_state_desc="转入退款")
        return refund

    def _query_refund(self, body: Obj, no: str) -> Obj:
        if no not in self.refunds:
            raise FakeError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return self.refunds[no]

    def _certificates(self, body: Obj) -> Obj:
        cert = self.platform_certificate
        text = cert.public_bytes(serialization.Encoding.PEM).decode()
        return {
            "data": [
                {
                    "serial_no": self.certificate_serial,
                    "effective_time": _iso(cert.not_valid_before_utc),
                    "expire_time": _iso(cert.not_valid_after_utc),
                    "encrypt_certificate": encrypt(self.api_v3_key, text, "certificate"),
                }
            ]
        }


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _now() -> str:
    return _iso(datetime.now(UTC))
