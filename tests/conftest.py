"""App and client fixtures; each test runs inside a transaction that is rolled back.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from backend.app import create_app
from backend.certificates.images import ImageCache
from backend.core import messages
from backend.core.config import normalise_database_url
from backend.core.db import make_engine
from backend.core.migrate import upgrade
from backend.web.limiter import limiter
from tests import factories
from tests.accounts.fake_wechat import MINI_APPID, MINI_SECRET, OA_APPID, OA_SECRET, FakeWechat
from tests.concurrency import leaving_no_trace


class EnglishClient(FlaskClient):
    """The API words problems in the request's language (zh by default); the suite reads the
    English words unless a test asks for another language (tests/core/test_messages.py)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


Flask.test_client_class = EnglishClient

# Certificates render in this process unless a test asks for child processes (tests that
# monkeypatch the renderer need it here; test_render.py checks the children give the same bytes).
os.environ.setdefault("CERTIFICATE_RENDER_PROCESSES", "0")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database: PostgreSQL from TEST_DATABASE_URL, else a SQLite file."""
    raw = os.environ.get("TEST_DATABASE_URL")
    url = (
        normalise_database_url(raw)
        if raw
        else (f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}")
    )
    engine = make_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def fake_wechat() -> Iterator[FakeWechat]:
    """WeChat's sign-in endpoints, faked on a local port for the whole run."""
    fake = FakeWechat().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, fake_wechat: FakeWechat
) -> Flask:
    instance = tmp_path_factory.mktemp("instance")
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text("<!doctype html><title>点点</title>")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(instance),
            "PWA_DIST": str(dist),
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "LOG_LEVEL": "WARNING",
            # links and QR codes as a deployment makes them (tests of the unset default start
            # an app of their own: tests/certificates/test_public_base_url.py)
            "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
            # the tests' webhook receivers listen on loopback (development setting)
            "WEBHOOK_ALLOW_PRIVATE_TARGETS": True,
            "WECHAT_OA_APPID": OA_APPID,
            "WECHAT_OA_SECRET": OA_SECRET,
            "WECHAT_MINI_APPID": MINI_APPID,
            "WECHAT_MINI_SECRET": MINI_SECRET,
            "WECHAT_API_BASE": fake_wechat.url,
            "WECHAT_OPEN_BASE": fake_wechat.url,
        }
    )


@pytest.fixture(scope="session")
def engine(app: Flask) -> Engine:
    e: Engine = app.extensions["db"].engine
    return e


@pytest.fixture(autouse=True)
def db_session(app: Flask, engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one outer transaction, rolled back after."""
    conn = engine.connect()
    outer = conn.begin()
    factory = sessionmaker(
        bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    db = app.extensions["db"]
    limiter.reset()
    # Certificate numbers come back with each rollback, so no image may be "fresh" by number.
    images = app.extensions["certificate_images"]
    app.extensions["certificate_images"] = ImageCache(images.directory, images.max_bytes)
    session = factory()
    try:
        with db.sessions_from(factory):
            yield session
    finally:
        session.close()
        outer.rollback()
        conn.close()


@pytest.fixture(autouse=True)
def words_for_every_message() -> Iterator[None]:
    """Fails a test whose requests asked for a message code nobody gave words to."""
    messages.missing.clear()
    yield
    assert messages.missing == [], "codes without words in any messages.toml"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture
def committing(engine: Engine, is_postgres: bool) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit, for concurrency tests; every row they commit is deleted
    afterwards."""
    if not is_postgres:
        pytest.skip("concurrency invariants are proven on PostgreSQL")
    with leaving_no_trace(engine):
        yield sessionmaker(engine, expire_on_commit=False)


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def stock(db_session: Session) -> factories.Stock:
    """100 t at 50.00 CNY/t in a project of its own."""
    p = factories.project(db_session)
    return factories.Stock(p, factories.lot(db_session, p, 100, price=5000))


@pytest.fixture
def buyer(client: FlaskClient, db_session: Session) -> factories.Buyer:
    """A signed-in person with no organisation."""
    u = factories.user(db_session, "买家")
    return factories.Buyer(u, factories.sign_in(client, u.phone))
