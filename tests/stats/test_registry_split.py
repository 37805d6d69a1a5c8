"""`/stats` and the market report show grams retired at the registry apart from those whose
registry retirement is pending: pending grams are never presented as done."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from backend.certificates.models import Certificate
from backend.core import uow
from backend.credits import registry
from backend.credits.models import Standard
from backend.stats import charts, services
from tests import factories as f

YEAR = 2042  # a year no other test issues certificates in
T = 1_000_000


@pytest.fixture
def neutralised(client, db_session, buyer, monkeypatch: pytest.MonkeyPatch) -> dict:
    """2.5 t of a CDCER lot, certified in 2042 and pending at the registry."""
    when = datetime(YEAR, 6, 1, 4, tzinfo=UTC)
    monkeypatch.setattr("backend.orders.settlement.utcnow", lambda: when)
    p = f.project(db_session, "CDCER", "greenway", "CN-SC")
    lot = f.lot(db_session, p, 10, price=1250)
    order = f.neutralise(
        client, buyer.token, mass_g=5 * T // 2, preferences={"project_ids": [p.id]}
    )
    cert = db_session.query(Certificate).filter_by(number=order["certificate_number"]).one()
    first = json.loads(cert.document)["credits"][0]["first_serial"]
    return {"lot": lot, "first": first}


def _retire_two_units(db_session, neutralised: dict) -> None:
    with uow.transaction(db_session):
        registry.record(
            db_session,
            standard=Standard.CDCER,
            registry_ref="CDCER-ZX-2042-0001",
            retired_on=datetime(YEAR, 6, 20, tzinfo=UTC),
            note="",
            ranges=[(neutralised["lot"].id, neutralised["first"], neutralised["first"] + 1)],
        )


def _row(rows: list[dict], key: str) -> dict:
    return next(r for r in rows if r["key"] == key)


def test_the_report_splits_retired_from_pending(client, db_session, neutralised):
    body = client.get(f"/api/v1/stats/report?year={YEAR}").get_json()
    assert (body["mass_g"], body["registry_retired_g"], body["registry_pending_g"]) == (
        5 * T // 2,
        0,
        5 * T // 2,
    )
    _retire_two_units(db_session, neutralised)
    body = client.get(f"/api/v1/stats/report?year={YEAR}").get_json()
    assert (body["registry_retired_g"], body["registry_pending_g"]) == (2 * T, T // 2)
    cdcer = _row(body["by_standard"], "CDCER")
    assert (cdcer["registry_retired_g"], cdcer["registry_pending_g"]) == (2 * T, T // 2)
    greenway = _row(body["by_project_type"], "greenway")
    assert (greenway["registry_retired_g"], greenway["registry_pending_g"]) == (2 * T, T // 2)
    assert _row(body["by_standard"], "CCER")["registry_pending_g"] == 0
    # the charts say so too, under the year's total
    drawn = charts.texts("by-standard", services.report(db_session, YEAR))
    assert "全年碳中和 1 次，2.500 t：已在登记簿注销 2.000 t，登记注销待办 500.00 kg" in drawn
    assert "1 neutralisations, 2.500 t: 2.000 t retired at the registry, 500.00 kg pending" in drawn


def test_stats_split_retired_from_pending(client, db_session, buyer):
    before = client.get("/api/v1/stats").get_json()
    p = f.project(db_session, "CDCER", "linpan", "CN-SC")
    f.lot(db_session, p, 10, price=1290)
    order = f.neutralise(
        client, buyer.token, mass_g=5 * T // 2, preferences={"project_ids": [p.id]}
    )
    after = client.get("/api/v1/stats").get_json()
    assert after["registry_pending_g"] - before["registry_pending_g"] == 5 * T // 2
    assert after["registry_retired_g"] == before["registry_retired_g"]
    cert = db_session.query(Certificate).filter_by(number=order["certificate_number"]).one()
    credit = json.loads(cert.document)["credits"][0]
    with uow.transaction(db_session):
        registry.record(
            db_session,
            standard=Standard.CDCER,
            registry_ref="CDCER-ZX-STATS-1",
            retired_on=datetime.now(UTC),
            note="",
            ranges=[(credit["lot_id"], credit["first_serial"], credit["last_serial"])],
        )
    done = client.get("/api/v1/stats").get_json()
    assert done["registry_retired_g"] - before["registry_retired_g"] == 5 * T // 2
    assert done["registry_pending_g"] == before["registry_pending_g"]
    assert done["registry_retired_g"] + done["registry_pending_g"] == done["mass_g"]
    for table in ("by_standard", "by_project_type", "by_province", "by_month"):
        for r in done[table]:
            assert r["registry_retired_g"] + r["registry_pending_g"] == r["mass_g"], table
