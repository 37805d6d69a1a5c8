"""partners: a webhook attempt's error is a code with its parameters, worded when read

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-18 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """`error` and `last_error` now hold a code; rows written before keep their English text,
    which is shown as it is."""
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_params", sa.JSON(), nullable=True))
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_error_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Codes written meanwhile stay in `error` and `last_error` without their parameters."""
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_column("last_error_params")
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.drop_column("error_params")
