"""The migration that stores order reasons by code: the English words orders wrote before
become their codes (and back on downgrade); other text stays as written."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from backend.core.db import make_engine
from backend.core.migrate import MIGRATIONS, alembic_config, upgrade

AT = "2026-12-01 00:00:00.000000"
COURT = "the court case no longer needs this purchase"  # courts' words, not orders'


def the_migration() -> tuple[str, str]:
    """(before, after): found by its file, so that renumbering at a merge keeps this test."""
    for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions():
        if Path(rev.path).name.endswith("_order_reason_codes.py"):
            assert isinstance(rev.down_revision, str)
            return rev.down_revision, rev.revision
    raise AssertionError("no order reason codes migration")


def order(conn, oid: str, refund_reason: str) -> None:
    conn.execute(
        text(
            "INSERT INTO orders (id, status, mass_g, credits_amount, fee_amount, amount, "
            "currency, lines, preferences, beneficiary, purpose, note, provider, refund_reason, "
            "created_at, updated_at, expires_at) VALUES (:id, 'refunded', 1000, 5, 0, 5, 'CNY', "
            "'[]', '{}', '张三', '', '', 'sandbox', :why, :at, :at, :at)"
        ),
        {"id": oid, "why": refund_reason, "at": AT},
    )
    conn.execute(
        text(
            "INSERT INTO order_events (order_id, from_status, to_status, reason, at) "
            "VALUES (:id, 'paid', 'refunded', :why, :at)"
        ),
        {"id": oid, "why": refund_reason, "at": AT},
    )
    conn.execute(
        text(
            "INSERT INTO payments (order_id, provider, amount, currency, status, last_error, "
            "created_at, updated_at) VALUES (:id, 'sandbox', 5, 'CNY', 'pending', "
            "'Sandbox: the payment was declined.', :at, :at)"
        ),
        {"id": oid, "at": AT},
    )


def stored(engine) -> set[tuple[str, str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT o.id, o.refund_reason, e.reason, p.last_error FROM orders o "
                "JOIN order_events e ON e.order_id = o.id JOIN payments p ON p.order_id = o.id"
            )
        )
        return {tuple(row) for row in rows}


def test_known_reasons_become_codes_and_come_back(tmp_path):
    before, after = the_migration()
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url, before)
    engine = make_engine(url)
    with engine.begin() as conn:
        order(conn, "ord_late", "no credits left for a payment that arrived late")
        order(conn, "ord_court", COURT)
    old = stored(engine)

    upgrade(url, after)
    declined = "orders.reason.sandbox_declined"
    assert stored(engine) == {
        ("ord_late", *["orders.reason.no_credits_left"] * 2, declined),
        ("ord_court", COURT, COURT, declined),
    }

    command.downgrade(alembic_config(url), before)
    assert stored(engine) == old
    engine.dispose()
