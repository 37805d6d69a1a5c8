"""SQLite, the `make run` default, serves a handful of people at once (issue 16, hole 5).

Two clients exchanging sign-in codes for 20 s got 1,294 × 503 "database is locked" of 2,466
requests: a transaction that began deferred, read, then wrote could not upgrade its lock while
the other held it, and failed at once whatever the busy timeout. Writers now take the lock when
they begin (BEGIN IMMEDIATE) and wait their turn.

This runs a real app on its own SQLite file, outside the rolled-back test transaction.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from backend.app import create_app
from backend.core.db import IMMEDIATE, Database, session
from backend.core.migrate import upgrade
from tests.factories import accept_terms, new_phone

SECONDS = 3.0
CLIENTS = 4


def test_people_signing_in_at_once_on_sqlite_get_no_5xx(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    upgrade(url)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html>")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": str(tmp_path),
            "PWA_DIST": str(dist),
            "SECRET_KEY": "test-secret",
            # generous limits, not none: the limiter is shared, and turning it off for this
            # app would turn it off for the suite's app too
            "RATELIMIT_OTP_PER_PHONE": "10000 per minute",
            "RATELIMIT_OTP_PER_IP": "10000 per minute",
            "RATELIMIT_SIGNIN_PER_PHONE": "10000 per minute",
            "RATELIMIT_SIGNIN_PER_IP": "10000 per minute",
            "LOG_LEVEL": "ERROR",
        }
    )
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def person() -> None:
        client = app.test_client()
        phone = new_phone()
        while time.monotonic() < deadline:
            code = client.post("/api/v1/auth/codes", json={"phone": phone})
            token = client.post(
                "/api/v1/auth/tokens",
                json={
                    "phone": phone,
                    "code": (code.get_json() or {}).get("code", ""),
                    "accept": accept_terms(),
                },
            )
            me = client.get(
                "/api/v1/me",
                headers={"Authorization": f"Bearer {(token.get_json() or {}).get('access_token')}"},
            )
            with lock:
                statuses.update((code.status_code, token.status_code, me.status_code))

    threads = [threading.Thread(target=person) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    app.extensions["db"].engine.dispose()
    assert sum(statuses.values()) > 30, statuses
    assert {s for s in statuses if s >= 500} == set(), statuses
    assert set(statuses) <= {200, 201, 202}, statuses


def _race(db: Database, write: bool) -> list[str]:
    """A reads, B writes and commits meanwhile, then A writes: what each got."""
    out: list[str] = []
    b_may_start = threading.Event()

    def a() -> None:
        s = db.session(write=write)
        try:
            s.execute(text("SELECT count(*) FROM t")).scalar()
            b_may_start.set()
            time.sleep(0.3)  # B tries to write meanwhile
            s.execute(text("UPDATE t SET x = x + 1"))
            s.commit()
            out.append("A committed")
        except OperationalError as exc:
            out.append(f"A failed: {exc.orig}")
        finally:
            s.close()

    def b() -> None:
        b_may_start.wait(5)
        s = db.session(write=write)
        try:
            s.execute(text("UPDATE t SET x = x + 10"))
            s.commit()
            out.append("B committed")
        finally:
            s.close()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_a_writer_takes_the_lock_when_it_begins_so_neither_writer_fails(tmp_path):
    """Deferred, A's read snapshot is stale once B commits, and its write fails at once
    ("database is locked", whatever the busy timeout); a writer session begins with BEGIN
    IMMEDIATE, so B waits for A instead and both commit."""
    db = Database(f"sqlite:///{tmp_path / 'race.sqlite3'}")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (0)"))
    assert _race(db, write=False) == ["B committed", "A failed: database is locked"]
    assert sorted(_race(db, write=True)) == ["A committed", "B committed"]
    db.engine.dispose()


def test_requests_that_may_write_get_writer_sessions(tmp_path):
    app = Flask(__name__)
    Database(f"sqlite:///{tmp_path / 'methods.sqlite3'}").init_app(app)
    for method, write in (("GET", False), ("HEAD", False), ("POST", True), ("PATCH", True)):
        with app.test_request_context("/", method=method):
            bind = session().get_bind()
            assert bind.get_execution_options().get(IMMEDIATE, False) is write, method
    app.extensions["db"].engine.dispose()
