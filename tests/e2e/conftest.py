"""The real app on a free port (werkzeug in a thread) against a migrated SQLite database with the
demo data, serving the built PWA, driven by Debian's Chromium on a phone viewport.

These tests commit for real, so the rolled-back session of tests/conftest.py is switched off here.
Screenshots go to tests/e2e/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)
from sqlalchemy import select
from werkzeug.serving import make_server

from backend import demo
from backend.accounts.models import User
from backend.app import create_app
from backend.core import db, uow
from backend.core.migrate import upgrade
from backend.points import ledger, venues
from backend.points.models import TransferKind, Venue
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "pwa" / "dist"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE: ViewportSize = {"width": 390, "height": 844}

# Assertions wait as long as actions do: under CI's load a screen can take longer than
# Playwright's 5 s default.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this folder is `e2e`, so the PostgreSQL pass can leave it out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def db_session() -> None:
    """Overrides the per-test rollback: the server thread commits through its own sessions."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Live:
    def __init__(self, app: Flask, url: str) -> None:
        self.app, self.url = app, url

    def token(self, phone: str) -> str:
        """A bearer token for a demo person, through the same API the app uses."""
        code = requests.post(f"{self.url}/api/v1/auth/codes", json={"phone": phone}, timeout=10)
        body = {"phone": phone, "code": code.json()["code"]}
        got = requests.post(f"{self.url}/api/v1/auth/tokens", json=body, timeout=10).json()
        return str(got["access_token"])

    def give_points(self, phone: str, points: int) -> None:
        """Earn and confirm points for a person, as a partner batch and the worker would."""
        with self.app.app_context(), uow.transaction(db.session()) as s:
            user = s.query(User).filter_by(phone=phone).one()
            f.fund_points(s, points)
            ledger.transfer(s, TransferKind.earn, user.id, points, reference="e2e")
            ledger.transfer(s, TransferKind.confirm, user.id, points, reference="e2e")

    def venue_code(self) -> str:
        """The demo venue's current check-in code (its URL), as its staff screen shows it (an
        operator's test adds venues of its own)."""
        name_zh = demo.DEMO_VENUES[0][0]
        with self.app.app_context():
            venue = db.session().scalars(select(Venue).where(Venue.name_zh == name_zh)).one()
            cfg = self.app.config
            window = cfg["POINTS_VENUE_WINDOW_SECONDS"]
            return venues.current_code(venue, cfg["SECRET_KEY"], self.url, window).url

    def get(self, path: str, token: str) -> Any:
        headers = {"Authorization": f"Bearer {token}"}
        return requests.get(f"{self.url}/api/v1{path}", headers=headers, timeout=10).json()

    def open_case(self, clerk_token: str, **body: Any) -> Any:
        """A case at the clerk's (demo) court, opened through the API."""
        orgs = [m["organisation"] for m in self.get("/me", clerk_token)["organisations"]]
        court_id = next(o["id"] for o in orgs if o["kind"] == "court")
        headers = {"Authorization": f"Bearer {clerk_token}"}
        resp = requests.post(
            f"{self.url}/api/v1/court-cases",
            json={"court_id": court_id, **body},
            headers=headers,
            timeout=10,
        )
        assert resp.status_code == 201, resp.text
        return resp.json()


def e2e_app(tmp: Path, url: str, *, seed: bool = True, **settings: Any) -> Flask:
    """The app for a browser test: a migrated SQLite file in `tmp`, the built PWA, links to
    `url`, and the demo data unless `seed` is False; `settings` add to or override it."""
    if not (DIST / "index.html").is_file():
        pytest.fail(f"The PWA is not built in {DIST}: run `make pwa` first.")
    database = f"sqlite:///{tmp / 'e2e.sqlite3'}"
    upgrade(database)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "INSTANCE_PATH": str(tmp / "instance"),
            "PWA_DIST": str(DIST),
            "SECRET_KEY": "e2e-secret",
            "PUBLIC_BASE_URL": url,
            "LOG_LEVEL": "WARNING",
            **settings,
        }
    )
    if seed:
        with app.app_context(), uow.transaction(db.session()) as s:
            demo.seed_demo(s)
    return app


@contextmanager
def serving(build: Callable[[str], Flask]) -> Iterator[Live]:
    """The app `build` makes for its address, served on a free port in a thread until the block
    ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    app = build(url)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Live(app, url)
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("e2e")
    # the desk registers a loopback webhook receiver; the demo people sign in from one address
    # many times in a session (rate limits are tested in tests/accounts)
    limits: dict[str, Any] = {
        f"RATELIMIT_{k}": "1000 per minute"
        for k in ("OTP_PER_PHONE", "OTP_PER_IP", "SIGNIN_PER_PHONE", "SIGNIN_PER_IP")
    }
    with serving(
        lambda url: e2e_app(tmp, url, WEBHOOK_ALLOW_PRIVATE_TARGETS=True, **limits)
    ) as running:
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: install Debian's package (`make chromium`, i.e. "
            "apt-get install -y chromium) or set CHROMIUM_PATH. Never `playwright install`."
        )
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    yield b
    b.close()


@contextmanager
def chromium_with(playwright: Playwright, *args: str) -> Iterator[Browser]:
    """A Chromium of its own, launched with extra command-line flags (a fake camera, …)."""
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", *args])
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def context(browser: Browser, live: Live) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        base_url=live.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        service_workers="allow",
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def signed_in(context: BrowserContext, live: Live, phone: str, name: str) -> None:
    """Start the app already signed in (the session the sign-in screen would store)."""
    token = live.token(phone)
    session = json.dumps({"token": token, "displayName": name, "expiresAt": "2999-01-01T00:00:00Z"})
    context.add_init_script(f"localStorage.setItem('diandian.session', {json.dumps(session)})")


def open_in_app(page: Page, url: str) -> None:
    """Go to `url`'s path and query as an in-app link would (no page load: works offline)."""
    page.evaluate(
        "(to) => { const u = new URL(to); history.pushState(null, '', u.pathname + u.search);"
        " dispatchEvent(new PopStateEvent('popstate')); }",
        url,
    )


def confirm(page: Page, button: str, *texts: str) -> None:
    """Answer the confirmation dialog with `button` after checking it names `texts`."""
    ask = page.get_by_role("alertdialog")
    for text in texts:
        expect(ask).to_contain_text(text)
    ask.get_by_role("button", name=button).click()
    expect(ask).to_have_count(0)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
