"""The concurrency tests' one clean-up: whatever a block commits, in any table, is gone after
it, and what was there before stays."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User
from backend.core.clock import utcnow
from backend.core.events.models import OutboxEvent
from tests.concurrency import leaving_no_trace
from tests.factories import new_phone


def count(engine, model) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_rows_committed_inside_are_deleted_and_earlier_ones_stay(engine):
    with Session(engine) as s:
        kept = User(phone=new_phone(), display_name="before")
        s.add(kept)
        s.commit()
        kept_id = kept.id
    try:
        users, orgs, events = (
            count(engine, User),
            count(engine, Organisation),
            count(engine, OutboxEvent),
        )
        with leaving_no_trace(engine):
            with Session(engine) as s:
                s.add_all([User(phone=new_phone(), display_name="inside") for _ in range(3)])
                s.add(Organisation(name="临时", kind=OrgKind.company))
                s.add(OutboxEvent(id="evt_cleanup", type="t", payload={}, created_at=utcnow()))
                s.commit()
            assert count(engine, User) == users + 3
        assert (count(engine, User), count(engine, Organisation)) == (users, orgs)
        assert count(engine, OutboxEvent) == events
        with Session(engine) as s:
            assert s.get(User, kept_id) is not None
    finally:
        with Session(engine) as s:
            s.delete(s.get_one(User, kept_id))
            s.commit()
