"""Projects and lots: operators add them, anyone browses them, ranges never overlap."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from backend.credits.catalogue import LotFields, new_lot
from backend.credits.models import GRAMS_PER_TONNE
from tests import factories as f

PROJECT = {
    "standard": "CDCER",
    "registry_id": "CDCER-LP-099",
    "name_zh": "川西林盘（测试）",
    "name_en": "Linpan (test)",
    "type": "linpan",
    "methodology": "CDCER 川西林盘",
    "country": "CN",
    "province": "CN-SC",
}


def test_operator_adds_project_and_lot(client, db_session):
    h = f.bearer(f.operator_token(client, db_session))
    p = client.post("/api/v1/projects", json=PROJECT, headers=h)
    assert p.status_code == 201, p.get_json()
    lot = client.post(
        "/api/v1/lots",
        headers=h,
        json={
            "project_id": p.get_json()["id"],
            "vintage": 2022,
            "serial_range": "CDCER-2022-1-100",
            "first_unit": 1,
            "last_unit": 100,
            "acquisition_cost_fen": 90_000,
            "price_fen_per_t": 1290,
        },
    )
    assert lot.status_code == 201, lot.get_json()
    body = lot.get_json()
    assert body["tonnes"] == 100
    assert body["available_g"] == 100 * GRAMS_PER_TONNE
    assert body["standard"] == "CDCER"
    again = client.post("/api/v1/projects", json=PROJECT, headers=h)
    assert again.status_code == 409


def test_only_operators_manage_inventory(client, db_session):
    citizen = f.bearer(f.sign_in(client, f.user(db_session).phone))
    assert client.post("/api/v1/projects", json=PROJECT, headers=citizen).status_code == 403
    assert client.post("/api/v1/projects", json=PROJECT).status_code == 401
    assert client.get("/api/v1/lots", headers=citizen).status_code == 403
    assert client.get("/api/v1/credits/totals", headers=citizen).status_code == 403


def test_overlapping_lot_is_refused_by_the_service_and_the_database(client, db_session):
    h = f.bearer(f.operator_token(client, db_session))
    p = f.project(db_session, "VCU", "biogas")
    f.lot(db_session, p, 100, first_unit=1000)
    body = {
        "project_id": p.id,
        "vintage": 2020,
        "serial_range": "VCU-1099-1200",
        "first_unit": 1099,
        "last_unit": 1200,
        "acquisition_cost_fen": 0,
        "price_fen_per_t": 1,
    }
    resp = client.post("/api/v1/lots", json=body, headers=h)
    assert resp.status_code == 409
    assert resp.get_json()["type"] == "/problems/overlapping-units"
    clash = new_lot(p, LotFields(2020, "x", 1050, 1060, acquisition_cost_fen=0, price_fen_per_t=1))
    db_session.add(clash)
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()
    other_registry = f.project(db_session, "CER", "wind")
    assert f.lot(db_session, other_registry, 100, first_unit=1000).id  # another registry: fine


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"last_unit": 5}, "last_unit"),
        ({"price_fen_per_t": -1}, "price_fen_per_t"),
        ({"vintage": 1980}, "vintage"),
        ({"first_unit": "10"}, "first_unit"),
        ({"serial_range": ""}, "serial_range"),
        ({"serial_range": "CCER-2016-10-19"}, "serial_range"),  # not the lot's units
        ({"serial_range": "CCER-2016-0000000010"}, "serial_range"),  # one of them only
        ({"available_g": 5}, "available_g"),
    ],
)
def test_bad_lot_is_422(client, db_session, body, field):
    h = f.bearer(f.operator_token(client, db_session))
    p = f.project(db_session)
    base = {
        "project_id": p.id,
        "vintage": 2020,
        "serial_range": "CCER-2016-0000000010-0000000020",
        "first_unit": 10,
        "last_unit": 20,
        "acquisition_cost_fen": 0,
        "price_fen_per_t": 100,
    }
    resp = client.post("/api/v1/lots", json={**base, **body}, headers=h)
    assert resp.status_code == 422
    assert field in [e["field"] for e in resp.get_json()["errors"]]


def test_browse_projects_with_filters(client, db_session):
    hydro = f.project(db_session, "CCER", "hydro", "CN-SC")
    wind = f.project(db_session, "CCER", "wind", "CN-YN")
    sink = f.project(db_session, "CDCER", "forestry", "CN-SC")
    f.lot(db_session, hydro, 10, vintage=2016)
    f.lot(db_session, hydro, 5, vintage=2019)
    f.lot(db_session, wind, 7, vintage=2021)
    empty = f.lot(db_session, sink, 3, vintage=2022)
    empty.available_g, empty.allocated_g = 0, 3 * GRAMS_PER_TONNE
    db_session.commit()

    def ids(query):
        resp = client.get("/api/v1/projects" + query)
        assert resp.status_code == 200, resp.get_json()
        return {p["id"] for p in resp.get_json()} & {hydro.id, wind.id, sink.id}

    assert ids("") == {hydro.id, wind.id, sink.id}
    assert ids("?standard=CDCER") == {sink.id}
    assert ids("?type=wind&type=hydro") == {hydro.id, wind.id}
    assert ids("?region=CN-SC") == {hydro.id, sink.id}
    assert ids("?vintage_from=2019&vintage_to=2021") == {hydro.id, wind.id}
    assert ids("?has_available=true") == {hydro.id, wind.id}
    assert ids("?has_available=false") == {sink.id}
    listed = {p["id"]: p for p in client.get("/api/v1/projects?vintage_from=2019").get_json()}
    assert listed[hydro.id]["available_g"] == 5 * GRAMS_PER_TONNE
    assert client.get("/api/v1/projects?standard=GOLD").status_code == 422
    assert client.get("/api/v1/projects?vintage_from=2022&vintage_to=2020").status_code == 422


def test_project_shows_availability_by_vintage(client, db_session):
    p = f.project(db_session)
    f.lot(db_session, p, 10, vintage=2016)
    f.lot(db_session, p, 20, vintage=2016)
    f.lot(db_session, p, 5, vintage=2018)
    body = client.get(f"/api/v1/projects/{p.id}").get_json()
    assert body["vintages"] == [
        {"vintage": 2016, "tonnes": 30, "available_g": 30 * GRAMS_PER_TONNE},
        {"vintage": 2018, "tonnes": 5, "available_g": 5 * GRAMS_PER_TONNE},
    ]
    assert body["available_g"] == 35 * GRAMS_PER_TONNE
    assert client.get("/api/v1/projects/999999").status_code == 404
