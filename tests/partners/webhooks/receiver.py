"""A webhook receiver on 127.0.0.1 (stdlib http.server in a thread) that answers a script of
failures before it recovers, recording every request it gets."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from backend.partners.webhooks import signing

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "webhooks"
TIMEOUT = "timeout"  # answer too late: the sender's timeout fires
HANG_UP = "hang-up"  # close the connection without answering


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    def verify(self, secrets: Iterable[str], now: float) -> None:
        """Check the signature as a receiver would (raises InvalidSignature)."""
        signing.verify(secrets, self.headers.get(signing.HEADER), self.body, now=now)


def validate(event: dict[str, Any]) -> None:
    """Check an event body against its published JSON Schema (raises ValidationError)."""
    schema = json.loads((SCHEMAS / f"{event['type']}.json").read_text())
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(event)


class Receiver:
    """Answers `script` in turn (status codes, TIMEOUT or HANG_UP), then 200 for good."""

    def __init__(self, script: Iterable[int | str] = (), late_s: float = 1.5) -> None:
        self.script = list(script)
        self.late_s = late_s
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                    action = receiver.script.pop(0) if receiver.script else 200
                if action == HANG_UP:
                    self.close_connection = True
                    return
                if action == TIMEOUT:
                    time.sleep(receiver.late_s)
                    action = 200
                self.send_response(int(action))
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"x" * 10_000 if int(action) >= 300 else b"ok")

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/diandian"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
