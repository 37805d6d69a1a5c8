"""Allocated units are retired at their registry within REGISTRY_RETIREMENT_DAYS of their
first allocation; `flask credits check` reports the units past it and exits 1."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core import uow
from backend.core.clock import utcnow
from backend.core.config import Config, ConfigError
from backend.credits import inventory, registry
from backend.credits.catalogue import LotFields, new_lot
from backend.credits.models import GRAMS_PER_TONNE, Standard
from tests import factories as f

FIRST = 9_200_000_001
RANGE = f"CN-5-{FIRST}-{FIRST + 9}-1-1-0-4521"


def _allocated_days_ago(db_session, days: int) -> int:
    """2.5 t of a CER lot allocated `days` ago; returns the lot id."""
    p = f.project(db_session, "CER", "wind", None, country="IN")
    lot = new_lot(p, LotFields(2012, RANGE, FIRST, FIRST + 9, 0, 800))
    db_session.add(lot)
    db_session.commit()
    at = utcnow() - timedelta(days=days)
    held = f.reserve(
        db_session, inventory.Preferences(project_ids=(p.id,)), 5 * GRAMS_PER_TONNE // 2, now=at
    )
    f.retire(db_session, held.id, now=at)
    return lot.id


def _check(app):
    return app.test_cli_runner().invoke(args=["credits", "check"])


def test_units_past_their_registry_deadline_fail_the_check(app, db_session):
    assert _check(app).exit_code == 0
    lot_id = _allocated_days_ago(db_session, 31)
    late = _check(app)
    assert late.exit_code == 1
    # each unit named as its registry writes it, with the day it was due (China's date)
    for n in (FIRST, FIRST + 1, FIRST + 2):
        assert f"CN-5-{n}-{n}-1-1-0-4521: registry retirement was due" in late.output
    assert "3 units not retired at their registry within 30 days" in late.output

    with uow.transaction(db_session):
        registry.record(
            db_session,
            standard=Standard.CER,
            registry_ref="CDM-VC-DEADLINE-1",
            retired_on=utcnow(),
            note="",
            ranges=[(lot_id, FIRST, FIRST + 2)],
        )
    done = _check(app)
    assert done.exit_code == 0, done.output
    assert "no unit is past its 30-day registry deadline" in done.output


def test_the_deadline_is_the_setting(app, db_session, monkeypatch: pytest.MonkeyPatch):
    _allocated_days_ago(db_session, 31)
    monkeypatch.setitem(app.config, "REGISTRY_RETIREMENT_DAYS", 45)
    assert _check(app).exit_code == 0
    monkeypatch.setitem(app.config, "REGISTRY_RETIREMENT_DAYS", 30)
    assert _check(app).exit_code == 1


def test_within_the_deadline_a_pending_unit_is_not_overdue(app, db_session):
    _allocated_days_ago(db_session, 29)
    assert _check(app).exit_code == 0
    count, late = registry.overdue(db_session, days=30, now=utcnow() + timedelta(days=2))
    assert count == 3
    assert [u.serial for u in late] == [f"CN-5-{n}-{n}-1-1-0-4521" for n in range(FIRST, FIRST + 3)]


def test_the_deadline_is_at_least_a_day(tmp_path):
    cfg = Config(SECRET_KEY="x", INSTANCE_PATH=str(tmp_path), REGISTRY_RETIREMENT_DAYS=0)
    with pytest.raises(ConfigError, match="REGISTRY_RETIREMENT_DAYS"):
        cfg.finalise()
