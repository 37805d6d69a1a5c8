"""What the fakes of Aliyun's and Tencent Cloud's SMS APIs share: a standard-library HTTP server
in a thread that records every text it accepted, and two switches a test flips.

- `fail_with(code, message)`: the next request is answered with the vendor's error `code`.
- `down = True`: every request's connection is closed without an answer, as a vendor that cannot
  be reached (the SDKs see a dropped connection, as after a timeout).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Text:
    """One text the vendor accepted: to whom, and the code in it."""

    phone: str  # as the vendor received it
    code: str


@dataclass(frozen=True)
class Received:
    """One HTTP request as the fake read it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes


class FakeSms:
    """The server and switches; a vendor's subclass answers `answer(request)`."""

    def __init__(self) -> None:
        self.texts: list[Text] = []
        self.requests: list[Received] = []
        self.down = False
        self._failure: tuple[str, str] | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- test controls -------------------------------------------------------------------------

    def fail_with(self, code: str, message: str = "refused by the fake") -> None:
        """Answer the next request with this vendor error code."""
        self._failure = (code, message)

    def last_code(self, phone: str) -> str:
        """The code of the last text sent to `phone` (in the vendor's spelling)."""
        codes = [t.code for t in self.texts if t.phone == phone]
        assert codes, f"no text reached {phone}"
        return codes[-1]

    def reset(self) -> None:
        self.texts.clear()
        self.requests.clear()
        self.down = False
        self._failure = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> FakeSms:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- for subclasses ------------------------------------------------------------------------

    def answer(self, req: Received) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON body the vendor would answer."""
        raise NotImplementedError

    def take_failure(self) -> tuple[str, str] | None:
        with self._lock:
            failure, self._failure = self._failure, None
        return failure

    def accept(self, phone: str, code: str) -> None:
        with self._lock:
            self.texts.append(Text(phone, code))


def _handler(fake: FakeSms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if fake.down:
                self.close_connection = True
                return
            parts = urlsplit(self.path)
            req = Received(
                method="POST",
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            fake.requests.append(req)
            status, answer = fake.answer(req)
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
