"""On PostgreSQL, through the real API with real commits: clerks verifying one certificate at
the same moment meet at the unique index; exactly one wins and the others get 409 naming the
court that verified it and when."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.accounts.models import (
    CourtLevel,
    Role,
    User,
)
from backend.courts.models import (
    AuditEntry,
    CourtCase,
    Verification,
)
from tests import factories as f
from tests.concurrency import together

THREADS = 6
T = 1_000_000


@dataclass
class Live:
    app: Flask
    sessions: sessionmaker[Session]
    case_id: str
    number: str
    clerks: list[str]


@pytest.fixture
def live(app, committing) -> Iterator[Live]:
    """A court, two clerks, a case and a defendant's paid judicial certificate, all really
    committed (and deleted afterwards by `committing`)."""
    using = app.extensions["db"].sessions_from(committing)
    using.__enter__()
    client = app.test_client()
    with committing() as s:
        high = f.court(s, "并发高院", CourtLevel.high)
        mid = f.court(s, "并发中院", CourtLevel.intermediate, parent=high)
        basic = f.court(s, "并发基层法院", CourtLevel.basic, parent=mid)
        project = f.project(s, standard="CDCER", ptype="forestry", province="CN-SC")
        lot = f.lot(s, project, 10, price=1290)
        family = f.user(s, "家属")
        courts, ids = [high.id, mid.id, basic.id], (project.id, lot.id, family.id)
        clerks = [f.court_staff(client, s, basic, Role.clerk) for _ in range(2)]
    try:
        case = f.open_case(
            client, clerks[0], courts[2], defendants=[{"name": "被告人"}], mass_g=2 * T
        )
        token = f.sign_in(client, s.get_one(User, ids[2]).phone)
        link = case["defendants"][0]["purchase_url"].rsplit("/", 1)[1]
        order = client.post(
            f"/api/v1/court-purchases/{link}/orders",
            json={"mass_g": 2 * T},
            headers=f.order_headers(token),
        ).get_json()
        paid = client.post(
            f"/api/v1/orders/{order['id']}/confirm", json={}, headers=f.bearer(token)
        ).get_json()
        yield Live(app, committing, case["id"], paid["certificate_number"], clerks)
    finally:
        using.__exit__(None, None, None)


def test_clerks_verifying_one_certificate_at_once_make_one_verification(live):
    def attempt(i: int) -> tuple[int, dict]:
        resp = live.app.test_client().post(
            f"/api/v1/court-cases/{live.case_id}/verifications",
            json={"certificate_number": live.number},
            headers=f.bearer(live.clerks[i % 2]),
        )
        return resp.status_code, resp.get_json()

    results = together(THREADS, attempt)
    codes = sorted(r[0] for r in results if isinstance(r, tuple))
    assert codes == [201] + [409] * (THREADS - 1), results
    winner = next(body for code, body in results if code == 201)
    for code, body in results:
        if code == 409:
            assert body["type"] == "/problems/already-verified"
            assert body["verified_by_court"] == "并发基层法院"
            assert body["verified_at"] == winner["verified_at"]
    with live.sessions() as s:
        n = s.scalar(
            select(func.count())
            .select_from(Verification)
            .where(Verification.certificate_number == live.number)
        )
        assert n == 1
        actions = list(
            s.scalars(select(AuditEntry.action).where(AuditEntry.case_id == live.case_id))
        )
        assert actions.count("certificate.verified") == 1
        assert actions.count("verification.refused") == THREADS - 1
        assert s.get_one(CourtCase, live.case_id).status == "fulfilled"
