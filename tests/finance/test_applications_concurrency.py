"""On PostgreSQL, with real commits: approvals, declines and the applicant's withdrawal of one
leg under review race through the API. Exactly one wins, every other gets a clean 409, and the
audit trail holds exactly one step out of under_review."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from backend.finance.product_models import Leg, Step
from tests.concurrency import together
from tests.finance.lend_helpers import application_body, apply, enterprise, institution, publish
from tests.finance.lend_helpers import step as leg_step
from tests.registry.conftest import REAL_USCC

RACERS = 12


def test_one_step_out_of_under_review_wins(app, committing):
    with app.extensions["db"].sessions_from(committing):
        client = app.test_client()
        with committing() as s:
            bank = institution(client, s, "并发银行", REAL_USCC[0])
            company = enterprise(client, s, "并发企业")
        product = publish(client, bank)
        made = apply(client, company, application_body([product]))
        assert made.status_code == 201, made.get_json()
        app_id, leg_id = made.get_json()["id"], made.get_json()["legs"][0]["id"]
        assert leg_step(client, bank.headers, app_id, leg_id, "under_review").status_code == 200

        def go(i: int) -> tuple[int, str]:
            c = app.test_client()
            if i % 3 == 0:
                resp = leg_step(c, company.headers, app_id, leg_id, "withdrawn")
            elif i % 3 == 1:
                resp = leg_step(c, bank.headers, app_id, leg_id, "approved", amount_fen=100_000_00)
            else:
                resp = leg_step(c, bank.headers, app_id, leg_id, "declined", reason="额度已满")
            return resp.status_code, str(resp.get_json().get("code"))

        results = together(RACERS, go)
    statuses = Counter(r[0] for r in results if isinstance(r, tuple))
    assert statuses == {200: 1, 409: RACERS - 1}, results
    assert {r[1] for r in results if r[0] == 409} == {"finance.leg_state"}
    with committing() as s:
        leg = s.get_one(Leg, leg_id)
        trail = list(s.scalars(select(Step).where(Step.leg_id == leg_id).order_by(Step.id)))
        assert [t.to_state for t in trail][:2] == ["applied", "under_review"]
        assert len(trail) == 3
        assert trail[2].to_state == leg.state
        assert trail[2].from_state == "under_review"
