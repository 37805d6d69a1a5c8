"""The security tests share one world per module (tests/security/world.py).

The root conftest rolls every test back to an empty database, which would mean rebuilding a
dozen callers and their objects for each of hundreds of cells. Here the world is built once per
module inside an outer transaction, and each test runs inside a SAVEPOINT of it that is rolled
back afterwards: every test still sees exactly the world, never another test's writes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.market import calendar
from backend.web.limiter import limiter
from tests.security.world import MARKET_OPEN, World, build


@pytest.fixture(scope="module")
def module_db(app: Flask, engine: Engine) -> Iterator[tuple[Connection, sessionmaker[Session]]]:
    conn = engine.connect()
    outer = conn.begin()
    factory = sessionmaker(
        bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        with app.extensions["db"].sessions_from(factory):
            yield conn, factory
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture(scope="module")
def world(app: Flask, module_db: tuple[Connection, sessionmaker[Session]]) -> World:
    limiter.reset()
    session = module_db[1]()
    patched = pytest.MonkeyPatch()
    patched.setattr(calendar, "now", lambda: MARKET_OPEN)
    try:
        return build(app, app.test_client(), session)
    finally:
        patched.undo()
        session.close()


@pytest.fixture(autouse=True)
def market_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """The market's clock at an open session (the world's objects were made at that time)."""
    monkeypatch.setattr(calendar, "now", lambda: MARKET_OPEN)


@pytest.fixture(autouse=True)
def db_session(module_db: tuple[Connection, sessionmaker[Session]]) -> Iterator[Session]:
    """Overrides the root fixture: a SAVEPOINT in the module's transaction, rolled back after."""
    conn, factory = module_db
    savepoint = conn.begin_nested()
    limiter.reset()
    session = factory()
    try:
        yield session
    finally:
        session.close()
        if savepoint.is_active:
            savepoint.rollback()
