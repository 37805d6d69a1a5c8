"""A small in-process fake of the Stripe HTTP API, for driving the real ``stripe`` SDK in tests.

Only these endpoints exist; anything else answers 404 in Stripe's error shape::

    POST /v1/payment_intents               GET /v1/payment_intents/{id}
    POST /v1/payment_intents/{id}/cancel   POST /v1/refunds
    GET  /v1/charges/{id}

Usage::

    with FakeStripe() as fake:
        client = stripe.StripeClient(
            "sk_test_x", base_addresses={"api": fake.url}, max_network_retries=0
        )
        pi = client.v1.payment_intents.create(params={"amount": 100, "currency": "cny"})
        fake.succeed(pi.id)

Bodies are form-encoded with bracket nesting (``metadata[k]=v``, ``types[0]=card``) and are
decoded to nested dicts/lists of strings; only ``amount`` is converted to ``int``.
POSTs honour ``Idempotency-Key`` like Stripe: a replay returns the stored status and body,
and reusing a key with other parameters is an ``idempotency_error``. Results of missing or
invalid parameters, failed authentication, unknown URLs and ``fail_next`` are not stored,
so a retry with the same key runs afresh.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request, Response

from tests.payments.serving import LocalServer

__all__ = ["FakeStripe", "FakeStripeError", "RecordedRequest", "decode_form"]

API_VERSION = "2024-06-20"
CANCELABLE = frozenset(
    {
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "requires_capture",
        "processing",
    }
)

Obj = dict[str, Any]


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as the fake received it (``params`` decoded, before any coercion)."""

    method: str
    path: str
    params: Obj
    idempotency_key: str | None


