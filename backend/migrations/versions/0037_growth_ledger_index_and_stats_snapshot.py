"""growth: an index for the public ledger's pages and the snapshot `/stats` is served from

`/ledger` pages certificates newest first by (issued_at, id): without an index PostgreSQL sorted
every certificate for each page. `/stats` aggregated every valid certificate's allocations per
request; the worker now stores its figures every STATS_REFRESH_S and the route reads that row
(bench/growth.py, docs/scaling.md#growth).

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-08 01:26:25.826403

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0037"
down_revision: Union[str, Sequence[str], None] = "0036"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "certificate_stats_snapshots",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_certificate_stats_snapshots")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index("ix_certificates_issued", ["issued_at", "id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_issued")
    op.drop_table("certificate_stats_snapshots")
