"""footprints: the `site` kind (a branch, office or building over a period)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-16 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("meeting", "flight", "hearing", "venue", "event")
AFTER = ("meeting", "flight", "hearing", "venue", "site", "event")


def _kind(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="footprint_kind", native_enum=False, create_constraint=True, length=16
    )


def upgrade() -> None:
    """The kind's CHECK constraint lists `site` too."""
    with op.batch_alter_table("footprints", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=_kind(BEFORE), type_=_kind(AFTER))


def downgrade() -> None:
    """Fails while site footprints exist: remove them first."""
    with op.batch_alter_table("footprints", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=_kind(AFTER), type_=_kind(BEFORE))
