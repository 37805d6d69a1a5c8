"""courts: what a case still needs is a bound the database enforces

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 02:10:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CHECK = "ordered_g >= 0 AND (purchase_limit_g IS NULL OR ordered_g <= purchase_limit_g)"


def upgrade() -> None:
    """Count the grams in live orders per defendant and per case, with the most each may
    reach. A defendant or case already over-bought before this migration keeps what it bought
    as its limit (nothing more can be bought for it)."""
    for table in ("court_cases", "court_defendants"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("ordered_g", sa.BigInteger(), nullable=False, server_default="0")
            )
            batch_op.add_column(sa.Column("purchase_limit_g", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("court_orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("counted", sa.Boolean(), nullable=False, server_default=sa.true())
        )

    op.execute(
        "UPDATE court_orders SET counted = (SELECT status IN ('awaiting_payment', 'paid', "
        "'retired') FROM orders WHERE orders.id = court_orders.order_id)"
    )
    op.execute(
        "UPDATE court_defendants SET ordered_g = (SELECT COALESCE(SUM(o.mass_g), 0) "
        "FROM court_orders co JOIN orders o ON o.id = co.order_id "
        "WHERE co.counted AND co.defendant_id = court_defendants.id)"
    )
    op.execute(
        "UPDATE court_cases SET ordered_g = (SELECT COALESCE(SUM(o.mass_g), 0) "
        "FROM court_orders co JOIN orders o ON o.id = co.order_id "
        "WHERE co.counted AND co.case_id = court_cases.id)"
    )
    op.execute(
        "UPDATE court_defendants SET purchase_limit_g = (SELECT CASE WHEN "
        "c.mass_g > court_defendants.ordered_g THEN c.mass_g ELSE court_defendants.ordered_g END "
        "FROM court_cases c WHERE c.id = court_defendants.case_id AND c.mass_basis = "
        "'per_defendant')"
    )
    op.execute(
        "UPDATE court_cases SET purchase_limit_g = CASE WHEN mass_g > ordered_g THEN mass_g "
        "ELSE ordered_g END WHERE mass_basis = 'total'"
    )
    for table in ("court_cases", "court_defendants"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_ordered_within_limit"), CHECK)


def downgrade() -> None:
    with op.batch_alter_table("court_orders", schema=None) as batch_op:
        batch_op.drop_column("counted")
    for table in ("court_defendants", "court_cases"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_ordered_within_limit"), type_="check")
            batch_op.drop_column("purchase_limit_g")
            batch_op.drop_column("ordered_g")
