"""Issuance within the verified reductions, contiguous serial ranges that never overlap (the
database refuses them), holdings moved only by transfers, the move into inventory, the trace of
a certificate's grams back to its monitoring report, the public pages and `flask registry check`."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from backend.certificates import issuing
from backend.certificates import services as certificates
from backend.credits.models import Lot, Project
from backend.credits.serials import names_its_units
from backend.registry import checks
from backend.registry.models import Holding, Issuance, MonitoringReport
from tests import factories as f
from tests.registry.conftest import issue, verified_report


def test_issuance_is_whole_tonnes_in_a_contiguous_registry_range(client, owner, operator):
    pid, rid = verified_report(client, owner, operator, verified_t=500)
    first = issue(client, operator, rid, 300)
    assert first.status_code == 201, first.get_json()
    a = first.get_json()
    second = issue(client, operator, rid, 200).get_json()
    assert a["tonnes"] == 300
    assert a["vintage"] == 2025
    assert second["first_unit"] == a["last_unit"] + 1  # the next units of the standard
    assert a["serial_range"] == f"CDCER-2025-ZL{pid:04d}-{a['first_unit']:08d}-{a['last_unit']:08d}"
    assert names_its_units(a["serial_range"], a["first_unit"], a["last_unit"])
    held = client.get(
        f"/api/v1/registry/participants/{owner.participant_id}/holdings", headers=owner.headers
    ).get_json()
    assert [(h["tonnes"], h["vintage"], h["standard"], h["project_id"]) for h in held] == [
        (300, 2025, "CDCER", pid),
        (200, 2025, "CDCER", pid),
    ]


def test_over_issuance_is_a_409_and_issues_nothing(client, owner, operator, db_session):
    _, rid = verified_report(client, owner, operator, verified_t=500)
    assert issue(client, operator, rid, 499).status_code == 201
    over = issue(client, operator, rid, 2)
    assert over.status_code == 409
    assert over.get_json()["code"] == "registry.over_issuance"
    assert over.get_json()["params"] == {"tonnes": 2, "remaining_t": 1}
    assert issue(client, operator, rid, 1).status_code == 201
    assert issue(client, operator, rid, 1).status_code == 409
    report = db_session.get(MonitoringReport, rid)
    db_session.refresh(report)
    assert (report.issued_t, report.verified_t) == (500, 500)


def test_only_operators_issue_and_only_verified_reports(client, owner, operator):
    _, rid = verified_report(client, owner, operator)
    assert issue(client, owner.headers, rid, 1).status_code == 403
    assert issue(client, operator, rid, 0).status_code == 422


def test_the_database_refuses_issuing_beyond_the_verified_tonnes(
    client, owner, operator, db_session
):
    _, rid = verified_report(client, owner, operator, verified_t=10)
    with pytest.raises(DatabaseError):
        db_session.execute(
            text("UPDATE registry_monitoring_reports SET issued_t = 11 WHERE id = :id"), {"id": rid}
        )


def test_the_database_refuses_overlapping_serials_and_shared_holdings(
    client, owner, operator, db_session
):
    _, rid = verified_report(client, owner, operator)
    a = issue(client, operator, rid, 100).get_json()
    issued = db_session.get(Issuance, a["id"])
    nested = db_session.begin_nested()
    db_session.add(
        Issuance(
            report_id=rid,
            project_id=issued.project_id,
            standard=issued.standard,
            vintage=2025,
            serial_range="x",
            first_unit=a["last_unit"],
            last_unit=a["last_unit"] + 5,
        )
    )
    with pytest.raises(DatabaseError):
        db_session.flush()
    nested.rollback()
    holding = db_session.scalars(select(Holding).where(Holding.issuance_id == a["id"])).one()
    nested = db_session.begin_nested()
    db_session.add(
        Holding(
            participant_id=owner.participant_id,
            issuance_id=a["id"],
            standard=holding.standard,
            first_unit=a["first_unit"] + 10,
            last_unit=a["first_unit"] + 10,
        )
    )
    with pytest.raises(DatabaseError):
        db_session.flush()
    nested.rollback()
    nested = db_session.begin_nested()
    with pytest.raises(DatabaseError):  # never empty, never negative
        db_session.execute(
            text("UPDATE registry_holdings SET first_unit = last_unit + 1 WHERE id = :id"),
            {"id": holding.id},
        )
    nested.rollback()
    nested = db_session.begin_nested()
    with pytest.raises(DatabaseError):  # issuances are append-only
        db_session.execute(text("DELETE FROM registry_issuances WHERE id = :id"), {"id": a["id"]})
    nested.rollback()


def _to_inventory(client, owner, operator, holding_id, tonnes, price=1500):
    """The holder offers tonnes at 25.00 yuan a tonne, the operator accepts: the moved lot."""
    made = client.post(
        f"/api/v1/registry/holdings/{holding_id}/offers",
        json={"tonnes": tonnes, "price_fen_per_t": 2500},
        headers=owner.headers,
    )
    if made.status_code != 201:
        return made
    return client.post(
        f"/api/v1/registry/offers/{made.get_json()['id']}/acceptance",
        json={"price_fen_per_t": price},
        headers=operator,
    )


def test_moving_into_inventory_makes_a_lot_with_the_same_serials(
    client, owner, operator, db_session
):
    pid, rid = verified_report(client, owner, operator)
    a = issue(client, operator, rid, 100).get_json()
    [h] = client.get(
        f"/api/v1/registry/participants/{owner.participant_id}/holdings", headers=owner.headers
    ).get_json()
    too_many = _to_inventory(client, owner, operator, h["id"], 101)
    assert (too_many.status_code, too_many.get_json()["errors"][0]["field"]) == (422, "tonnes")
    moved = _to_inventory(client, owner, operator, h["id"], 40)
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert body["state"] == "accepted"
    lot = db_session.get(Lot, body["transfer"]["lot_id"])
    assert (lot.acquisition_cost_fen, lot.price_fen_per_t) == (40 * 2500, 1500)
    assert (lot.first_unit, lot.last_unit) == (a["first_unit"], a["first_unit"] + 39)
    assert lot.registry_issuance_id == a["id"]
    assert lot.serial_range == (
        f"CDCER-2025-ZL{pid:04d}-{a['first_unit']:08d}-{a['first_unit'] + 39:08d}"
    )
    project = db_session.get(Project, lot.project_id)
    assert (project.standard, project.registry_id, project.type) == (
        "CDCER",
        f"CDCER-ZL-{pid:04d}",
        "forestry",
    )
    [rest] = client.get(
        f"/api/v1/registry/participants/{owner.participant_id}/holdings", headers=owner.headers
    ).get_json()
    assert (rest["first_unit"], rest["tonnes"]) == (a["first_unit"] + 40, 60)
    whole = _to_inventory(client, owner, operator, h["id"], 60).get_json()  # the holding goes
    assert (
        client.get(
            f"/api/v1/registry/participants/{owner.participant_id}/holdings", headers=owner.headers
        ).get_json()
        == []
    )
    assert db_session.get(Lot, whole["transfer"]["lot_id"]).project_id == project.id
    assert checks.violations(db_session) == []


def test_a_certificates_grams_trace_back_to_the_monitoring_report(
    client, owner, operator, db_session, buyer
):
    pid, rid = verified_report(client, owner, operator)
    a = issue(client, operator, rid, 5).get_json()
    [h] = client.get(
        f"/api/v1/registry/participants/{owner.participant_id}/holdings", headers=owner.headers
    ).get_json()
    moved = _to_inventory(client, owner, operator, h["id"], 5, price=1).get_json()
    lot_id = moved["transfer"]["lot_id"]
    lot = db_session.get(Lot, lot_id)
    order = f.neutralise(
        client,
        buyer.token,
        mass_g=1_500_000,
        beneficiary="大运会",
        preferences={"project_ids": [lot.project_id]},
    )
    url = f"/api/v1/registry/trace/{order['certificate_number']}"
    assert client.get(url).status_code == 404  # a bare number leaks nothing
    assert client.get(url, query_string={"k": "WRONG-CODE"}).status_code == 404
    resp = client.get(url, headers=f.bearer(buyer.token))  # its owner reads it in full
    assert resp.status_code == 200, resp.get_json()
    code = issuing.check_code(certificates.get(db_session, order["certificate_number"]))
    assert client.get(url, query_string={"k": code}).get_json() == resp.get_json()
    trace = resp.get_json()
    assert sum(u["mass_g"] for u in trace["units"]) == 1_500_000
    first = trace["units"][0]
    assert first["serial"] == f"CDCER-2025-ZL{pid:04d}-{a['first_unit']:08d}-{a['first_unit']:08d}"
    origin = first["origin"]
    assert (origin["project_id"], origin["report_id"], origin["issuance_id"]) == (pid, rid, a["id"])
    assert (origin["period_start"], origin["period_end"], origin["verified_t"]) == (
        "2025-01-01",
        "2025-12-31",
        500,
    )
    assert first["registry_ref"] is None  # allocated; registry retirement pending
    assert (first["standard"], first["project_registry_id"]) == ("CDCER", f"CDCER-ZL-{pid:04d}")
    assert first["lot_serial_range"] == lot.serial_range
    retired = client.post(
        "/api/v1/registry-retirements",
        json={
            "standard": "CDCER",
            "registry_ref": "THTF-2026-0001",
            "retired_on": "2026-12-01T00:00:00+08:00",
            "units": [
                {
                    "lot_id": lot_id,
                    "first_serial": a["first_unit"],
                    "last_serial": a["first_unit"] + 1,
                }
            ],
        },
        headers=operator,
    )
    assert retired.status_code == 201, retired.get_json()
    again = client.get(url, query_string={"k": code}).get_json()
    assert {u["registry_ref"] for u in again["units"]} == {"THTF-2026-0001"}
    assert (
        client.get("/api/v1/registry/trace/DD-0000-000000", query_string={"k": code}).status_code
        == 404
    )

    page = client.get(f"/api/v1/registry/public/projects/{pid}").get_json()
    assert (page["issued_t"], page["retired_g"], page["owner_name"]) == (
        5,
        1_500_000,
        "龙泉山林业有限公司",
    )
    assert page["issuances"][0]["serial_range"] == a["serial_range"]
    assert "contact" not in str(page)
    assert "uscc" not in page
    listed = client.get("/api/v1/registry/public/projects").get_json()
    assert pid in [p["id"] for p in listed]


def test_drafts_are_not_public(client, owner):
    from tests.registry.conftest import register

    pid = register(client, owner).get_json()["id"]
    assert client.get(f"/api/v1/registry/public/projects/{pid}").status_code == 404
    assert pid not in [p["id"] for p in client.get("/api/v1/registry/public/projects").get_json()]


def test_registry_check_passes_on_sound_rows_and_names_a_broken_one(
    app, client, owner, operator, db_session
):
    _, rid = verified_report(client, owner, operator)
    a = issue(client, operator, rid, 50).get_json()
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["registry", "check"])
    assert result.exit_code == 0, result.output
    assert "invariants hold" in result.output
    # a holding that grew without a transfer (the DB allows it: the check catches it)
    db_session.execute(
        text("UPDATE registry_holdings SET last_unit = last_unit - 1 WHERE issuance_id = :i"),
        {"i": a["id"]},
    )
    found = checks.violations(db_session)
    assert any("transfers give" in v for v in found), found
