"""Sentry: off without SENTRY_DSN; with one, errors are sent and personal data is not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from flask import Flask
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from backend.app import create_app
from backend.core.config import Config
from backend.web.observability import sentry

PHONE = "+8613800138000"
TOKEN = "tok_secret_bearer_value"


class Captured(Transport):
    """Keeps the events it is given instead of sending them."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.events: list[dict[str, Any]] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        event = envelope.get_event()
        if event is not None:
            self.events.append(dict(event))


@pytest.fixture
def inits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """`sentry_sdk.init` as the app calls it, recorded, and run with a capturing transport;
    the SDK is switched off again afterwards."""
    calls: list[dict[str, Any]] = []
    real = sentry_sdk.init

    def init(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs, transport=Captured(kwargs))

    monkeypatch.setattr(sentry.sentry_sdk, "init", init)
    yield calls
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def make_app(tmp_path: Path, **config: Any) -> Flask:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "LOG_LEVEL": "ERROR",
            **config,
        }
    )


def test_without_a_dsn_sentry_is_not_initialised(
    tmp_path: Path, inits: list[dict[str, Any]]
) -> None:
    make_app(tmp_path)
    assert inits == []
    assert not sentry_sdk.get_client().is_active()
    assert sentry.init(Config()) is False


def test_with_a_dsn_errors_are_sent_without_personal_data(
    tmp_path: Path, inits: list[dict[str, Any]]
) -> None:
    app = make_app(
        tmp_path,
        SENTRY_DSN="https://public@sentry.example.invalid/1",
        SENTRY_RELEASE="diandian@1.2.3",
    )
    assert len(inits) == 1
    options = sentry_sdk.get_client().options
    assert options["data_collection"]["user_info"] is False
    assert options["data_collection"]["http_bodies"] == []
    assert options["environment"] == "sandbox"
    assert options["release"] == "diandian@1.2.3"

    def boom() -> str:
        raise RuntimeError("settlement exploded")

    app.add_url_rule("/boom", "boom", boom, methods=["POST"])
    resp = app.test_client().post(
        "/boom",
        json={"phone": PHONE, "beneficiary": "张三"},
        headers={"Authorization": f"Bearer {TOKEN}", "Cookie": "session=abc"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert resp.status_code == 500
    sentry_sdk.flush()
    transport = sentry_sdk.get_client().transport
    assert isinstance(transport, Captured)
    (event,) = transport.events
    assert event["exception"]["values"][-1]["value"] == "settlement exploded"
    assert event["request"]["url"].endswith("/boom")
    assert event["tags"]["request_id"] == resp.headers["X-Request-ID"]
    assert event["request"]["headers"]["Authorization"] == "[Filtered]"
    sent = json.dumps(event, default=str)
    for private in (PHONE, "张三", TOKEN, "session=abc", "203.0.113.9"):
        assert private not in sent, private
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert all("vars" not in frame for frame in frames)
