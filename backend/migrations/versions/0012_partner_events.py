"""webhook events remember the domain event they were made for

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """`cause_id`: the domain event a webhook event was made for, once per organisation."""
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause_id", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(
            "uq_webhook_events_cause_id_organisation_id", ["cause_id", "organisation_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_webhook_events_cause_id_organisation_id", type_="unique")
        batch_op.drop_column("cause_id")
