"""Liveness and readiness probes."""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, fields

from backend.core import db
from backend.core.errors import DomainError
from backend.core.migrate import migration_state
from backend.web.blueprint import Blueprint

blp = Blueprint("health", __name__, description="Liveness and readiness")


class NotReady(DomainError):
    status, slug, title = 503, "not-ready", "Service not ready"


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})


class ReadySchema(HealthSchema):
    database = fields.String(metadata={"example": "ok"})
    migration = fields.String(metadata={"description": "The database's Alembic revision"})


@dataclass(frozen=True)
class Health:
    """HealthSchema / ReadySchema."""

    status: str = "ok"
    database: str | None = None
    migration: str | None = None


UP = Health()


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def healthz() -> Health:
    """The process is up."""
    return UP


@blp.route("/readyz")
@blp.response(200, ReadySchema)
@blp.alt_response(503, description="Database unreachable or migrations not current")
def readyz() -> Health:
    """The database is reachable and its migrations are current."""
    try:
        with db.database().engine.connect() as conn:
            current, heads = migration_state(conn)
    except Exception as exc:
        raise NotReady("health.database_unreachable", database="unreachable") from exc
    if current != heads:
        raise NotReady(
            "health.migrations_behind",
            params={"database_at": sorted(current) or "—", "code_at": sorted(heads)},
            database="ok",
            migration="behind",
        )
    return Health(database="ok", migration=",".join(sorted(current)))
