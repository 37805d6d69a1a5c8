"""footprints: one neutralisation per emission, an event's parts and the claims on footprints

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 09:00:00

"""

import json
import logging
from typing import Any, Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

log = logging.getLogger("alembic.runtime.migration")
LIVE = "status IN ('awaiting_payment', 'paid', 'retired') AND footprint_id IS NOT NULL"


def upgrade() -> None:
    """Record the footprints each event includes (from its stored inputs), then claim for each
    live order its footprint and all it includes, oldest order first. The unique index on
    orders gives way to the claims' primary key, which also covers an event's parts."""
    op.create_table(
        "footprint_parts",
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("part_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["footprints.id"], name=op.f("fk_footprint_parts_event_id_footprints")
        ),
        sa.ForeignKeyConstraint(
            ["part_id"], ["footprints.id"], name=op.f("fk_footprint_parts_part_id_footprints")
        ),
        sa.PrimaryKeyConstraint("event_id", "part_id", name=op.f("pk_footprint_parts")),
    )
    op.create_table(
        "footprint_claims",
        sa.Column("footprint_id", sa.String(length=40), nullable=False),
        sa.Column("root_id", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["footprint_id"],
            ["footprints.id"],
            name=op.f("fk_footprint_claims_footprint_id_footprints"),
        ),
        sa.ForeignKeyConstraint(
            ["root_id"], ["footprints.id"], name=op.f("fk_footprint_claims_root_id_footprints")
        ),
        sa.PrimaryKeyConstraint("footprint_id", name=op.f("pk_footprint_claims")),
    )
    with op.batch_alter_table("footprint_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_footprint_claims_reference"), ["reference"], unique=False
        )

    conn = op.get_bind()
    parts = _backfill_parts(conn)
    _backfill_claims(conn, parts)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("uq_orders_live_footprint")


def _backfill_parts(conn: Any) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {}
    for fid, document in conn.execute(
        sa.text("SELECT id, document FROM footprints WHERE kind = 'event'")
    ):
        event = json.loads(document)["inputs"].get("event") or {}
        parts[fid] = list(dict.fromkeys(event.get("footprints") or []))
    rows = [{"e": event, "p": part} for event, ids in parts.items() for part in ids]
    if rows:
        conn.execute(
            sa.text("INSERT INTO footprint_parts (event_id, part_id) VALUES (:e, :p)"), rows
        )
    return parts


def _backfill_claims(conn: Any, parts: dict[str, list[str]]) -> None:
    """Oldest live order first; a footprint an older order claimed already (a double claim
    made before this migration) stays with the older one, and is logged."""
    claimed: dict[str, str] = {}
    live = conn.execute(
        sa.text(
            "SELECT id, footprint_id, created_at FROM orders WHERE status IN "
            "('awaiting_payment', 'paid', 'retired') AND footprint_id IS NOT NULL "
            "ORDER BY created_at, id"
        )
    )
    for order_id, root, created_at in live:
        for fid in _members(root, parts):
            if fid in claimed:
                log.warning("order %s: footprint %s is claimed by %s", order_id, fid, claimed[fid])
                continue
            claimed[fid] = order_id
            conn.execute(
                sa.text(
                    "INSERT INTO footprint_claims (footprint_id, root_id, reference, claimed_at) "
                    "VALUES (:f, :r, :o, :at)"
                ),
                {"f": fid, "r": root, "o": order_id, "at": created_at},
            )


def _members(root: str, parts: dict[str, list[str]]) -> list[str]:
    seen, todo = [root], list(parts.get(root, []))
    while todo:
        fid = todo.pop()
        if fid not in seen:
            seen.append(fid)
            todo.extend(parts.get(fid, []))
    return seen


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "uq_orders_live_footprint",
            ["footprint_id"],
            unique=True,
            postgresql_where=sa.text(LIVE),
            sqlite_where=sa.text(LIVE),
        )
    with op.batch_alter_table("footprint_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footprint_claims_reference"))
    op.drop_table("footprint_claims")
    op.drop_table("footprint_parts")
