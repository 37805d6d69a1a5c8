"""Fixtures for webhooks: an organisation with its admin, a controlled clock for deliveries,
the worker's job handlers, and switches for the SSRF settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend import worker
from backend.accounts.models import Organisation, User
from backend.core.clock import utcnow
from backend.core.jobs import queue
from backend.partners.webhooks import delivery, events
from backend.partners.webhooks.events import EVENT_TYPES
from tests import factories as f


@dataclass
class Company:
    org: Organisation
    admin: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return f.bearer(self.token)


@pytest.fixture
def company(client: FlaskClient, db_session: Session) -> Company:
    admin = f.user(db_session, "企业管理员")
    org = f.organisation(db_session, name="测试企业", admin=admin)
    return Company(org, admin, f.sign_in(client, admin.phone))


def create_endpoint(
    client: FlaskClient, token: str, url: str, events: list[str] | None = None, **body: Any
) -> dict[str, Any]:
    """POST /webhook-endpoints, 201 expected; the answer holds the secret."""
    resp = client.post(
        "/api/v1/webhook-endpoints",
        json={"url": url, "events": events or list(EVENT_TYPES), **body},
        headers=f.bearer(token),
    )
    assert resp.status_code == 201, resp.get_json()
    out: dict[str, Any] = resp.get_json()
    return out


@dataclass
class Clock:
    """The time deliveries see; starts a minute after the events are emitted."""

    now: datetime

    def at(self, when: datetime | None) -> None:
        assert when is not None
        self.now = when


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(utcnow() + timedelta(minutes=1))
    monkeypatch.setattr(delivery, "utcnow", lambda: c.now)
    return c


@pytest.fixture
def run_worker(app: Flask, db_session: Session, clock: Clock) -> Callable[[], int]:
    """One pass of the worker's due jobs (its real handlers) at the clock's time."""

    def run() -> int:
        with app.app_context():
            return queue.run_due(
                db_session, worker.handlers(), now=clock.now, queue_name=events.QUEUE
            )

    return run


@pytest.fixture
def strict(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production rules: https only, public addresses only."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)


@pytest.fixture(autouse=True)
def quick_timeout(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", 1)
