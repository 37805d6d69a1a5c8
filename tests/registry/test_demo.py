"""The demo's registry: the company's account, a validated project with tonnes issued into its
holding, 200 t of them sold into the inventory and 300 t pledged to the demo bank (registered:
frozen in the pledge custody account), another awaiting review, and every invariant holding."""

from __future__ import annotations

from sqlalchemy import select

from backend import demo
from backend.credits.models import Lot
from backend.finance import pledge_checks
from backend.registry import checks
from backend.registry.models import Participant
from tests import factories as f


def test_the_demo_seeds_a_registry_the_check_accepts(app, client, db_session):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    account = db_session.scalars(
        select(Participant).where(Participant.uscc == demo.DEMO_USCC)
    ).one()
    listed = client.get("/api/v1/registry/public/projects").get_json()
    ours = [p for p in listed if p["owner_name"] == account.organisation.name]
    assert [(p["methodology"]["code"], p["issued_t"]) for p in ours] == [("CDCER-LD", 1000)]
    operator = f.bearer(f.sign_in(client, demo.OPERATOR_PHONE))
    queue = client.get("/api/v1/registry/review", headers=operator).get_json()
    assert [p["methodology"] for p in queue["projects"]] == ["CDCER-LP"]
    held = client.get(f"/api/v1/registry/participants/{account.id}/holdings", headers=operator)
    assert [h["tonnes"] for h in held.get_json()] == [500]  # 800 t, 300 t of them pledged
    [sold] = client.get(f"/api/v1/registry/participants/{account.id}/offers", headers=operator).json
    assert (sold["state"], sold["tonnes"], sold["transfer"]["tonnes"]) == ("accepted", 200, 200)
    lot = db_session.get(Lot, sold["transfer"]["lot_id"])
    assert (lot.price_fen_per_t, lot.acquisition_cost_fen) == (6000, 200 * 4500)
    assert checks.violations(db_session) == []
    assert pledge_checks.violations(db_session) == []
    [notice] = client.get("/api/v1/finance/pledge-notices").get_json()
    assert (notice["tonnes"], notice["pledgee_name"]) == (300, "兴业银行成都分行（示例）")
