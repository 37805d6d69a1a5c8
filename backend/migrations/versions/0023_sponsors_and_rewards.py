"""points: sponsors fund the rewards budget (a pool kept by triggers); the rewards catalogue,
redemption codes and their honours

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-19 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Sponsors, their fundings, the pool they fill (kept by triggers), the catalogue, the
    redemptions and their honours; points issued before sponsors become an opening funding."""
    op.create_table(
        "point_pool",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_point_pool_one_row")),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_point_pool_balance_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_pool")),
    )
    op.create_table(
        "point_sponsors",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_by_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolled_by_id"], ["users.id"], name=op.f("fk_point_sponsors_enrolled_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_point_sponsors_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_point_sponsors")),
    )
    op.create_table(
        "point_sponsor_credits",
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("left_g", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("left_g >= 0", name=op.f("ck_point_sponsor_credits_left_not_negative")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_point_sponsor_credits_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["point_sponsors.organisation_id"],
            name=op.f("fk_point_sponsor_credits_sponsor_id_point_sponsors"),
        ),
        sa.PrimaryKeyConstraint("sponsor_id", "project_id", name=op.f("pk_point_sponsor_credits")),
    )
    op.create_table(
        "point_fundings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "money",
                "credits",
                "opening",
                name="funding_kind",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("points_per_fen", sa.Integer(), nullable=True),
        sa.Column("mass_g", sa.BigInteger(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("funded_by_id", sa.Integer(), nullable=True),
        sa.Column("funded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "(kind = 'credits') = (mass_g IS NOT NULL AND project_id IS NOT NULL) AND (mass_g IS NULL OR mass_g = points)",
            name=op.f("ck_point_fundings_credits"),
        ),
        sa.CheckConstraint(
            "(kind = 'money') = (amount_fen IS NOT NULL AND points_per_fen IS NOT NULL)",
            name=op.f("ck_point_fundings_money"),
        ),
        sa.CheckConstraint(
            "(kind = 'opening') = (sponsor_id IS NULL)", name=op.f("ck_point_fundings_sponsor")
        ),
        sa.CheckConstraint(
            "amount_fen IS NULL OR amount_fen > 0", name=op.f("ck_point_fundings_amount_positive")
        ),
        sa.CheckConstraint("points > 0", name=op.f("ck_point_fundings_points_positive")),
        sa.ForeignKeyConstraint(
            ["funded_by_id"], ["users.id"], name=op.f("fk_point_fundings_funded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_point_fundings_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["point_sponsors.organisation_id"],
            name=op.f("fk_point_fundings_sponsor_id_point_sponsors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_fundings")),
    )
    with op.batch_alter_table("point_fundings", schema=None) as batch_op:
        batch_op.create_index("ix_point_fundings_sponsor", ["sponsor_id", "id"], unique=False)

    op.create_table(
        "rewards",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "coupon",
                "transit",
                "ticket",
                "offset",
                name="reward_kind",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("title_zh", sa.String(length=100), nullable=False),
        sa.Column("title_en", sa.String(length=100), nullable=False),
        sa.Column("price_points", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'offset') = (project_id IS NOT NULL)", name=op.f("ck_rewards_offset_project")
        ),
        sa.CheckConstraint("price_points > 0", name=op.f("ck_rewards_price_positive")),
        sa.CheckConstraint("stock >= 0", name=op.f("ck_rewards_stock_not_negative")),
        sa.CheckConstraint("valid_until > valid_from", name=op.f("ck_rewards_validity")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_rewards_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["point_sponsors.organisation_id"],
            name=op.f("fk_rewards_sponsor_id_point_sponsors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rewards")),
    )
    with op.batch_alter_table("rewards", schema=None) as batch_op:
        batch_op.create_index("ix_rewards_sponsor", ["sponsor_id"], unique=False)

    op.create_table(
        "reward_redemptions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("reward_id", sa.String(length=40), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("certificate_number", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(code IS NULL) <> (certificate_number IS NULL)",
            name=op.f("ck_reward_redemptions_code_or_cert"),
        ),
        sa.CheckConstraint("points > 0", name=op.f("ck_reward_redemptions_points_positive")),
        sa.ForeignKeyConstraint(
            ["reward_id"], ["rewards.id"], name=op.f("fk_reward_redemptions_reward_id_rewards")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["point_sponsors.organisation_id"],
            name=op.f("fk_reward_redemptions_sponsor_id_point_sponsors"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reward_redemptions_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_redemptions")),
        sa.UniqueConstraint("code", name=op.f("uq_reward_redemptions_code")),
    )
    with op.batch_alter_table("reward_redemptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reward_redemptions_reward_id"), ["reward_id"], unique=False
        )
        batch_op.create_index("ix_reward_redemptions_user", ["user_id", "id"], unique=False)

    op.create_table(
        "reward_honours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("redemption_id", sa.String(length=40), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("honoured_by_id", sa.Integer(), nullable=False),
        sa.Column("honoured_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["honoured_by_id"], ["users.id"], name=op.f("fk_reward_honours_honoured_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["redemption_id"],
            ["reward_redemptions.id"],
            name=op.f("fk_reward_honours_redemption_id_reward_redemptions"),
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["point_sponsors.organisation_id"],
            name=op.f("fk_reward_honours_sponsor_id_point_sponsors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_honours")),
        sa.UniqueConstraint("redemption_id", name=op.f("uq_reward_honours_redemption_id")),
    )
    _opening()
    _triggers()
    append_only("point_fundings")
    append_only("reward_honours")


def _opening() -> None:
    """Points already issued (earned less reversed) were funded by nobody: an opening funding
    records them, so `-issued == funded` holds from the start, and the pool starts empty."""
    issued = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT COALESCE(SUM(CASE t.kind WHEN 'earn' THEN t.amount ELSE -t.amount END), 0) "
                "FROM point_transfers t WHERE t.kind IN ('earn', 'reverse')"
            )
        )
        .scalar_one()
    )
    if issued:
        op.execute(
            sa.text(
                "INSERT INTO point_fundings (kind, points, funded_at, memo) "
                "VALUES ('opening', :points, CURRENT_TIMESTAMP, :memo)"
            ).bindparams(points=issued, memo="points issued before sponsors (migration 0023)")
        )
    op.execute("INSERT INTO point_pool (id, balance) VALUES (1, 0)")


