"""orders: the purpose kept structured (kind, name, route), read in the person's language

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 12:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: Union[str, Sequence[str], None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """NULL for orders placed before: their text purpose is read back by `Purpose.legacy`."""
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("purpose_detail", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("purpose_detail")
