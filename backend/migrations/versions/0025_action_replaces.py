"""points: an action keeps the mode its trip replaced (methodology 2026.2's bike and walk)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-20 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Earlier actions replaced nothing that was recorded: NULL."""
    with op.batch_alter_table("green_actions") as batch:
        batch.add_column(sa.Column("replaces", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("green_actions") as batch:
        batch.drop_column("replaces")
