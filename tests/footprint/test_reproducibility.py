"""Old footprints stay reproducible when a new factor set is published."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from backend.footprint import factors, services
from backend.footprint.models import Footprint

MEETING = {"kind": "meeting", "meeting": {"attendees": 120, "days": 2, "city": "成都"}}


@pytest.fixture
def newer_set(monkeypatch):
    """Publish a 2099.1 set in which Sichuan's grid factor doubled."""
    current = factors.get(factors.latest_version())
    grid = current.factors["electricity.grid.CN-SC"]
    newer = dataclasses.replace(
        current,
        version="2099.1",
        published=date(2099, 1, 1),
        factors={
            **current.factors,
            "electricity.grid.CN-SC": dataclasses.replace(grid, value=grid.value * 2),
        },
    )
    sets = {**factors.all_sets(), "2099.1": newer}
    monkeypatch.setattr(factors, "all_sets", lambda: sets)
    return newer


def test_each_set_gives_its_own_answer(client):
    old = client.post("/api/v1/footprints", json={**MEETING, "factor_set": "2024.1"}).get_json()
    new = client.post("/api/v1/footprints", json={**MEETING, "factor_set": "2025.1"}).get_json()
    assert old["factor_set"] == "2024.1"
    assert new["factor_set"] == "2025.1"
    assert old["mass_g"] != new["mass_g"]
    grid = {
        line["factor"]["key"]: line["factor"]["value"]
        for line in old["breakdown"]["lines"]
        if line["category"] == "venue_energy"
    }
    assert grid == {"electricity.grid.CN-SC": "0.1404"}


def test_old_footprint_survives_a_factor_update(client, db_session, newer_set):
    before = client.post("/api/v1/footprints", json={**MEETING, "factor_set": "2025.1"})
    old = before.get_json()
    after = client.post("/api/v1/footprints", json=MEETING).get_json()
    assert after["factor_set"] == "2099.1"
    assert after["mass_g"] > old["mass_g"]
    assert client.get(f"/api/v1/footprints/{old['id']}").get_json() == old
    stored = db_session.get(Footprint, old["id"])
    assert services.replay(db_session, stored) == old["mass_g"]
    grid_g = sum(
        line["mass_g"] for line in after["breakdown"]["lines"] if line["category"] == "venue_energy"
    )
    assert Decimal(grid_g) > 0


def test_replay_command_checks_every_footprint(app, client, db_session):
    for body in (MEETING, {"kind": "flight", "flight": {"from": "CTU", "to": "PEK"}}):
        assert client.post("/api/v1/footprints", json=body).status_code == 201
    fp = client.post("/api/v1/footprints", json=MEETING).get_json()
    client.post(
        "/api/v1/footprints",
        json={
            "kind": "event",
            "event": {
                "name": "x",
                "footprints": [fp["id"]],
                "components": [{"kind": "venue", "venue": {"electricity_kwh": 10}}],
            },
        },
    )
    result = app.test_cli_runner().invoke(args=["replay-footprints"])
    assert result.exit_code == 0, result.output
    assert "0 differ" in result.output
    tampered = db_session.get(Footprint, fp["id"])
    tampered.mass_g += 1
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["replay-footprints"])
    assert result.exit_code == 1
    assert fp["id"] in result.output
