"""The migration that words revocations when shown: certificates a refund revoked in English
("payment refunded: ...") get the refund's code; an operator's own words stay theirs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from backend.core.migrate import MIGRATIONS, alembic_config, upgrade


def the_migration() -> tuple[str, str]:
    """(before, after): found by its file, so that renumbering at a merge keeps this test."""
    for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions():
        if Path(rev.path).name.endswith("_certificate_revoked_code.py"):
            assert isinstance(rev.down_revision, str)
            return rev.down_revision, rev.revision
    raise AssertionError("no revoked-code migration")


def revoked(conn, n: int, reason: str) -> None:
    """A revoked certificate, with its reservation."""
    conn.execute(
        text(
            "INSERT INTO reservations (id, mass_g, status, reference, created_at, expires_at) "
            "VALUES (:n, 1000, 'retired', '', :at, :at)"
        ),
        {"n": n, "at": "2026-12-01 00:00:00.000000"},
    )
    conn.execute(
        text(
            "INSERT INTO certificates (id, number, year, seq, reservation_id, beneficiary, "
            "purpose, mass_g, issued_at, document, key_id, signature, judicial, status, "
            "revoked_reason) VALUES (:n, :number, 2026, :n, :n, '张三', '', 1000, "
            "'2026-12-01 00:00:00.000000', '{}', 'k', 's', 0, 'revoked', :reason)"
        ),
        {"n": n, "number": f"DD-2026-{n:06d}", "reason": reason},
    )


def test_refund_revocations_get_the_refunds_code(tmp_path):
    before, after = the_migration()
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url, before)
    engine = create_engine(url)
    with engine.begin() as conn:
        revoked(conn, 1, "payment refunded: refunded at the provider")
        revoked(conn, 2, "重复申报")
    upgrade(url, after)
    query = text("SELECT id, revoked_code, revoked_reason FROM certificates ORDER BY id")
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(query)] == [
            (1, "certificates.revoked_refunded", "payment refunded: refunded at the provider"),
            (2, "", "重复申报"),
        ]
    command.downgrade(alembic_config(url), before)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT revoked_reason FROM certificates ORDER BY id"))
        assert [r[0] for r in rows] == ["payment refunded: refunded at the provider", "重复申报"]
    engine.dispose()
