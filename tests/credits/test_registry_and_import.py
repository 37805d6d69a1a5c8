"""Registry retirement batches, the CSV import, demo inventory and operator totals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from backend.core import uow
from backend.credits import catalogue, importer, inventory, registry
from backend.credits.models import (
    GRAMS_PER_TONNE,
    Lot,
    Project,
    ProjectType,
    RegistryRetirement,
    Standard,
    Unit,
)
from tests import factories as f

T = GRAMS_PER_TONNE


def _retired_units(db_session, tonnes=3):
    p = f.project(db_session)
    lot = f.lot(db_session, p, 10, first_unit=40_000)
    r = f.reserve(db_session, inventory.Preferences(project_ids=(p.id,)), tonnes * T)
    f.retire(db_session, r.id)
    return lot


def test_registry_batch_marks_units_and_refuses_a_second_claim(client, db_session):
    lot = _retired_units(db_session)
    h = f.bearer(f.operator_token(client, db_session))
    pending = client.get("/api/v1/credits/units", headers=h).get_json()
    assert {u["serial"] for u in pending if u["lot_id"] == lot.id} == {40_000, 40_001, 40_002}
    body = {
        "standard": "CCER",
        "registry_ref": "CCER-RET-2026-0001",
        "retired_on": "2026-11-20T00:00:00+08:00",
        "units": [{"lot_id": lot.id, "first_serial": 40_000, "last_serial": 40_001}],
    }
    first = client.post("/api/v1/registry-retirements", json=body, headers=h)
    assert first.status_code == 201, first.get_json()
    again = client.post(
        "/api/v1/registry-retirements",
        headers=h,
        json={**body, "registry_ref": "CCER-RET-2026-0002"},
    )
    assert again.status_code == 409
    assert again.get_json()["type"] == "/problems/already-retired"
    unopened = client.post(
        "/api/v1/registry-retirements",
        headers=h,
        json={
            **body,
            "registry_ref": "CCER-RET-2026-0003",
            "units": [{"lot_id": lot.id, "first_serial": 40_002, "last_serial": 40_005}],
        },
    )
    assert unopened.status_code == 409
    retired = db_session.scalars(
        select(Unit).where(Unit.lot_id == lot.id, Unit.retirement_id.is_not(None))
    ).all()
    assert {u.serial for u in retired} == {40_000, 40_001}
    outside = client.post(
        "/api/v1/registry-retirements",
        headers=h,
        json={
            **body,
            "registry_ref": "X",
            "units": [{"lot_id": lot.id, "first_serial": 1, "last_serial": 2}],
        },
    )
    assert outside.status_code == 422
    naive = client.post(
        "/api/v1/registry-retirements",
        headers=h,
        json={**body, "retired_on": "2026-11-20T00:00:00"},
    )
    assert naive.status_code == 422


CSV_HEADER = (
    "standard,project_registry_id,vintage,serial_range,first_unit,last_unit,"
    "acquisition_cost_fen,price_fen_per_t\n"
)


def _import(app, tmp_path, text):
    path = tmp_path / "lots.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["credits", "import", str(path)])


def test_import_adds_every_row(app, db_session, tmp_path):
    p = f.project(db_session, "CDCER", "greenway")
    result = _import(
        app,
        tmp_path,
        CSV_HEADER
        + f"CDCER,{p.registry_id},2022,CDCER-2022-LD-1-500,1,500,450000,1250\n"
        + f"CDCER,{p.registry_id},2023,CDCER-2023-LD-501-800,501,800,270000,1300\n",
    )
    assert result.exit_code == 0, result.output
    assert "Imported 2 lots, 800 t" in result.output
    lots = db_session.scalars(select(Lot).where(Lot.project_id == p.id)).all()
    assert sorted(lot.available_g for lot in lots) == [300 * T, 500 * T]


def test_a_bad_row_rejects_the_whole_file(app, db_session, tmp_path):
    p = f.project(db_session, "CDCER", "greenway")
    before = db_session.scalar(select(func.count()).select_from(Lot))
    result = _import(
        app,
        tmp_path,
        CSV_HEADER
        + f"CDCER,{p.registry_id},2022,CDCER-2022-1-500,1,500,0,1250\n"
        + f"CDCER,{p.registry_id},20x2,bad,501,600,0,1250\n"
        + f"GOLD,{p.registry_id},2022,bad,601,700,0,1250\n"
        + f"CDCER,{p.registry_id},2022,CDCER-2022-400-450,400,450,0,1250\n"
        + "CDCER,NOPE,2022,missing project,900,950,0,1250\n"
        + f"CDCER,{p.registry_id},2022,backwards,999,990,0,-5\n",
    )
    assert result.exit_code != 0
    out = result.output
    assert "row 3, vintage" in out
    assert "row 4, standard" in out
    assert "row 5, first_unit: units overlap row 2" in out
    assert "row 6, project_registry_id" in out
    assert "row 7, last_unit" in out
    assert "row 7, price_fen_per_t" in out
    assert "nothing was imported" in out
    assert db_session.scalar(select(func.count()).select_from(Lot)) == before


def test_import_checks_the_header_and_existing_lots(app, db_session, tmp_path):
    p = f.project(db_session, "CCER")
    f.lot(db_session, p, 10, first_unit=77_000)
    wrong = _import(app, tmp_path, "standard,vintage\nCCER,2020\n")
    assert "row 1, project_registry_id: missing column" in wrong.output
    row = f"CCER,{p.registry_id},2020,S-77005-77100,77005,77100,0,1\n"
    clash = _import(app, tmp_path, CSV_HEADER + row)
    assert "overlap existing lot" in clash.output
    empty = _import(app, tmp_path, CSV_HEADER)
    assert empty.exit_code != 0


def test_demo_inventory_and_totals(app, client, db_session):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    h = f.bearer(f.sign_in(client, "+8613800138000"))
    totals = client.get("/api/v1/credits/totals", headers=h).get_json()
    assert set(totals["by_standard"]) == {"CCER", "CDCER", "VCU", "CER"}
    assert {"hydro", "coal_bed_methane", "wind", "forestry", "greenway"} <= set(totals["by_type"])
    assert {"CN-SC", "CN-GZ", "CN-YN"} <= set(totals["by_province"])
    months = totals["allocated_by_month"]
    assert (
        sum(sum(v.values()) for v in months.values())
        == sum(t["allocated_g"] for t in totals["by_standard"].values())
        > 0
    )
    assert app.test_cli_runner().invoke(args=["credits", "check"]).exit_code == 0


def _fails_after(db_session, work) -> None:
    """Run `work` in a unit of work that then fails, as a request or command that raises."""

    def run() -> None:
        with uow.transaction(db_session):
            work()
            raise RuntimeError("the caller fails after the service returned")

    db_session.commit()  # what the test set up stays
    with pytest.raises(RuntimeError):
        run()


def test_an_import_is_the_caller_s_to_commit(db_session):
    p = f.project(db_session, "CDCER", "greenway")
    text = CSV_HEADER + f"CDCER,{p.registry_id},2022,CDCER-2022-X-1-5,1,5,0,1250\n"
    _fails_after(db_session, lambda: importer.import_lots(db_session, text))
    assert db_session.scalars(select(Lot).where(Lot.project_id == p.id)).all() == []


def test_a_registry_retirement_is_the_caller_s_to_commit(db_session):
    lot = _retired_units(db_session)

    def record() -> None:
        registry.record(
            db_session,
            standard=Standard.CCER,
            registry_ref="CCER-RET-UOW",
            retired_on=datetime(2026, 11, 20, tzinfo=UTC),
            note="",
            ranges=[(lot.id, 40_000, 40_002)],
        )

    _fails_after(db_session, record)
    claimed = select(Unit).where(Unit.lot_id == lot.id, Unit.retirement_id.is_not(None))
    assert db_session.scalars(claimed).all() == []
    assert db_session.scalars(select(RegistryRetirement)).all() == []


def test_a_new_project_is_the_caller_s_to_commit(db_session):
    new = catalogue.NewProject(
        standard=Standard.VCU,
        registry_id="VCS-UOW-1",
        name_zh="单元",
        name_en="unit of work",
        type=ProjectType.wind,
        methodology="ACM0002",
        country="CN",
    )
    _fails_after(db_session, lambda: catalogue.create_project(db_session, new))
    assert db_session.scalars(select(Project).where(Project.registry_id == "VCS-UOW-1")).all() == []
