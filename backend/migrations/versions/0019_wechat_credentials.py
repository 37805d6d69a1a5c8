"""accounts: the official account's cached access_token and jsapi_ticket (JS-SDK scanning)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-17 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One row per app and kind, shared by every worker; values are sealed."""
    op.create_table(
        "wechat_credentials",
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value_sealed", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "kind", name=op.f("pk_wechat_credentials")),
    )


def downgrade() -> None:
    """Only a cache: WeChat gives new ones on the next request."""
    op.drop_table("wechat_credentials")
