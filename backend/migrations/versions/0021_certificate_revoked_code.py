"""certificates: a revocation by the platform keeps its reason as a message code

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-18 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUNDED = "certificates.revoked_refunded"


def upgrade() -> None:
    """Refunds revoked certificates with English words ("payment refunded: ..."); they now
    carry the code, worded in the reader's language (the old words stay, no longer shown)."""
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(
            sa.Column("revoked_code", sa.String(length=64), nullable=False, server_default="")
        )
    certificates = sa.table(
        "certificates", sa.column("revoked_reason", sa.String), sa.column("revoked_code", sa.String)
    )
    op.execute(
        certificates.update()
        .where(certificates.c.revoked_reason.like("payment refunded:%"))
        .values(revoked_code=REFUNDED)
    )


def downgrade() -> None:
    """Revocations made since keep no words of their own: they read as a refund, in English."""
    certificates = sa.table(
        "certificates", sa.column("revoked_reason", sa.String), sa.column("revoked_code", sa.String)
    )
    op.execute(
        certificates.update()
        .where(certificates.c.revoked_code == REFUNDED, certificates.c.revoked_reason == "")
        .values(revoked_reason="payment refunded")
    )
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("revoked_code")
