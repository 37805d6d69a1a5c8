"""One HTTP POST of a webhook: to the address vetted a moment before (the connection is pinned
to it, so DNS cannot change between the check and the connect), no redirects, no proxies from
the environment, and a deadline for the whole attempt that a receiver trickling bytes cannot
stretch. Of the answer only the status and a few bytes are kept."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection

from backend.core.errors import ValidationFailed, field_error
from backend.partners.webhooks import targets

EXCERPT_BYTES = 64  # of the answer, shown in the delivery log: never more
NOT_2XX = "partners.webhooks.attempt_http"
TIMED_OUT = "partners.webhooks.attempt_timeout"
FAILED = "partners.webhooks.attempt_failed"


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code, or an error before one came back. The error is a
    code with its parameters (messages.toml), worded when the log is read."""

    status_code: int | None
    duration_ms: int
    error: str = ""
    excerpt: str = ""
    error_params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def excerpt(raw: bytes | str) -> str:
    """At most EXCERPT_BYTES bytes (UTF-8) of an answer, without control characters."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    shown = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return shown.encode()[:EXCERPT_BYTES].decode("utf-8", "ignore")


class Deadline:
    """The end of one attempt: when it comes, every connection made for the attempt is shut
    down, so a connect, TLS handshake, header or body read blocked on it returns at once,
    however the receiver trickles its bytes. A duplicate of each socket's descriptor is held
    until the attempt ends, so the timer can never shut down a descriptor reused meanwhile."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.passed = False
        self._twins: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def left(self) -> float:
        return max(self.at - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        twin = sock.dup()
        with self._lock:
            self._twins.append(twin)
            if self.passed:
                _shut(twin)

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            for twin in self._twins:
                _shut(twin)

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for twin in self._twins:
                twin.close()
            self._twins.clear()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # closed already
        sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """A connection whose socket its attempt's deadline watches (`deadline` is set by the pool)."""

    deadline: Deadline | None = None

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        if self.deadline is not None:
            self.deadline.watch(sock)
        return sock


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedPool:
    """A pool that hands its attempt's deadline to each connection it makes."""

    deadline: Deadline | None = None

    def _new_conn(self) -> Any:
        conn = super()._new_conn()  # type: ignore[misc]
        conn.deadline = self.deadline
        return conn


class _HTTPPool(_WatchedPool, HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(_WatchedPool, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class PinnedAdapter(HTTPAdapter):
    """Connects to `address`; the Host header, TLS SNI and certificate check keep the URL's
    host name. With a `deadline`, its connections end when it passes."""

    def __init__(self, address: str, deadline: Deadline | None = None) -> None:
        self.address = address
        self.deadline = deadline
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: Any,
        proxies: dict[str, str] | None = None,
        cert: Any = None,
    ) -> HTTPConnectionPool:
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        if host_params["scheme"] == "https":
            name = host_params["host"]
            pool_kwargs = {**pool_kwargs, "server_hostname": name, "assert_hostname": name}
        pool: HTTPConnectionPool = self.poolmanager.connection_from_host(
            **{**host_params, "host": self.address}, pool_kwargs=pool_kwargs
        )
        pool.deadline = self.deadline  # type: ignore[attr-defined]
        return pool


def failure(exc: BaseException) -> str:
    """What went wrong, told by exception types and the system's error text only: never bytes
    the target sent (a status line or header it sent may sit in an exception's message)."""
    names: list[str] = []
    reason = ""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if not names or names[-1] != type(e).__name__:
            names.append(type(e).__name__)
        if isinstance(e, OSError) and isinstance(e.strerror, str):
            reason = e.strerror
        e = e.__cause__ or e.__context__
    return (" < ".join(names) + (f": {reason}" if reason else ""))[:500]


def post(
    url: str, body: bytes, headers: dict[str, str], timeout_s: float, allow_private: bool
) -> Outcome:
    """POST `body` to `url` once, all within `timeout_s`; never raises for network trouble or
    a refused target."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    with Deadline(timeout_s) as deadline:
        try:
            parts = targets.parse(url, allow_private)
            address = targets.resolve(parts, allow_private, deadline.left())
            with requests.Session() as http:
                http.trust_env = False  # no proxy or netrc from the environment
                http.mount(f"{parts.scheme}://", PinnedAdapter(address, deadline))
                with http.post(
                    url,
                    data=body,
                    headers={**headers, "Host": parts.netloc},
                    timeout=(deadline.left(), timeout_s),
                    allow_redirects=False,
                    stream=True,
                ) as resp:
                    if deadline.passed:  # the headers were cut short, not complete
                        raise TimeoutError
                    code = resp.status_code
                    answer = _start_of(resp)
        except targets.Unreachable as exc:
            return Outcome(None, took(), exc.code, error_params=exc.params)
        except ValidationFailed as exc:  # the URL itself is no longer accepted
            refused = exc.errors[0] if exc.errors else field_error("url", "field.url")
            return Outcome(None, took(), refused["code"], error_params=refused["params"])
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            if deadline.passed:
                seconds = {"seconds": f"{timeout_s:g}"}
                return Outcome(None, took(), TIMED_OUT, error_params=seconds)
            return Outcome(None, took(), FAILED, error_params={"failure": failure(exc)})
    if 200 <= code < 300:
        return Outcome(code, took(), excerpt=excerpt(answer))
    return Outcome(code, took(), NOT_2XX, excerpt(answer), {"status": code})


def _start_of(resp: requests.Response) -> bytes:
    """The first bytes of the answer, or what came of them by the deadline."""
    try:
        start: bytes = resp.raw.read(EXCERPT_BYTES, decode_content=True)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
        return b""
    return start
