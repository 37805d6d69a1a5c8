"""lots.market_trade_id: the market trade a lot was bought in, when 点点 restocked its retirement
inventory on the market (backend/market/restock.py)

Nullable (lots bought elsewhere, or moved in from a holding, have none), unique (one trade makes
at most one lot) and RESTRICT (a trade is never deleted anyway: triggers refuse it). On SQLite
the table is rebuilt from its own DDL (below), keeping migration 0003's lot triggers.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 20:45:00

"""

import re
from collections.abc import Callable
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0032"
down_revision: Union[str, Sequence[str], None] = "0031"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FK = "fk_lots_market_trade_id_market_trades"
UX = "ux_lots_market_trade_id"


REFERENCE = (
    f", CONSTRAINT {FK} FOREIGN KEY(market_trade_id) REFERENCES market_trades (id)"
    " ON DELETE RESTRICT"
)


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("lots", sa.Column("market_trade_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            FK, "lots", "market_trades", ["market_trade_id"], ["id"], ondelete="RESTRICT"
        )
    else:
        op.execute("ALTER TABLE lots ADD COLUMN market_trade_id INTEGER")  # among the columns
        _rebuild_lots_on_sqlite(lambda ddl: ddl.rstrip().removesuffix(")") + REFERENCE + ")")
    op.create_index(UX, "lots", ["market_trade_id"], unique=True)


def _rebuild_lots_on_sqlite(change: Callable[[str], str]) -> None:
    """SQLite adds a column only with an inline REFERENCES, which its reflection reads without
    ON DELETE (and cannot drop a column a foreign key names); so the table is rebuilt from its
    own DDL, changed, and its indexes and triggers (migration 0003's) are made again, as 0030
    did for registry_transfers."""
    bind = op.get_bind()
    ddl = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'lots'")
    ).scalar_one()
    others = (
        bind.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'lots' "
                "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
            )
        )
        .scalars()
        .all()
    )
    columns = ", ".join(r[1] for r in bind.execute(sa.text("PRAGMA table_info(lots)")))
    op.execute(re.sub(r'^CREATE TABLE "?lots"?', "CREATE TABLE lots_new", change(ddl)))
    op.execute(f"INSERT INTO lots_new ({columns}) SELECT {columns} FROM lots")  # noqa: S608 - the table's own column names
    op.execute("DROP TABLE lots")
    op.execute("ALTER TABLE lots_new RENAME TO lots")
    for sql in others:
        op.execute(sql)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(UX, table_name="lots")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(FK, "lots", type_="foreignkey")
    else:
        _rebuild_lots_on_sqlite(lambda ddl: ddl.replace(REFERENCE, ""))
    op.drop_column("lots", "market_trade_id")
