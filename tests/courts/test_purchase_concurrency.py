"""On PostgreSQL, through the real API with real commits: ten people ordering at once for one
defendant who owes 1 t never order more than 1 t between them (issue 16, hole 11: five of them
used to succeed)."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.accounts.models import CourtLevel, Role
from backend.courts.models import CourtCase, Defendant
from backend.orders.models import Order
from tests import factories as f
from tests.concurrency import together

T = 1_000_000
PEOPLE = 10


def test_ten_people_ordering_at_once_for_one_defendant_never_pass_what_is_owed(app, committing):
    with app.extensions["db"].sessions_from(committing):
        client = app.test_client()
        with committing() as s:
            court = f.court(s, "并发法院", CourtLevel.high)
            project = f.project(s, standard="CDCER", ptype="forestry", province="CN-SC")
            f.lot(s, project, 100, price=1290)
            clerk = f.court_staff(client, s, court, Role.clerk)
            phones = [f.user(s, f"家属{i}").phone for i in range(PEOPLE)]
        case = f.open_case(
            client,
            clerk,
            court.id,
            defendants=[{"name": "被告人"}],
            mass_basis="per_defendant",
            mass_g=T,
        )
        link = case["defendants"][0]["purchase_url"].rsplit("/", 1)[1]
        tokens = [f.sign_in(client, phone) for phone in phones]

        def order(i: int) -> tuple[int, dict]:
            resp = app.test_client().post(
                f"/api/v1/court-purchases/{link}/orders",
                json={"mass_g": 300_000},
                headers=f.order_headers(tokens[i]),
            )
            return resp.status_code, resp.get_json()

        results = together(PEOPLE, order)
    codes = [r[0] for r in results if isinstance(r, tuple)]
    assert len(codes) == PEOPLE, results
    assert codes.count(201) == 3, results  # 0.9 t of the 1 t owed; a fourth would pass it
    assert set(codes) <= {201, 409, 422}, results
    with committing() as s:
        live = s.scalar(
            select(func.coalesce(func.sum(Order.mass_g), 0)).where(
                Order.status == "awaiting_payment", Order.judicial.is_(True)
            )
        )
        defendant = s.scalars(select(Defendant).where(Defendant.case_id == case["id"])).one()
        assert live == defendant.ordered_g == 900_000
        assert s.get_one(CourtCase, case["id"]).ordered_g == 900_000
