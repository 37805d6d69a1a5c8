"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from backend.core.db import UTCDateTime
from backend.core.migrate import migration_state
from backend.models import metadata


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == [], "models and migrations differ: run `flask db revision -m ...`"


def test_database_is_at_head(engine):
    with engine.connect() as conn:
        current, heads = migration_state(conn)
    assert current == heads
    assert len(heads) == 1, "migrations have branched"


def test_utc_datetime_round_trips_aware(db_session):
    from datetime import UTC, datetime, timedelta, timezone

    import pytest

    from backend.accounts.models import User

    u = User(
        phone="+8613912345678",
        display_name="t",
        created_at=datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))),
    )
    db_session.add(u)
    db_session.commit()
    db_session.expire_all()
    again = db_session.get(User, u.id)
    assert again is not None
    assert again.created_at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert again.created_at.tzinfo is not None
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(naive, engine_dialect(db_session))


def engine_dialect(s):
    return s.get_bind().dialect
