"""points: on PostgreSQL the pool follows each INSERT into point_transfers once per statement
(a transition table), not once per row

A partner batch of 1,000 people inserts 1,000 earn transfers in one statement; row-level triggers
updated the single pool row 1,000 times, each UPDATE a new version of that row while its lock
was held. One statement-level trigger takes the statement's earns less its reversals at once;
the pool's CHECK still refuses a statement that would overdraw it. SQLite has only row-level
triggers (and one writer at a time): its triggers of 0023 stay.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 18:00:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROW_TRIGGERS = {  # 0023's: (condition on NEW, change of balance)
    "point_transfers_pool_earn": ("NEW.kind = 'earn'", "- NEW.amount"),
    "point_transfers_pool_reverse": ("NEW.kind = 'reverse'", "+ NEW.amount"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in ROW_TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON point_transfers")
        op.execute(f"DROP FUNCTION {name}()")
    # Only a statement with earns or reversals touches (and locks) the pool: confirmations,
    # redemptions and expiries never wait for it.
    op.execute(
        "CREATE FUNCTION point_transfers_pool() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE change bigint; BEGIN "
        "SELECT SUM(CASE kind WHEN 'earn' THEN -amount ELSE amount END) INTO change "
        "FROM new_transfers WHERE kind IN ('earn', 'reverse'); "
        "IF change IS NOT NULL THEN "
        "UPDATE point_pool SET balance = balance + change WHERE id = 1; "
        "END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER point_transfers_pool AFTER INSERT ON point_transfers "
        "REFERENCING NEW TABLE AS new_transfers FOR EACH STATEMENT "
        "EXECUTE FUNCTION point_transfers_pool()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER point_transfers_pool ON point_transfers")
    op.execute("DROP FUNCTION point_transfers_pool()")
    for name, (when, change) in ROW_TRIGGERS.items():
        update = f"UPDATE point_pool SET balance = balance {change} WHERE id = 1;"  # noqa: S608 - constants
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {update} RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} AFTER INSERT ON point_transfers FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION {name}()"
        )
