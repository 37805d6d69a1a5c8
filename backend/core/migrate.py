"""Alembic, driven from the app: `flask db upgrade|revision|current`."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

db_cli = AppGroup("db", help="Database migrations (Alembic).")


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic config pointing at our scripts and the given database."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def migration_state(conn: Connection) -> tuple[set[str], set[str]]:
    """(revisions the database is at, head revisions of the code)."""
    current = set(MigrationContext.configure(conn).get_current_heads())
    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    return current, heads


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_cmd(revision: str) -> None:
    """Apply migrations."""
    upgrade(current_app.config["SQLALCHEMY_DATABASE_URI"], revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_cmd(message: str) -> None:
    """Autogenerate a migration from the models."""
    command.revision(
        alembic_config(current_app.config["SQLALCHEMY_DATABASE_URI"]),
        message=message,
        autogenerate=True,
    )


@db_cli.command("current")
def current_cmd() -> None:
    """Show the database's revision."""
    command.current(alembic_config(current_app.config["SQLALCHEMY_DATABASE_URI"]))
