"""market_trade_reversals: an operator reverses (冲正) a trade with new entries; funds entries
gain the reversal kinds (reversal_credit, reversal_debit, fee_refund, fee_reversal)

A reversal is its own append-only row (UNIQUE trade_id: a trade is reversed at most once; a
reversal is not a trade, so it is never reversed itself). The trade rows and their immutability
triggers are untouched. SQLite cannot alter a CHECK: market_funds_entries is rebuilt from its
own DDL with the new ones, and its indexes and append-only triggers are made again.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 21:30:00

"""

import re
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0033"
down_revision: Union[str, Sequence[str], None] = "0032"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLE = "market_funds_entries"
KIND_CHECK = "ck_market_funds_entries_funds_entry_kind"
SIGNS_CHECK = "ck_market_funds_entries_signs"
OLD_KINDS = (
    "kind IN ('deposit', 'withdrawal', 'freeze', 'release', 'trade_debit', 'trade_credit', "
    "'fee', 'fee_income')"
)
NEW_KINDS = OLD_KINDS.removesuffix(")") + (
    ", 'reversal_credit', 'reversal_debit', 'fee_refund', 'fee_reversal')"
)
OLD_SIGNS = (
    "(kind IN ('deposit', 'trade_credit', 'fee_income') AND balance_delta_fen > 0 AND "
    "frozen_delta_fen = 0) OR (kind IN ('withdrawal', 'trade_debit', 'fee') AND "
    "balance_delta_fen < 0) OR (kind = 'freeze' AND balance_delta_fen = 0 AND "
    "frozen_delta_fen > 0) OR (kind = 'release' AND balance_delta_fen = 0 AND "
    "frozen_delta_fen < 0)"
)
NEW_SIGNS = (
    "(kind IN ('deposit', 'trade_credit', 'fee_income', 'reversal_credit', 'fee_refund') AND "
    "balance_delta_fen > 0 AND frozen_delta_fen = 0) OR (kind IN ('withdrawal', 'trade_debit', "
    "'fee') AND balance_delta_fen < 0) OR (kind IN ('reversal_debit', 'fee_reversal') AND "
    "balance_delta_fen < 0 AND frozen_delta_fen = 0) OR (kind = 'freeze' AND "
    "balance_delta_fen = 0 AND frozen_delta_fen > 0) OR (kind = 'release' AND "
    "balance_delta_fen = 0 AND frozen_delta_fen < 0)"
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "market_trade_reversals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trade_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(reason) > 0", name=op.f("ck_market_trade_reversals_reason_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_market_trade_reversals_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trade_id"],
            ["market_trades.id"],
            name=op.f("fk_market_trade_reversals_trade_id_market_trades"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["registry_transfers.id"],
            name=op.f("fk_market_trade_reversals_transfer_id_registry_transfers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_trade_reversals")),
        sa.UniqueConstraint("trade_id", name=op.f("uq_market_trade_reversals_trade_id")),
        sa.UniqueConstraint("transfer_id", name=op.f("uq_market_trade_reversals_transfer_id")),
    )
    _append_only("market_trade_reversals")
    _entry_checks(OLD_KINDS, OLD_SIGNS, NEW_KINDS, NEW_SIGNS)


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE (`refuse_change()` is migration 0006's function)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def _entry_checks(old_kinds: str, old_signs: str, kinds: str, signs: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, check in ((KIND_CHECK, kinds), (SIGNS_CHECK, signs)):
            op.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {name}")
            op.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} CHECK ({check})")
        return
    ddl = bind.execute(
        sa.text(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{TABLE}'")  # noqa: S608 - a constant
    ).scalar_one()
    others = (
        bind.execute(
            sa.text(
                f"SELECT sql FROM sqlite_master WHERE tbl_name = '{TABLE}' "  # noqa: S608 - a constant
                "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
            )
        )
        .scalars()
        .all()
    )
    assert f"CHECK ({old_kinds})" in ddl, ddl  # noqa: S101 - the table 0030 made
    assert f"CHECK ({old_signs})" in ddl, ddl  # noqa: S101
    new = ddl.replace(f"CHECK ({old_kinds})", f"CHECK ({kinds})").replace(
        f"CHECK ({old_signs})", f"CHECK ({signs})"
    )
    new = re.sub(rf'^CREATE TABLE "?{TABLE}"?', f"CREATE TABLE {TABLE}_new", new)
    op.execute(new)
    op.execute(f"INSERT INTO {TABLE}_new SELECT * FROM {TABLE}")  # noqa: S608 - a constant
    op.execute(f"DROP TABLE {TABLE}")
    op.execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")
    for sql in others:
        op.execute(sql)


def downgrade() -> None:
    """Downgrade schema (refused by the old CHECKs while reversal entries exist)."""
    _entry_checks(NEW_KINDS, NEW_SIGNS, OLD_KINDS, OLD_SIGNS)
    op.drop_table("market_trade_reversals")
