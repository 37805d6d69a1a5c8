"""On PostgreSQL: the unpaid cap's lock on the owner queues one owner's orders, and blocks
nothing else that refers to the owner.

Found by bench/nodes.py: sixteen staff ordering for one organisation deadlocked every second.
An order took the organisation's row FOR UPDATE and then waited for the hot lot; a settlement
held that lot and marked its order retired, an update whose foreign key check (the order's row
was written earlier in that transaction) takes FOR KEY SHARE on the organisation, which FOR
UPDATE blocks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backend.accounts.models import Membership, Role
from backend.core.clock import utcnow
from backend.orders import holds
from tests import factories as f

LOCK_NOT_AVAILABLE = "55P03"


@pytest.fixture
def owner(committing: sessionmaker[Session]) -> Iterator[tuple[int, int]]:
    """(organisation id, a user id), committed."""
    with committing() as s:
        org = f.organisation(s)
        yield org.id, f.user(s).id


def blocked(sessions: sessionmaker[Session], statement: object) -> bool:
    """Whether `statement` waits for a lock (given 300 ms), in a transaction of its own."""
    with sessions() as s:
        s.execute(text("SET LOCAL lock_timeout = '300ms'"))
        try:
            s.execute(statement)  # type: ignore[call-overload]
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                return True
            raise
        finally:
            s.rollback()
    return False


def test_the_cap_lock_queues_orders_but_not_rows_referring_to_the_owner(committing, owner):
    org_id, user_id = owner
    with committing() as ordering:
        holds.check_cap(ordering, None, org_id, 1, holds.UnpaidLimits(), utcnow())
        # another order for the same organisation waits for this one ...
        another_order = text("SELECT id FROM organisations WHERE id = :id FOR NO KEY UPDATE")
        assert blocked(committing, another_order.bindparams(id=org_id))
        # ... but a row whose foreign key names the organisation does not
        member = insert(Membership).values(
            user_id=user_id, organisation_id=org_id, role=Role.member, created_at=utcnow()
        )
        assert not blocked(committing, member)
        ordering.rollback()
