"""points: sponsor-issued bonuses and each sponsor's bonus budget (kept by triggers); refused
honours of reward codes; credits: grams held for sponsors, out of every order's reach

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-21 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUDGET = {  # the sponsor's bonus budget follows: (table, condition on NEW, statement)
    "point_sponsors_budget": (
        "point_sponsors",
        "TRUE",
        "INSERT INTO point_sponsor_budgets (sponsor_id, bonus_left) "
        "VALUES (NEW.organisation_id, 0);",
    ),
    "point_fundings_sponsor_budget": (
        "point_fundings",
        "NEW.sponsor_id IS NOT NULL",
        "UPDATE point_sponsor_budgets SET bonus_left = bonus_left + NEW.points "
        "WHERE sponsor_id = NEW.sponsor_id;",
    ),
    "point_bonuses_sponsor_budget": (
        "point_bonuses",
        "TRUE",
        "UPDATE point_sponsor_budgets SET bonus_left = bonus_left - NEW.points "
        "WHERE sponsor_id = NEW.sponsor_id;",
    ),
}


def upgrade() -> None:
    """The budgets open at what each sponsor funded (no bonus existed); credits its sponsors
    funded and have not retired are held in their lots, as far as the lots still have them."""
    op.create_table(
        "point_sponsor_budgets",
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("bonus_left", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "bonus_left >= 0", name=op.f("ck_point_sponsor_budgets_bonus_left_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["point_sponsors.organisation_id"],
            name=op.f("fk_point_sponsor_budgets_sponsor_id_point_sponsors"),
        ),
        sa.PrimaryKeyConstraint("sponsor_id", name=op.f("pk_point_sponsor_budgets")),
    )
    op.execute(
        "INSERT INTO point_sponsor_budgets (sponsor_id, bonus_left) "
        "SELECT s.organisation_id, COALESCE(SUM(f.points), 0) FROM point_sponsors s "
        "LEFT JOIN point_fundings f ON f.sponsor_id = s.organisation_id "
        "GROUP BY s.organisation_id"
    )
    op.create_table(
        "point_bonuses",
        sa.Column("action_id", sa.String(length=40), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("awarded_by_id", sa.Integer(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points > 0", name=op.f("ck_point_bonuses_points_positive")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["green_actions.id"],
            name=op.f("fk_point_bonuses_action_id_green_actions"),
        ),
        sa.ForeignKeyConstraint(
            ["awarded_by_id"], ["users.id"], name=op.f("fk_point_bonuses_awarded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["point_sponsors.organisation_id"],
            name=op.f("fk_point_bonuses_sponsor_id_point_sponsors"),
        ),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_point_bonuses")),
    )
    op.create_index("ix_point_bonuses_sponsor", "point_bonuses", ["sponsor_id", "awarded_at"])
    op.create_table(
        "reward_code_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("message", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_reward_code_refusals_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["point_sponsors.organisation_id"],
            name=op.f("fk_reward_code_refusals_sponsor_id_point_sponsors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_code_refusals")),
    )
    op.create_index("ix_reward_code_refusals_sponsor", "reward_code_refusals", ["sponsor_id", "at"])
    _triggers()
    for table in ("point_bonuses", "reward_code_refusals"):
        _append_only(table)
    _holds()


def _triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, (table, when, statement) in BUDGET.items():
        if postgres:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {statement} RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER INSERT ON {table} FOR EACH ROW "
                f"WHEN ({when}) EXECUTE FUNCTION {name}()"
            )
        else:
            when = when.replace("TRUE", "1")
            op.execute(
                f"CREATE TRIGGER {name} AFTER INSERT ON {table} WHEN {when} BEGIN {statement} END"
            )


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE (as 0006 and 0023 do; 0006's function is reused)."""
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


def _holds() -> None:
    """`lots.held_g` (within `reserved_g`, by a CHECK) and the holds; each sponsor's funded
    credits not yet retired move from available to held, lot by lot in id order."""
    op.execute(
        "ALTER TABLE lots ADD COLUMN held_g BIGINT DEFAULT 0 NOT NULL "
        "CONSTRAINT ck_lots_held_within_reserved CHECK (held_g >= 0 AND held_g <= reserved_g)"
    )
    op.create_table(
        "credit_holds",
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("held_g", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("held_g >= 0", name=op.f("ck_credit_holds_held_not_negative")),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lots.id"], name=op.f("fk_credit_holds_lot_id_lots"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("holder", "lot_id", name=op.f("pk_credit_holds")),
    )
    bind = op.get_bind()
    funded = bind.execute(
        sa.text("SELECT sponsor_id, project_id, left_g FROM point_sponsor_credits WHERE left_g > 0")
    ).all()
    for sponsor_id, project_id, left_g in funded:
        lots = bind.execute(
            sa.text(
                "SELECT id, available_g FROM lots WHERE project_id = :p AND available_g > 0 "
                "ORDER BY id"
            ),
            {"p": project_id},
        ).all()
        for lot_id, available_g in lots:
            take = min(left_g, available_g)
            if take <= 0:
                break
            bind.execute(
                sa.text(
                    "UPDATE lots SET available_g = available_g - :g, reserved_g = reserved_g + :g, "
                    "held_g = held_g + :g WHERE id = :lot"
                ),
                {"g": take, "lot": lot_id},
            )
            bind.execute(
                sa.text("INSERT INTO credit_holds (holder, lot_id, held_g) VALUES (:h, :lot, :g)"),
                {"h": f"sponsor:{sponsor_id}", "lot": lot_id, "g": take},
            )
            left_g -= take


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(
        "UPDATE lots SET available_g = available_g + held_g, reserved_g = reserved_g - held_g, "
        "held_g = 0"
    )
    op.drop_table("credit_holds")
    # SQLite drops a column with its own CHECK (added with it above) without copying the table
    op.execute("ALTER TABLE lots DROP COLUMN held_g")
    for name, (table, _, _) in BUDGET.items():
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgres else f"DROP TRIGGER {name}")
        if postgres:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_index("ix_reward_code_refusals_sponsor", table_name="reward_code_refusals")
    op.drop_table("reward_code_refusals")
    op.drop_index("ix_point_bonuses_sponsor", table_name="point_bonuses")
    op.drop_table("point_bonuses")
    op.drop_table("point_sponsor_budgets")
