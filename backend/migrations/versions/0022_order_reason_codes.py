"""orders: reasons stored by code (worded in the reader's language when shown)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-18 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The English words orders stored before, and their codes (backend/orders/reasons.py).
REASONS = {
    "payment received": "orders.reason.payment_received",
    "credits retired": "orders.reason.credits_retired",
    "late payment; credits reserved again": "orders.reason.paid_late",
    "refunded at the provider": "orders.reason.refunded_at_provider",
    "cancelled before the payment arrived": "orders.reason.cancelled_before_payment",
    "its footprint was neutralised by another order meanwhile": "orders.reason.footprint_taken",
    "no credits left for a payment that arrived late": "orders.reason.no_credits_left",
    "the payment provider failed": "orders.reason.provider_failed",
    "cancelled by the customer": "orders.reason.cancelled_by_customer",
    "the payment was never started": "orders.reason.never_started",
    "the payment was cancelled at the provider": "orders.reason.cancelled_at_provider",
    "not paid in time": "orders.reason.not_paid_in_time",
    "released for a court-ordered purchase": "orders.reason.for_a_court",
}
DECLINED = ("Sandbox: the payment was declined.", "orders.reason.sandbox_declined")
COLUMNS = (("orders", "refund_reason"), ("order_events", "reason"))


def _rewrite(table: str, column: str, pairs: Sequence[tuple[str, str]]) -> None:
    col = sa.column(column, sa.String())
    rows = sa.table(table, col)
    for old, new in pairs:
        op.execute(rows.update().where(col == old).values({column: new}))


def upgrade() -> None:
    """Each known English reason becomes its code; any other text stays as written."""
    for table, column in COLUMNS:
        _rewrite(table, column, list(REASONS.items()))
    _rewrite("payments", "last_error", [DECLINED])


def downgrade() -> None:
    for table, column in COLUMNS:
        _rewrite(table, column, [(code, words) for words, code in REASONS.items()])
    _rewrite("payments", "last_error", [DECLINED[::-1]])