POOL = {  # the pool follows: (table, condition on NEW, change of balance)
    "point_fundings_pool": ("point_fundings", "TRUE", "+ NEW.points"),
    "point_transfers_pool_earn": ("point_transfers", "NEW.kind = 'earn'", "- NEW.amount"),
    "point_transfers_pool_reverse": ("point_transfers", "NEW.kind = 'reverse'", "+ NEW.amount"),
}


def _triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, (table, when, change) in POOL.items():
        update = f"UPDATE point_pool SET balance = balance {change} WHERE id = 1;"  # noqa: S608 - constants
        if postgres:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {update} RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER INSERT ON {table} FOR EACH ROW "
                f"WHEN ({when}) EXECUTE FUNCTION {name}()"
            )
        else:
            when = when.replace("TRUE", "1")
            op.execute(
                f"CREATE TRIGGER {name} AFTER INSERT ON {table} WHEN {when} BEGIN {update} END"
            )


def append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on a ledger table (as 0006 does; its function is reused)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, (table, _, _) in POOL.items():
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgres else f"DROP TRIGGER {name}")
        if postgres:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("reward_honours")
    with op.batch_alter_table("reward_redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_reward_redemptions_user")
        batch_op.drop_index(batch_op.f("ix_reward_redemptions_reward_id"))

    op.drop_table("reward_redemptions")
    with op.batch_alter_table("rewards", schema=None) as batch_op:
        batch_op.drop_index("ix_rewards_sponsor")

    op.drop_table("rewards")
    with op.batch_alter_table("point_fundings", schema=None) as batch_op:
        batch_op.drop_index("ix_point_fundings_sponsor")

    op.drop_table("point_fundings")
    op.drop_table("point_sponsor_credits")
    op.drop_table("point_sponsors")
    op.drop_table("point_pool")
