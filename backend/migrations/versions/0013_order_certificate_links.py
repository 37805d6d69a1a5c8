"""orders and certificates stand on their own: the judicial flag and certificate number on the
order, the owner and the 核销 on the certificate

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Copy what orders and certificates used to ask the domains above them into their own
    rows: whether an order was bought for a court case, its certificate's number, a
    certificate's owner, and the court verification a certificate had."""
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("judicial", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("certificate_number", sa.String(length=20), nullable=True))
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("verified_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("verified_for", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            op.f("fk_certificates_user_id_users"), "users", ["user_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            op.f("fk_certificates_organisation_id_organisations"),
            "organisations",
            ["organisation_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_certificates_user_issued", ["user_id", "issued_at"])
        batch_op.create_index("ix_certificates_org_issued", ["organisation_id", "issued_at"])

    op.execute("UPDATE orders SET judicial = true WHERE id IN (SELECT order_id FROM court_orders)")
    op.execute(
        "UPDATE orders SET certificate_number = "
        "(SELECT number FROM certificates WHERE certificates.order_id = orders.id)"
    )
    op.execute(
        "UPDATE certificates SET "
        "user_id = (SELECT user_id FROM orders WHERE orders.id = certificates.order_id), "
        "organisation_id = (SELECT organisation_id FROM orders "
        "WHERE orders.id = certificates.order_id) "
        "WHERE order_id IS NOT NULL"
    )
    op.execute(
        "UPDATE certificates SET user_id = (SELECT user_id FROM point_redemptions r "
        "WHERE r.reservation_id = certificates.reservation_id) "
        "WHERE order_id IS NULL"
    )
    op.execute(
        "UPDATE certificates SET "
        "verified_at = (SELECT verified_at FROM court_verifications v "
        "WHERE v.certificate_number = certificates.number), "
        "verified_for = COALESCE((SELECT c.number FROM court_verifications v "
        "JOIN court_cases c ON c.id = v.case_id "
        "WHERE v.certificate_number = certificates.number), ''), "
        "verified_by = COALESCE((SELECT o.name FROM court_verifications v "
        "JOIN organisations o ON o.id = v.court_id "
        "WHERE v.certificate_number = certificates.number), '')"
    )


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_org_issued")
        batch_op.drop_index("ix_certificates_user_issued")
        batch_op.drop_constraint(
            op.f("fk_certificates_organisation_id_organisations"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("fk_certificates_user_id_users"), type_="foreignkey")
        for column in ("verified_for", "verified_by", "verified_at", "organisation_id", "user_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("certificate_number")
        batch_op.drop_column("judicial")
