"""A small in-process fake of Alipay's open-platform gateway (`gateway.do`), for driving the real
``python-alipay-sdk``.

Every request's ``sign`` (RSA2 over its sorted, non-empty parameters but ``sign``) is checked with
the app's public key and its ``timestamp`` must be Beijing time; every answer is signed with the
fake's own "Alipay" key over the exact text of its ``<method>_response`` object, as Alipay does,
so the SDK verifies it. Methods::

    alipay.trade.wap.pay, alipay.trade.page.pay   a browser opening the cashier: the trade is made
    alipay.trade.query, alipay.trade.close, alipay.trade.refund, alipay.trade.fastpay.refund.query

Test controls play the browser, the payer and the merchant console (``open``, ``pay``,
``console_refund``) and make notifications signed as Alipay posts them (``notification``).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import requests as http
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from werkzeug.wrappers import Request, Response

from tests.payments.fake_wechatpay import new_key, sign
from tests.payments.serving import LocalServer

Obj = dict[str, Any]
BEIJING = timezone(timedelta(hours=8))
PRODUCT = {
    "alipay.trade.wap.pay": "QUICK_WAP_WAY",
    "alipay.trade.page.pay": "FAST_INSTANT_TRADE_PAY",
}


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def to_fen(amount: str) -> int:
    value = Decimal(amount) * 100
    if value != value.to_integral_value() or value <= 0:
        raise FakeError("ACQ.INVALID_PARAMETER", f"金额格式错误 {amount}")
    return int(value)


def signed_text(params: Obj, *, skip: tuple[str, ...]) -> str:
    """What Alipay signs: `k=v` of the parameters, sorted, joined with `&`."""
    items = sorted((k, str(v)) for k, v in params.items() if k not in skip and v != "")
    return "&".join(f"{k}={v}" for k, v in items)


def beijing_now() -> str:
    return datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Recorded:
    method: str  # Alipay's: alipay.trade.query, …
    params: Obj  # the public parameters
    biz: Obj  # biz_content, decoded


class FakeError(Exception):
    def __init__(self, sub_code: str, sub_msg: str, code: str = "40004") -> None:
        super().__init__(sub_msg)
        self.code, self.sub_code, self.sub_msg = code, sub_code, sub_msg


@dataclass
class FakeAlipay(LocalServer):
    """The fake gateway and its controls. Thread-safe."""

    app_id: str
    app_key: rsa.RSAPublicKey
    seller_id: str = "2088102147948060"
    alipay_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    requests: list[Recorded] = field(default_factory=list)
    trades: dict[str, Obj] = field(default_factory=dict)
    refunds: dict[str, Obj] = field(default_factory=dict)  # by out_request_no

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._fail_next: list[int] = []
        self._api = {
            "alipay.trade.query": self._query,
            "alipay.trade.close": self._close,
            "alipay.trade.refund": self._refund,
            "alipay.trade.fastpay.refund.query": self._refund_query,
        }

    @property
    def url(self) -> str:
        return self.origin + "/gateway.do"

    # -- controls ----------------------------------------------------------------------------

    def open(self, url: str) -> http.Response:
        """A browser opening a pay URL: Alipay's cashier, where the trade is made."""
        assert url.startswith(self.url + "?"), url
        return http.get(url, timeout=5)

    def pay(self, out_trade_no: str) -> Obj:
        """The payer pays: TRADE_SUCCESS, with a trade number."""
        with self._lock:
            trade = self.trades[out_trade_no]
            assert trade["trade_status"] == "WAIT_BUYER_PAY", trade["trade_status"]
            trade.update(
                trade_status="TRADE_SUCCESS",
                trade_no=f"2026{secrets.randbelow(10**24):024d}",
                gmt_payment=beijing_now(),
                buyer_id="2088102177846880",
            )
            return dict(trade)

    def console_refund(self, out_trade_no: str, fen: int | None = None) -> Obj:
        """A refund made in the merchant console (its own out_request_no); all by default."""
        with self._lock:
            trade = self.trades[out_trade_no]
            amount = trade["total"] if fen is None else fen
            return dict(self._make_refund(trade, f"console{secrets.token_hex(6)}", amount))

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method]

    def fail_next(self, n: int = 1, status: int = 502) -> None:
        with self._lock:
            self._fail_next.extend([status] * n)

    def notification(
        self,
        out_trade_no: str,
        /,
        *,
        key: rsa.RSAPrivateKey | None = None,
        refund: Obj | None = None,
        **overrides: str,
    ) -> bytes:
        """A notification's form body, signed as Alipay posts it (the overrides forge or alter
        it before it is signed; `refund` makes it tell of that refund)."""
        with self._lock:
            trade = self.trades.get(out_trade_no) or {"out_trade_no": out_trade_no, "total": 0}
            params: Obj = {
                "notify_time": beijing_now(),
                "notify_type": "trade_status_sync",
                "notify_id": uuid.uuid4().hex + "0",
                "app_id": self.app_id,
                "charset": "utf-8",
                "version": "1.0",
                "sign_type": "RSA2",
                "trade_no": trade.get("trade_no", ""),
                "out_trade_no": out_trade_no,
                "buyer_id": trade.get("buyer_id", ""),
                "seller_id": self.seller_id,
                "trade_status": trade.get("trade_status", "WAIT_BUYER_PAY"),
                "total_amount": yuan(trade["total"]),
                "receipt_amount": yuan(trade["total"]),
                "buyer_pay_amount": yuan(trade["total"]),
                "subject": trade.get("subject", ""),
                "gmt_create": trade.get("gmt_create", beijing_now()),
                "gmt_payment": trade.get("gmt_payment", ""),
            }
            if refund is not None:
                params.update(
                    out_biz_no=refund["out_request_no"],
                    refund_fee=yuan(trade["refunded"]),
                    gmt_refund=beijing_now() + ".000",
                )
        params = {k: v for k, v in {**params, **overrides}.items() if v != ""}
        text = signed_text(params, skip=("sign", "sign_type"))
        params["sign"] = sign(key or self.alipay_key, text)
        return urlencode(params).encode()

    # -- HTTP --------------------------------------------------------------------------------

    def _wsgi(self, environ: Obj, start_response: Any) -> Any:
        request = Request(environ)
        params = {**request.args.to_dict(), **request.form.to_dict()}
        method = params.get("method", "")
        with self._lock:
            resp = self._handle(method, params)
        return resp(environ, start_response)

    def _handle(self, method: str, params: Obj) -> Response:
        if self._fail_next:
            return Response("Bad Gateway", status=self._fail_next.pop(0))
        answer_key = method.replace(".", "_") + "_response"
        try:
            biz = self._authenticate(params)
            self.requests.append(Recorded(method, params, biz))
            if method in PRODUCT:
                return self._cashier(method, params, biz)
            if method not in self._api:
                raise FakeError("isv.invalid-method", "不存在的方法名", code="40002")
            body = {"code": "10000", "msg": "Success", **self._api[method](biz)}
        except FakeError as err:
            if method in PRODUCT:  # the cashier shows the error to the payer
                return Response(f"{err.sub_code} {err.sub_msg}", status=400)
            body = {"code": err.code, "msg": "Failed", "sub_code": err.sub_code}
            body["sub_msg"] = err.sub_msg
            if err.code == "40002":  # refused before Alipay acts: unsigned, as Alipay answers
                text = json.dumps({answer_key: body}, ensure_ascii=False)
                return Response(text, content_type="text/html;charset=utf-8")
        return Response(self._signed(answer_key, body), content_type="text/html;charset=utf-8")

    def _signed(self, answer_key: str, body: Obj) -> str:
        inner = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        signature = sign(self.alipay_key, inner)
        return f'{{"{answer_key}":{inner},"sign":"{signature}"}}'

    def _authenticate(self, params: Obj) -> Obj:
        if params.get("app_id") != self.app_id:
            raise FakeError("isv.invalid-app-id", "无效的AppID参数", code="40002")
        if params.get("sign_type") != "RSA2" or params.get("charset") != "utf-8":
            raise FakeError("isv.invalid-signature-type", "签名类型或字符集错误", code="40002")
        try:
            self.app_key.verify(
                base64.b64decode(params.get("sign", "")),
                signed_text(params, skip=("sign",)).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception:
            raise FakeError("isv.invalid-signature", "验签出错", code="40002") from None
        stamp = params.get("timestamp", "") + " +0800"  # Alipay's clock is Beijing's
        sent = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S %z")
        if abs(sent - datetime.now(BEIJING)) > timedelta(minutes=10):
            raise FakeError("isv.invalid-timestamp", "非法的时间戳参数", code="40002")
        biz: Obj = json.loads(params.get("biz_content") or "{}")
        return biz

    # -- methods (the lock is held) ----------------------------------------------------------

    def _cashier(self, method: str, params: Obj, biz: Obj) -> Response:
        """The cashier page: the trade is made (or, opened again, must be the same one)."""
        no, total = biz.get("out_trade_no", ""), to_fen(str(biz.get("total_amount", "")))
        if biz.get("product_code") != PRODUCT[method] or not params.get("notify_url"):
            raise FakeError("ACQ.INVALID_PARAMETER", "product_code 或 notify_url 错误")
        if method.endswith("wap.pay") and not biz.get("quit_url"):
            raise FakeError("ACQ.INVALID_PARAMETER", "quit_url 不能为空")
        expires = biz.get("time_expire")
        if expires and expires < beijing_now():
            raise FakeError("ACQ.TRADE_HAS_CLOSE", "交易已关闭")
        trade = self.trades.get(no)
        if trade is not None and (trade["total"], trade["subject"]) != (total, biz["subject"]):
            raise FakeError("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改")
        if trade is None:
            self.trades[no] = {
                "out_trade_no": no,
                "trade_status": "WAIT_BUYER_PAY",
                "total": total,
                "refunded": 0,
                "subject": biz["subject"],
                "gmt_create": beijing_now(),
                "method": method,
                "notify_url": params["notify_url"],
                "return_url": params.get("return_url", ""),
                "time_expire": expires,
            }
        return Response("<html><body>支付宝收银台</body></html>", content_type="text/html")

    def _trade(self, biz: Obj) -> Obj:
        if biz.get("out_trade_no") not in self.trades:
            raise FakeError("ACQ.TRADE_NOT_EXIST", "交易不存在")
        return self.trades[biz["out_trade_no"]]

    def _query(self, biz: Obj) -> Obj:
        trade = self._trade(biz)
        answer = {
            "out_trade_no": trade["out_trade_no"],
            "trade_status": trade["trade_status"],
            "total_amount": yuan(trade["total"]),
            "buyer_logon_id": "csq***@sandbox.com",
        }
        if "trade_no" in trade:
            answer.update(
                trade_no=trade["trade_no"],
                buyer_pay_amount=yuan(trade["total"]),
                receipt_amount=yuan(trade["total"]),
                send_pay_date=trade["gmt_payment"],
            )
        return answer

    def _close(self, biz: Obj) -> Obj:
        trade = self._trade(biz)
        if trade["trade_status"] != "WAIT_BUYER_PAY":
            raise FakeError("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
        trade["trade_status"] = "TRADE_CLOSED"
        return {"out_trade_no": trade["out_trade_no"]}

    def _refund(self, biz: Obj) -> Obj:
        trade = self._trade(biz)
        number = str(biz.get("out_request_no") or trade["out_trade_no"])
        again = number in self.refunds
        if not again:
            self._make_refund(trade, number, to_fen(str(biz.get("refund_amount", ""))))
        return {
            "trade_no": trade["trade_no"],
            "out_trade_no": trade["out_trade_no"],
            "fund_change": "N" if again else "Y",
            "refund_fee": yuan(trade["refunded"]),
        }

    def _make_refund(self, trade: Obj, number: str, amount: int) -> Obj:
        if (
            trade["trade_status"] not in ("TRADE_SUCCESS", "TRADE_CLOSED")
            or "trade_no" not in trade
        ):
            raise FakeError("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
        if not 0 < amount <= trade["total"] - trade["refunded"]:
            raise FakeError("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
        trade["refunded"] += amount
        if trade["refunded"] == trade["total"]:
            trade["trade_status"] = "TRADE_CLOSED"
        refund = {
            "out_request_no": number,
            "out_trade_no": trade["out_trade_no"],
            "trade_no": trade["trade_no"],
            "amount": amount,
        }
        self.refunds[number] = refund
        return refund

    def _refund_query(self, biz: Obj) -> Obj:
        trade = self._trade(biz)
        refund = self.refunds.get(str(biz.get("out_request_no")))
        if refund is None or refund["out_trade_no"] != trade["out_trade_no"]:
            return {}  # Alipay answers a refund it does not know with no refund fields
        return {
            "out_request_no": refund["out_request_no"],
            "out_trade_no": trade["out_trade_no"],
            "trade_no": trade["trade_no"],
            "total_amount": yuan(trade["total"]),
            "refund_amount": yuan(refund["amount"]),
            "refund_status": "REFUND_SUCCESS",
        }
