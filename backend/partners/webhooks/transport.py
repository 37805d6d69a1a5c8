"""One HTTP POST of a webhook: to the address vetted a moment before (the connection is pinned
to it, so DNS cannot change between the check and the connect), no redirects, no proxies from
the environment, a timeout, and at most a few KB of the answer read."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool

from backend.core.errors import ValidationFailed
from backend.partners.webhooks import targets

READ_LIMIT = 4096
EXCERPT_CHARS = 1000


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code, or an error before one came back."""

    status_code: int | None
    duration_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class PinnedAdapter(HTTPAdapter):
    """Connects to `address`; the Host header, TLS SNI and certificate check keep the URL's
    host name."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(max_retries=0)

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
        return pool


def post(
    url: str, body: bytes, headers: dict[str, str], timeout_s: float, allow_private: bool
) -> Outcome:
    """POST `body` to `url` once; never raises for network trouble or a refused target."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        parts = targets.parse(url, allow_private)
        address = targets.resolve(parts, allow_private)
        with requests.Session() as http:
            http.trust_env = False  # no proxy or netrc from the environment
            http.mount(f"{parts.scheme}://", PinnedAdapter(address))
            with http.post(
                url,
                data=body,
                headers={**headers, "Host": parts.netloc},
                timeout=timeout_s,
                allow_redirects=False,
                stream=True,
            ) as resp:
                answer = resp.raw.read(READ_LIMIT, decode_content=True)
                code = resp.status_code
    except (targets.Unreachable, ValidationFailed) as exc:
        return Outcome(None, took(), f"refused: {exc}"[:500])
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        return Outcome(None, took(), f"{type(exc).__name__}: {exc}"[:500])
    excerpt = answer.decode("utf-8", "replace")[:EXCERPT_CHARS]
    return Outcome(code, took(), "" if 200 <= code < 300 else f"HTTP {code}", excerpt)
