"""courts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 04:30:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

APPEND_ONLY = ("court_verifications", "court_audit")


def upgrade() -> None:
    """Courts, cases, defendants, their orders, verifications (once per certificate) and the
    append-only audit log."""
    op.create_table(
        "courts",
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("province", sa.String(length=6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_courts_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_courts")),
    )
    op.create_table(
        "court_cases",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("offence", sa.String(length=200), nullable=False),
        sa.Column("site_place", sa.String(length=200), nullable=False),
        sa.Column("site_province", sa.String(length=6), nullable=False),
        sa.Column("mass_g", sa.BigInteger(), nullable=False),
        sa.Column(
            "mass_basis",
            sa.Enum(
                "per_defendant",
                "total",
                name="mass_basis",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("eligible", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "fulfilled",
                "closed",
                name="case_status",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fulfilled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.String(length=300), nullable=False),
        sa.CheckConstraint("mass_g > 0", name=op.f("ck_court_cases_mass_positive")),
        sa.CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL)",
            name=op.f("ck_court_cases_closed_iff_closed_at"),
        ),
        sa.ForeignKeyConstraint(
            ["court_id"],
            ["courts.organisation_id"],
            name=op.f("fk_court_cases_court_id_courts"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_court_cases_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_cases")),
        sa.UniqueConstraint("court_id", "number", name=op.f("uq_court_cases_court_id_number")),
    )
    op.create_index(
        "ix_court_cases_court_created", "court_cases", ["court_id", "created_at"], unique=False
    )
    op.create_table(
        "court_defendants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_cases.id"], name=op.f("fk_court_defendants_case_id_court_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_defendants")),
        sa.UniqueConstraint(
            "case_id", "position", name=op.f("uq_court_defendants_case_id_position")
        ),
        sa.UniqueConstraint("token", name=op.f("uq_court_defendants_token")),
    )
    op.create_table(
        "court_orders",
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("defendant_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_cases.id"], name=op.f("fk_court_orders_case_id_court_cases")
        ),
        sa.ForeignKeyConstraint(
            ["defendant_id"],
            ["court_defendants.id"],
            name=op.f("fk_court_orders_defendant_id_court_defendants"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_court_orders_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_court_orders")),
    )
    op.create_index(op.f("ix_court_orders_case_id"), "court_orders", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_court_orders_defendant_id"), "court_orders", ["defendant_id"], unique=False
    )
    op.create_table(
        "court_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_number", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("defendant_id", sa.Integer(), nullable=False),
        sa.Column("mass_g", sa.BigInteger(), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mass_g > 0", name=op.f("ck_court_verifications_mass_positive")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["court_cases.id"],
            name=op.f("fk_court_verifications_case_id_court_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["certificate_number"],
            ["certificates.number"],
            name=op.f("fk_court_verifications_certificate_number_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["court_id"],
            ["courts.organisation_id"],
            name=op.f("fk_court_verifications_court_id_courts"),
        ),
        sa.ForeignKeyConstraint(
            ["defendant_id"],
            ["court_defendants.id"],
            name=op.f("fk_court_verifications_defendant_id_court_defendants"),
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["users.id"],
            name=op.f("fk_court_verifications_verified_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_verifications")),
        sa.UniqueConstraint(
            "certificate_number", name=op.f("uq_court_verifications_certificate_number")
        ),
    )
    op.create_index(
        op.f("ix_court_verifications_case_id"), "court_verifications", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_court_verifications_court_id"), "court_verifications", ["court_id"], unique=False
    )
    op.create_table(
        "court_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_court_audit_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["court_cases.id"], name=op.f("fk_court_audit_case_id_court_cases")
        ),
        sa.ForeignKeyConstraint(
            ["court_id"],
            ["courts.organisation_id"],
            name=op.f("fk_court_audit_court_id_courts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_audit")),
    )
    op.create_index("ix_court_audit_case", "court_audit", ["case_id", "id"], unique=False)
    op.create_index(op.f("ix_court_audit_court_id"), "court_audit", ["court_id"], unique=False)
    for table in APPEND_ONLY:
        append_only(table)


def append_only(table: str) -> None:
    """Refuse UPDATE and DELETE, in the database itself (refuse_change() comes from 0006)."""
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
    """Drop the courts tables (their triggers go with them)."""
    op.drop_index(op.f("ix_court_audit_court_id"), table_name="court_audit")
    op.drop_index("ix_court_audit_case", table_name="court_audit")
    op.drop_table("court_audit")
    op.drop_index(op.f("ix_court_verifications_court_id"), table_name="court_verifications")
    op.drop_index(op.f("ix_court_verifications_case_id"), table_name="court_verifications")
    op.drop_table("court_verifications")
    op.drop_index(op.f("ix_court_orders_defendant_id"), table_name="court_orders")
    op.drop_index(op.f("ix_court_orders_case_id"), table_name="court_orders")
    op.drop_table("court_orders")
    op.drop_table("court_defendants")
    op.drop_index("ix_court_cases_court_created", table_name="court_cases")
    op.drop_table("court_cases")
    op.drop_table("courts")
