"""Alembic environment: the URL comes from the app config (see backend.core.migrate)."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.pool import NullPool

from backend.core.db import UTCDateTime, make_engine
from backend.models import metadata

config = context.config


def render_item(kind: str, obj: Any, autogen: AutogenContext) -> str | Literal[False]:
    """Write our UTCDateTime as the plain column type it stores."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("sqlalchemy.url is not set")
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            render_item=render_item,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
