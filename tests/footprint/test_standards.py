"""Claim standards: mee-2019 (the default: no radiative forcing) and climate-impact (with it),
stored with each footprint; footprints made before standards replay as they were."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import insert

from backend.core.clock import utcnow
from backend.footprint import factors, services, standards
from backend.footprint.models import Footprint
from backend.footprint.schemas import FootprintCreateSchema

CTU_PEK = {"from": "CTU", "to": "PEK"}
FLIGHT = {"kind": "flight", "flight": CTU_PEK}


def post(client, body):
    return client.post("/api/v1/footprints", json=body)


def test_flights_default_to_mee_2019_without_rf(client):
    body = post(client, FLIGHT).get_json()
    assert body["standard"] == {
        "id": "mee-2019",
        "name_zh": standards.MEE_2019.name_zh,
        "name_en": standards.MEE_2019.name_en,
        "radiative_forcing": False,
    }
    (line,) = body["breakdown"]["lines"]
    assert line["factor"]["key"] == "transport.flight.short_haul.economy"
    assert "flight.radiative_forcing" not in {d["field"] for d in body["defaults"]}


def test_climate_impact_counts_rf_and_says_so(client):
    plain = post(client, FLIGHT).get_json()
    body = post(client, {**FLIGHT, "standard": "climate-impact"}).get_json()
    assert body["standard"]["id"] == "climate-impact"
    assert body["standard"]["radiative_forcing"] is True
    (line,) = body["breakdown"]["lines"]
    assert line["factor"]["key"] == "transport.flight.short_haul.economy.rf"
    # DESNZ 2025 short-haul economy: 0.12576 with RF / 0.07435 without = 1.6915
    ratio = Decimal(body["mass_g"]) / Decimal(plain["mass_g"])
    assert Decimal("1.69") < ratio < Decimal("1.70")


def test_rf_that_contradicts_the_standard_is_a_422(client):
    resp = post(client, {"kind": "flight", "flight": {**CTU_PEK, "radiative_forcing": True}})
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "flight.radiative_forcing"
    ok = {**FLIGHT, "standard": "climate-impact"}
    assert post(client, {**ok, "flight": {**CTU_PEK, "radiative_forcing": True}}).status_code == 201
    assert post(client, {**FLIGHT, "standard": "iso-9999"}).status_code == 422


def test_an_event_takes_parts_of_its_own_standard_only(client):
    part = post(client, {**FLIGHT, "standard": "climate-impact"}).get_json()
    event = {"kind": "event", "event": {"name": "x", "footprints": [part["id"]]}}
    resp = post(client, event)
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "event.footprints.0"
    assert post(client, {**event, "standard": "climate-impact"}).status_code == 201


def test_the_factor_listing_documents_both_standards(client):
    listed = client.get("/api/v1/factors").get_json()["standards"]
    by_id = {s["id"]: s for s in listed}
    assert set(by_id) == {"mee-2019", "climate-impact"}
    mee = by_id["mee-2019"]
    assert mee["radiative_forcing"] is False
    assert all(mee[k] for k in ("boundary_zh", "boundary_en", "name_zh"))
    assert "mee.gov.cn" in mee["citation"]["url"]
    kinds = {c["id"]: c for c in mee["accepted_credits"]}
    assert {"CCER", "CDCER", "CEA", "pilot-allowance", "CER"} == set(kinds)
    assert kinds["CDCER"]["citation"]["title"].startswith("《四川碳市场运行报告（2023）》")
    assert kinds["CER"]["project_country"] == "CN"
    assert by_id["climate-impact"]["radiative_forcing"] is True


def test_which_credits_a_claim_may_use():
    assert standards.accepts("mee-2019", "CCER")
    assert standards.accepts("mee-2019", "CDCER")
    assert standards.accepts("mee-2019", "CER", project_country="CN")
    assert not standards.accepts("mee-2019", "CER", project_country="IN")
    assert not standards.accepts("mee-2019", "VCU")


def test_a_footprint_made_before_standards_replays_as_it_was(db_session):
    """2025.1 counted RF by default; a stored footprint without a standard keeps that."""
    req = FootprintCreateSchema().load({**FLIGHT, "factor_set": "2025.1"})
    legacy, _ = services.calculate(factors.get("2025.1"), req.kind, req.section)
    factor = legacy.lines[0].factor
    assert factor is not None
    assert factor.key.endswith(".rf")
    document = {
        "id": "fp_legacy1",
        "mass_g": legacy.mass_g,
        "inputs": {**FLIGHT, "factor_set": "2025.1"},
    }
    db_session.execute(
        insert(Footprint),
        {
            "id": "fp_legacy1",
            "kind": "flight",
            "name": "",
            "factor_set": "2025.1",
            "mass_g": legacy.mass_g,
            "document": json.dumps(document),
            "created_at": utcnow(),
        },
    )
    stored = db_session.get(Footprint, "fp_legacy1")
    assert services.standard_of(stored) is None
    assert services.replay(db_session, stored) == legacy.mass_g
