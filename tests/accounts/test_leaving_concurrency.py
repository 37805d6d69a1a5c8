"""On PostgreSQL with real commits: two admins leaving at once never leave their organisation
without an admin."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.accounts import memberships
from backend.accounts.models import Membership, Role, User
from backend.core import uow
from backend.core.errors import DomainError
from tests import factories as f


@pytest.fixture
def two_admins(committing: sessionmaker[Session]) -> tuple[int, list[int]]:
    with committing() as s:
        a, b = f.user(s), f.user(s)
        org = f.organisation(s, admin=a)
        f.grant(s, b, org, Role.admin)
        ids = org.id, [a.id, b.id]
    return ids


def test_two_admins_leaving_at_once_leave_one_behind(committing, two_admins):
    org_id, user_ids = two_admins
    barrier = threading.Barrier(len(user_ids))
    outcomes: list[object] = [None] * len(user_ids)

    def leave(i: int) -> None:
        with committing() as s:
            user = s.get_one(User, user_ids[i])
            barrier.wait()
            try:
                with uow.transaction(s):
                    memberships.leave(s, user, org_id)
                outcomes[i] = "left"
            except DomainError as exc:
                outcomes[i] = exc.slug

    threads = [threading.Thread(target=leave, args=(i,)) for i in range(len(user_ids))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(map(str, outcomes)) == ["last-admin", "left"]
    with committing() as s:
        admins = select(func.count()).where(
            Membership.organisation_id == org_id, Membership.role == Role.admin
        )
        assert s.scalar(admins) == 1
