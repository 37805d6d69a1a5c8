"""accounts: consents, WeChat sign-in identities, and erasable users

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-15 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, length: int, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade() -> None:
    """A user may be erased (phone gone, the row kept for the ledgers); consents are recorded
    per text and version; WeChat identities are stored per app, and used OAuth states kept
    while a state lives."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("phone", existing_type=sa.String(length=20), nullable=True)
        batch_op.create_check_constraint(
            "phone_until_erased", "(phone IS NULL) = (erased_at IS NOT NULL)"
        )

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "document",
            _enum("legal_document", 10, "terms", "privacy", "judicial", "travel"),
            nullable=False,
        ),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consents_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index("ix_consents_user_document", "consents", ["user_id", "document", "id"])

    op.create_table(
        "wechat_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column(
            "app", _enum("wechat_app", 20, "official_account", "mini_program"), nullable=False
        ),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("unionid", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_wechat_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_identities")),
        sa.UniqueConstraint("app_id", "openid", name=op.f("uq_wechat_identities_app_id_openid")),
        sa.UniqueConstraint("user_id", "app_id", name=op.f("uq_wechat_identities_user_id_app_id")),
    )
    op.create_index("ix_wechat_identities_unionid", "wechat_identities", ["unionid"])

    op.create_table(
        "wechat_oauth_states",
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_wechat_oauth_states")),
    )
    op.create_index(op.f("ix_wechat_oauth_states_used_at"), "wechat_oauth_states", ["used_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_wechat_oauth_states_used_at"), table_name="wechat_oauth_states")
    op.drop_table("wechat_oauth_states")
    op.drop_index("ix_wechat_identities_unionid", table_name="wechat_identities")
    op.drop_table("wechat_identities")
    op.drop_index("ix_consents_user_document", table_name="consents")
    op.drop_table("consents")
    erased = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE phone IS NULL"))
    if erased.scalar():
        raise RuntimeError("erased accounts exist: their users rows cannot have a phone again")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("phone_until_erased", type_="check")
        batch_op.alter_column("phone", existing_type=sa.String(length=20), nullable=False)
        batch_op.drop_column("erased_at")
