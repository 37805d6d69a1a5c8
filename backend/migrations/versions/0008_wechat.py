"""wechat

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 04:30:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """WeChat official accounts, their followers, and the messages handled (for retries)."""
    op.create_table(
        "wechat_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("appid", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_sealed", sa.String(length=300), nullable=False),
        sa.Column("aes_key_sealed", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_wechat_accounts_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_wechat_accounts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_accounts")),
        sa.UniqueConstraint("appid", name=op.f("uq_wechat_accounts_appid")),
        sa.UniqueConstraint("slug", name=op.f("uq_wechat_accounts_slug")),
    )
    op.create_index(
        op.f("ix_wechat_accounts_organisation_id"),
        "wechat_accounts",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "wechat_followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("scene", sa.String(length=64), nullable=True),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["wechat_accounts.id"],
            name=op.f("fk_wechat_followers_account_id_wechat_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_wechat_followers_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_followers")),
        sa.UniqueConstraint(
            "account_id", "openid", name=op.f("uq_wechat_followers_account_id_openid")
        ),
    )
    op.create_index(
        op.f("ix_wechat_followers_user_id"), "wechat_followers", ["user_id"], unique=False
    )
    op.create_table(
        "wechat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["wechat_accounts.id"],
            name=op.f("fk_wechat_messages_account_id_wechat_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_messages")),
        sa.UniqueConstraint("account_id", "key", name=op.f("uq_wechat_messages_account_id_key")),
    )
    op.create_index(
        op.f("ix_wechat_messages_received_at"), "wechat_messages", ["received_at"], unique=False
    )


def downgrade() -> None:
    """Drop the WeChat tables."""
    op.drop_index(op.f("ix_wechat_messages_received_at"), table_name="wechat_messages")
    op.drop_table("wechat_messages")
    op.drop_index(op.f("ix_wechat_followers_user_id"), table_name="wechat_followers")
    op.drop_table("wechat_followers")
    op.drop_index(op.f("ix_wechat_accounts_organisation_id"), table_name="wechat_accounts")
    op.drop_table("wechat_accounts")
