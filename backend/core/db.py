"""SQLAlchemy 2.0 engine, a session per request, and the declarative base."""

from __future__ import annotations

import base64
import enum
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from flask import current_app as _app
from sqlalchemy import (
    DateTime,
    Enum,
    MetaData,
    bindparam,
    column,
    create_engine,
    event,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; constraint names are stable across databases."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both PostgreSQL and SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(cls: type[enum.Enum], name: str, length: int = 32) -> Enum:
    """A Python enum stored as its values in a VARCHAR with a CHECK constraint (both databases)."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


def random_id(prefix: str) -> str:
    """An unguessable id (104 random bits) such as `fp_…`: links to it can be shared."""
    return prefix + base64.b32encode(secrets.token_bytes(13)).decode().rstrip("=").lower()


IMMEDIATE = "sqlite_begin_immediate"
# Methods that only read: their transactions begin deferred; every other request (and every
# command or job that writes) begins its transactions with the write lock on SQLite.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def upsert(s: Session, table: Any) -> Any:
    """An INSERT with the dialect's ON CONFLICT clauses (PostgreSQL or SQLite)."""
    dialect_insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(table)


def unnest(columns: dict[str, tuple[Any, list[Any]]]) -> Any:
    """Rows as a FROM clause on PostgreSQL, one array parameter per column (name -> (type,
    values)): `unnest(:a, :b) AS anon(a, b)`, for one INSERT … SELECT or UPDATE … FROM where
    an executemany would run a statement (and its triggers) per row."""
    arrays = [bindparam(None, values, type_=ARRAY(t)) for t, values in columns.values()]
    names = [column(name, t) for name, (t, _) in columns.items()]
    return func.unnest(*arrays).table_valued(*names).render_derived()


def among(s: Session, col: Any, values: Any) -> Any:
    """`col IN (values)`; on PostgreSQL `col = ANY(:array)`, one parameter however many values,
    where an IN list renders (and psycopg parses) a placeholder per value: for the large key
    lists of a batch. Run `custom_plans(s)` first in the transaction: a prepared statement's
    generic plan does not know the array's length and can scan where a custom plan uses an
    index (docs/benchmarks.md, "Points")."""
    values = list(values)
    if s.get_bind().dialect.name != "postgresql":
        return col.in_(values)
    return col == func.any(bindparam(None, values, type_=ARRAY(col.type)))


def custom_plans(s: Session) -> None:
    """Plan every statement of this transaction for its parameters (PostgreSQL: psycopg
    prepares a statement on its fifth run, and the server may then switch to a generic plan)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with SQLite made to honour foreign keys and real transactions."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        _fix_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _fix_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; see the SQLAlchemy
    # "Serializable isolation / Savepoints / Transactional DDL" recipe.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL cannot corrupt the file; a power cut may lose the last commits.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """The engine and the session factories of one app.

    On SQLite a transaction that may write must take the write lock when it begins (BEGIN
    IMMEDIATE): a deferred one that reads first cannot upgrade its lock while another writer
    waits, and fails at once with "database is locked" whatever the busy timeout. Sessions from
    `writer` begin that way; `reader` sessions begin deferred, and WAL lets them run beside a
    writer. On PostgreSQL the two are the same.
    """

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessionmaker: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)
        immediate = self.engine.execution_options(**{IMMEDIATE: True})
        self.writer: sessionmaker[Session] = sessionmaker(immediate, expire_on_commit=False)

    def session(self, *, write: bool) -> Session:
        """A new session whose transactions may write (`write`) or only read."""
        return (self.writer if write else self.sessionmaker)()

    @contextmanager
    def sessions_from(self, factory: sessionmaker[Session]) -> Iterator[None]:
        """Make every session come from `factory` meanwhile (tests: one rolled-back connection,
        or really committing sessions for the concurrency tests)."""
        saved = self.sessionmaker, self.writer
        self.sessionmaker = self.writer = factory
        try:
            yield
        finally:
            self.sessionmaker, self.writer = saved

    def init_app(self, app: Flask) -> None:
        app.extensions["db"] = self
        app.teardown_appcontext(_close_session)


def database() -> Database:
    """The current app's database."""
    db: Database = _app.extensions["db"]
    return db


def session() -> Session:
    """The session of the current request (or app context), opened on first use: a writer
    unless the request's method only reads."""
    if "db_session" not in g:
        write = not (has_request_context() and request.method in SAFE_METHODS)
        g.db_session = database().session(write=write)
    s: Session = g.db_session
    return s


def _close_session(_exc: BaseException | None) -> None:
    s: Session | None = g.pop("db_session", None)
    if s is not None:
        s.close()
