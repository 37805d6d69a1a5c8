"""The migration that brings claims: existing events get their parts, and each live order claims
its footprint and all it includes, the oldest first when two orders covered the same emissions."""

from __future__ import annotations

import json
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from backend.core.db import make_engine
from backend.core.migrate import MIGRATIONS, upgrade

NOW = "2026-12-01 00:00:00.000000"


def the_migration() -> tuple[str, str]:
    """(before, after): found by its file, so that renumbering at a merge keeps this test."""
    for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions():
        if Path(rev.path).name.endswith("_footprint_claims.py"):
            assert isinstance(rev.down_revision, str)
            return rev.down_revision, rev.revision
    raise AssertionError("no footprint claims migration")


def footprint(conn, fid: str, parts: list[str] | None = None) -> None:
    inputs = {"kind": "event", "event": {"name": "x", "footprints": parts}} if parts else {}
    conn.execute(
        text(
            "INSERT INTO footprints (id, kind, name, factor_set, mass_g, document, created_at) "
            "VALUES (:id, :kind, '', '2025.1', 1000, :doc, :at)"
        ),
        {
            "id": fid,
            "kind": "event" if parts else "meeting",
            "at": NOW,
            "doc": json.dumps({"inputs": inputs}),
        },
    )


def order(conn, oid: str, fid: str, status: str, minute: int) -> None:
    conn.execute(
        text(
            "INSERT INTO orders (id, status, footprint_id, mass_g, credits_amount, fee_amount, "
            "amount, currency, lines, preferences, beneficiary, purpose, note, provider, "
            "refund_reason, created_at, updated_at, expires_at) VALUES (:id, :status, :fid, "
            "1000, 5, 0, 5, 'CNY', '[]', '{}', '张三', '', '', 'sandbox', '', :at, :at, :at)"
        ),
        {"id": oid, "status": status, "fid": fid, "at": f"2026-12-01 00:{minute:02d}:00.000000"},
    )


def test_live_orders_claim_what_they_cover_oldest_first(tmp_path):
    before, after = the_migration()
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url, before)
    engine = make_engine(url)
    with engine.begin() as conn:
        for fid in ("fp_a", "fp_b", "fp_c", "fp_d"):
            footprint(conn, fid)
        footprint(conn, "fp_day", ["fp_a", "fp_b"])
        footprint(conn, "fp_forum", ["fp_day", "fp_c"])
        order(conn, "ord_old", "fp_a", "retired", 1)  # then the forum took fp_a again
        order(conn, "ord_forum", "fp_forum", "paid", 2)
        order(conn, "ord_gone", "fp_d", "cancelled", 3)
    upgrade(url, after)
    with engine.connect() as conn:
        parts = set(conn.execute(text("SELECT event_id, part_id FROM footprint_parts")).all())
        rows = conn.execute(text("SELECT footprint_id, reference FROM footprint_claims"))
        claims: dict[str, str] = {fid: ref for fid, ref in rows}
    engine.dispose()
    assert parts == {
        ("fp_day", "fp_a"),
        ("fp_day", "fp_b"),
        ("fp_forum", "fp_day"),
        ("fp_forum", "fp_c"),
    }
    assert claims == {
        "fp_a": "ord_old",
        "fp_forum": "ord_forum",
        "fp_day": "ord_forum",
        "fp_b": "ord_forum",
        "fp_c": "ord_forum",
    }