class FakeStripeError(Exception):
    """A Stripe API error: HTTP ``status`` plus the ``{"error": {...}}`` body.

    ``stored`` is False for errors Stripe does not save against an idempotency key.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        error_type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        stored: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.stored = stored
        error: Obj = {"type": error_type, "message": message}
        if code is not None:
            error["code"] = code
        if param is not None:
            error["param"] = param
        self.body: Obj = {"error": error}


def decode_form(pairs: list[tuple[str, str]]) -> Obj:
    """Decode Stripe's bracket-nested form pairs into nested dicts and lists of strings.

    A dict whose keys are exactly ``"0".."n-1"`` becomes a list (``metadata`` excepted).
    """
    root: Obj = {}
    for raw_key, value in pairs:
        head, _, rest = raw_key.partition("[")
        parts = [head] + (re.findall(r"([^\[\]]*)\]", "[" + rest) if rest else [])
        node = root
        for index, part in enumerate(parts):
            key = part or str(sum(1 for k in node if k.isdigit()))  # "a[]" appends
            if index == len(parts) - 1:
                node[key] = value
            else:
                child = node.setdefault(key, {})
                if not isinstance(child, dict):
                    child = node[key] = {}
                node = child
    return _listify(root)


def _listify(value: Any, key: str = "") -> Any:
    if not isinstance(value, dict):
        return value
    items = {k: _listify(v, k) for k, v in value.items()}
    if key != "metadata" and items and set(items) == {str(i) for i in range(len(items))}:
        return [items[str(i)] for i in range(len(items))]
    return items


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def _missing(kind: str, object_id: str, param: str) -> FakeStripeError:
    return FakeStripeError(
        404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


def _amount(value: Any, param: str = "amount") -> int:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        raise FakeStripeError(
            400,
            f"Invalid integer: {value}",
            code="parameter_invalid_integer",
            param=param,
            stored=False,
        ) from None
    if amount < 1:
        raise FakeStripeError(
            400,
            "This value must be greater than or equal to 1.",
            code="parameter_invalid_integer",
            param=param,
            stored=False,
        )
    return amount


@dataclass(frozen=True)
class _Stored:
    endpoint: str
    params: Obj
    status: int
    body: str


class FakeStripe(LocalServer):
    """The fake Stripe server plus plain-Python test controls. Thread-safe."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.latency: float = 0.0
        self._lock = threading.RLock()
        self._intents: dict[str, Obj] = {}
        self._charges: dict[str, Obj] = {}
        self._refunds: dict[str, Obj] = {}
        self._idempotency: dict[str, _Stored] = {}
        self._fail_next: list[int] = []
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Obj]]] = [
            ("POST", re.compile(r"/v1/payment_intents"), self._create_intent),
            ("GET", re.compile(r"/v1/payment_intents/([^/]+)"), self._get_intent),
            ("POST", re.compile(r"/v1/payment_intents/([^/]+)/cancel"), self._cancel_intent),
            ("POST", re.compile(r"/v1/refunds"), self._create_refund),
            ("GET", re.compile(r"/v1/charges/([^/]+)"), self._get_charge),
        ]

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``; pass as ``base_addresses={"api": url}``."""
        return self.origin

    # -- test controls -----------------------------------------------------------------------

    def payment_intent(self, pi_id: str) -> Obj:
        """The live stored PaymentIntent dict (edits show through the API). KeyError if unknown."""
        return self._intents[pi_id]

    def charge(self, ch_id: str) -> Obj:
        """The live stored Charge dict. KeyError if unknown."""
        return self._charges[ch_id]

    def succeed(self, pi_id: str) -> Obj:
        """Simulate a successful payment: status ``succeeded`` and a new charge."""
        with self._lock:
            pi = self._intents[pi_id]
            if pi["status"] in {"succeeded", "canceled"}:
                raise self._unexpected_state(pi, "confirm")
            charge = {
                "id": _new_id("ch"),
                "object": "charge",
                "amount": pi["amount"],
                "amount_refunded": 0,
                "refunded": False,
                "payment_intent": pi_id,
                "currency": pi["currency"],
                "status": "succeeded",
                "created": int(time.time()),
                "livemode": False,
            }
            self._charges[charge["id"]] = charge
            pi.update(
                status="succeeded",
                amount_received=pi["amount"],
                latest_charge=charge["id"],
                last_payment_error=None,
            )
            return pi

    def fail(self, pi_id: str, message: str = "Your card was declined.") -> Obj:
        """Simulate a declined attempt: back to ``requires_payment_method`` with an error."""
        with self._lock:
            pi = self._intents[pi_id]
            if pi["status"] in {"succeeded", "canceled"}:
                raise self._unexpected_state(pi, "confirm")
            pi.update(
                status="requires_payment_method",
                last_payment_error={
                    "code": "card_declined",
                    "message": message,
                    "type": "card_error",
                },
            )
            return pi

    def refund(self, pi_id: str, amount: int | None = None) -> Obj:
        """Simulate a dashboard refund; returns the charge. Raises FakeStripeError like the API."""
        with self._lock:
            pi = self._intents[pi_id]
            refund = self._refund(pi, None if amount is None else _amount(amount), {})
            return self._charges[refund["charge"]]

    def event(
        self, type: str, obj: Obj, *, event_id: str | None = None, created: int | None = None
    ) -> Obj:
        """A Stripe Event dict wrapping a snapshot (deep copy) of ``obj``."""
        return {
            "id": event_id or _new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()) if created is None else created,
            "livemode": False,
            "type": type,
            "data": {"object": copy.deepcopy(obj)},
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
        }

    def fail_next(self, n: int = 1, status: int = 500) -> None:
        """Answer the next ``n`` HTTP requests with ``status`` and an ``api_error`` body."""
        with self._lock:
            self._fail_next.extend([status] * n)

    # -- HTTP --------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data(as_text=True) if request.method == "POST" else ""
        query = request.query_string.decode("latin-1")
        params = decode_form(parse_qsl(body or query, keep_blank_values=True))
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        with self._lock:
            self.requests.append(RecordedRequest(request.method, request.path, params, key))
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            status, payload, replayed = self._handle(request, params, key)
        response = Response(payload, status=status, content_type="application/json")
        response.headers["Request-Id"] = f"req_{secrets.token_hex(7)}"
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response(environ, start_response)

    def _handle(self, request: Request, params: Obj, key: str | None) -> tuple[int, str, bool]:
        """Return (status, JSON body, replayed). Caller holds the lock."""
        if self._fail_next:
            status = self._fail_next.pop(0)
            error = FakeStripeError(
                status,
                "An unknown error occurred (injected by FakeStripe).",
                error_type="api_error",
            )
            return status, json.dumps(error.body), False
        endpoint = f"{request.method} {request.path}"
        try:
            self._authenticate(request.headers.get("Authorization", ""))
            handler, args = self._route(request.method, request.path)
            if key is not None and key in self._idempotency:
                stored = self._idempotency[key]
                if stored.endpoint != endpoint or stored.params != params:
                    raise FakeStripeError(
                        400,
                        f"Keys for idempotent requests can only be used with the same "
                        f"parameters and endpoint they were first used with "
                        f"({stored.endpoint}). Try using a key other than '{key}' "
                        f"if you meant to execute a different request.",
                        error_type="idempotency_error",
                        stored=False,
                    )
                return stored.status, stored.body, True
            status, payload = 200, json.dumps(handler(params, *args))
        except FakeStripeError as error:
            status, payload = error.status, json.dumps(error.body)
            if not error.stored:
                return status, payload, False
        if key is not None:
            self._idempotency[key] = _Stored(endpoint, copy.deepcopy(params), status, payload)
        return status, payload, False

    def _authenticate(self, authorization: str) -> None:
        scheme, _, api_key = authorization.partition(" ")
        if not authorization:
            message = "You did not provide an API key."
        elif scheme != "Bearer" or not api_key.startswith("sk_test_"):
            message = f"Invalid API Key provided: {api_key[:8]}***"
        else:
            return
        raise FakeStripeError(401, message, stored=False)

    def _route(self, method: str, path: str) -> tuple[Callable[..., Obj], tuple[str, ...]]:
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return handler, match.groups()
        raise FakeStripeError(404, f"Unrecognized request URL ({method}: {path}).", stored=False)

    # -- endpoints (called with the lock held) -----------------------------------------------

    def _create_intent(self, params: Obj) -> Obj:
        for name in ("amount", "currency"):
            if not params.get(name):
                raise FakeStripeError(
                    400,
                    f"Missing required param: {name}.",
                    code="parameter_missing",
                    param=name,
                    stored=False,
                )
        pi_id = _new_id("pi")
        metadata = params.get("metadata")
        allowed = params.get("allowed_payment_method_types")
        pi: Obj = {
            "id": pi_id,
            "object": "payment_intent",
            "amount": _amount(params["amount"]),
            "currency": str(params["currency"]).lower(),
            "status": "requires_payment_method",
            "client_secret": f"{pi_id}_secret_{secrets.token_hex(12)}",
            # SDK 16's typed create params call this ``allowed_payment_method_types``.
            "allowed_payment_method_types": allowed,
            "payment_method_types": params.get("payment_method_types") or allowed or ["card"],
            "payment_method_options": params.get("payment_method_options") or {},
            "metadata": metadata if isinstance(metadata, dict) else {},
            "latest_charge": None,
            "amount_received": 0,
            "last_payment_error": None,
            "canceled_at": None,
            "cancellation_reason": None,
            "created": int(time.time()),
            "livemode": False,
            "description": params.get("description"),
        }
        self._intents[pi_id] = pi
        return pi

    def _get_intent(self, params: Obj, pi_id: str) -> Obj:
        if pi_id not in self._intents:
            raise _missing("payment_intent", pi_id, "intent")
        return self._intents[pi_id]

    def _cancel_intent(self, params: Obj, pi_id: str) -> Obj:
        pi = self._get_intent(params, pi_id)
        if pi["status"] not in CANCELABLE:
            raise self._unexpected_state(pi, "cancel")
        pi.update(
            status="canceled",
            canceled_at=int(time.time()),
            cancellation_reason=params.get("cancellation_reason"),
        )
        return pi

    def _create_refund(self, params: Obj) -> Obj:
        if pi_id := params.get("payment_intent"):
            if pi_id not in self._intents:
                raise _missing("payment_intent", pi_id, "payment_intent")
            pi = self._intents[pi_id]
        elif ch_id := params.get("charge"):
            if ch_id not in self._charges:
                raise _missing("charge", ch_id, "charge")
            pi = self._intents[self._charges[ch_id]["payment_intent"]]
        else:
            raise FakeStripeError(
                400,
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                code="parameter_missing",
                param="payment_intent",
                stored=False,
            )
        amount = _amount(params["amount"]) if "amount" in params else None
        return self._refund(pi, amount, params)

    def _get_charge(self, params: Obj, ch_id: str) -> Obj:
        if ch_id not in self._charges:
            raise _missing("charge", ch_id, "id")
        return self._charges[ch_id]

    def _refund(self, pi: Obj, amount: int | None, params: Obj) -> Obj:
        if pi["status"] != "succeeded" or pi["latest_charge"] is None:
            raise FakeStripeError(
                400,
                f"This PaymentIntent ({pi['id']}) does not have a successful charge to refund.",
                code="payment_intent_unexpected_state",
                param="payment_intent",
            )
        charge = self._charges[pi["latest_charge"]]
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining == 0:
            raise FakeStripeError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = remaining if amount is None else amount
        if amount > remaining:
            raise FakeStripeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({remaining}).",
                code="amount_too_large",
                param="amount",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        metadata = params.get("metadata")
        refund: Obj = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": charge["currency"],
            "status": "succeeded",
            "payment_intent": pi["id"],
            "charge": charge["id"],
            "reason": params.get("reason"),
            "metadata": metadata if isinstance(metadata, dict) else {},
            "created": int(time.time()),
        }
        self._refunds[refund["id"]] = refund
        return refund

    @staticmethod
    def _unexpected_state(pi: Obj, action: str) -> FakeStripeError:
        return FakeStripeError(
            400,
            f"You cannot {action} this PaymentIntent because it has a status of {pi['status']}.",
            code="payment_intent_unexpected_state",
            param="intent" if action == "cancel" else None,
        )
