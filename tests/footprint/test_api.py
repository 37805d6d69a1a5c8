"""The footprint API: validation, ownership, immutability, events and the factor listing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.accounts.auth import current_principal
from backend.core import uow
from backend.footprint import services
from backend.footprint.models import Footprint
from backend.footprint.schemas import FootprintCreateSchema
from tests import factories as f

MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}


def post(client, body, headers=None):
    return client.post("/api/v1/footprints", json=body, headers=headers or {})


def count(s) -> int:
    return s.scalar(select(func.count()).select_from(Footprint))


def test_minimal_meeting_shows_its_defaults(client):
    resp = post(client, {"kind": "meeting", "meeting": {"attendees": 50}})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["id"].startswith("fp_")
    assert body["mass_g"] > 0
    assert body["mass_g"] == sum(line["mass_g"] for line in body["breakdown"]["lines"])
    defaulted = {d["field"] for d in body["defaults"]}
    assert {
        "meeting.city",
        "meeting.days",
        "meeting.local_attendees",
        "meeting.meals",
        "meeting.venue.area_m2",
        "meeting.printed_pages",
        "meeting.waste_kg",
    } <= defaulted
    categories = set(body["breakdown"]["by_category"])
    assert {"travel", "venue_energy", "catering", "materials", "waste"} <= categories
    assert set(body["breakdown"]["by_scope"]) <= {"1", "2", "3"}
    line = body["breakdown"]["lines"][0]
    assert set(line["factor"]) >= {"value", "unit", "source", "year", "region"}
    assert len(body["trail"]) == len(body["breakdown"]["lines"])
    assert " × " in body["trail"][0]
    assert body["factor_set"]
    assert body["inputs"] == {"kind": "meeting", "meeting": {"attendees": 50}}


def test_get_returns_the_same_footprint(client):
    created = post(client, MEETING).get_json()
    again = client.get(f"/api/v1/footprints/{created['id']}")
    assert again.status_code == 200
    assert again.get_json() == created


def test_unknown_footprint_is_404(client):
    assert client.get("/api/v1/footprints/fp_doesnotexist").status_code == 404


def test_signed_in_footprint_belongs_to_user_and_org(client, db_session):
    u = f.user(db_session)
    org = f.organisation(db_session, admin=u)
    token = f.sign_in(client, u.phone)
    body = post(client, MEETING, f.bearer(token)).get_json()
    assert body["user_id"] == u.id
    assert body["organisation_id"] == org.id
    stranger = f.sign_in(client, f.user(db_session).phone)
    assert client.get(f"/api/v1/footprints/{body['id']}").status_code == 404
    assert (
        client.get(f"/api/v1/footprints/{body['id']}", headers=f.bearer(stranger)).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/footprints/{body['id']}", headers=f.bearer(token)).status_code == 200
    )


def test_api_key_files_under_its_organisation(client, db_session):
    admin = f.user(db_session)
    org = f.organisation(db_session, admin=admin)
    key = f.api_key(
        client, f.sign_in(client, admin.phone), org.id, ["footprints:read", "footprints:write"]
    )
    body = post(client, MEETING, f.bearer(key)).get_json()
    assert body["organisation_id"] == org.id
    assert body["user_id"] is None
    assert client.get(f"/api/v1/footprints/{body['id']}", headers=f.bearer(key)).status_code == 200


def test_cannot_file_under_someone_elses_organisation(client, db_session):
    u = f.user(db_session)
    other = f.organisation(db_session, admin=f.user(db_session))
    token = f.sign_in(client, u.phone)
    resp = post(client, {**MEETING, "organisation_id": other.id}, f.bearer(token))
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "organisation_id"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "concert", "meeting": {"attendees": 1}}, "kind"),
        ({"meeting": {"attendees": 1}}, "kind"),
        ({"kind": "meeting"}, "meeting"),
        (
            {
                "kind": "meeting",
                "meeting": {"attendees": 1},
                "flight": {"from": "CTU", "to": "PEK"},
            },
            "flight",
        ),
        ({"kind": "meeting", "meeting": {"attendees": -5}}, "meeting.attendees"),
        ({"kind": "meeting", "meeting": {"attendees": 1_000_001}}, "meeting.attendees"),
        ({"kind": "meeting", "meeting": {"attendees": 0}}, "meeting.attendees"),
        ({"kind": "meeting", "meeting": {"attendees": 2.5}}, "meeting.attendees"),
        ({"kind": "meeting", "meeting": {"attendees": "50"}}, "meeting.attendees"),
        ({"kind": "meeting", "meeting": {}}, "meeting.attendees"),
        ({"kind": "meeting", "meeting": {"attendees": 5, "days": 400}}, "meeting.days"),
        (
            {"kind": "meeting", "meeting": {"attendees": 5, "venue": {"green_share": 1.5}}},
            "meeting.venue.green_share",
        ),
        ({"kind": "meeting", "meeting": {"attendees": 5, "waste_kg": "NaN"}}, "meeting.waste_kg"),
        ({"kind": "meeting", "meeting": {"attendees": 5, "city": "Atlantis"}}, "meeting.city"),
        (
            {"kind": "meeting", "meeting": {"attendees": 5, "local_attendees": 6}},
            "meeting.local_attendees",
        ),
        ({"kind": "meeting", "meeting": {"attendees": 5, "colour": "green"}}, "meeting.colour"),
        (
            {
                "kind": "meeting",
                "meeting": {"attendees": 5, "travel": [{"mode": "bus", "people": 2}]},
            },
            "meeting.travel.0.distance_km",
        ),
        (
            {
                "kind": "meeting",
                "meeting": {
                    "attendees": 5,
                    "travel": [{"mode": "rocket", "people": 2, "distance_km": 3}],
                },
            },
            "meeting.travel.0.mode",
        ),
        ({"kind": "flight", "flight": {"from": "CTU", "to": "ZZZ"}}, "flight.to"),
        ({"kind": "flight", "flight": {"from": "XQQ", "to": "PEK"}}, "flight.from"),
        (
            {"kind": "flight", "flight": {"from": "CTU", "to": "PEK", "via": ["QQQ"]}},
            "flight.via.0",
        ),
        ({"kind": "flight", "flight": {"from": "CTU", "to": "CTU"}}, "flight.to"),
        ({"kind": "flight", "flight": {"from": "CTU1", "to": "PEK"}}, "flight.from"),
        (
            {"kind": "flight", "flight": {"from": "CTU", "to": "PEK", "cabin": "luxury"}},
            "flight.cabin",
        ),
        (
            {
                "kind": "hearing",
                "hearing": {"participants": [{"role": "judge", "count": 1, "remote": 2}]},
            },
            "hearing.participants.0.remote",
        ),
        (
            {
                "kind": "venue",
                "venue": {
                    "spectators": {
                        "per_day": 10,
                        "mode_share": {"metro": 0.5, "bus": 0.5, "car": 0.5},
                    }
                },
            },
            "venue.spectators.mode_share._schema",
        ),
        ({"kind": "event", "event": {"name": "x"}}, "event.components"),
        (
            {"kind": "event", "event": {"name": "x", "footprints": ["fp_nothere"]}},
            "event.footprints.0",
        ),
        ({"kind": "meeting", "meeting": {"attendees": 5}, "factor_set": "1999.1"}, "factor_set"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(client, db_session, body, field):
    before = count(db_session)
    resp = post(client, body)
    assert resp.status_code == 422, resp.get_json()
    assert resp.content_type == "application/problem+json"
    fields = [e["field"] for e in resp.get_json()["errors"]]
    assert field in fields
    assert count(db_session) == before


def test_unknown_airport_is_named_in_the_detail(client):
    resp = post(client, {"kind": "flight", "flight": {"from": "CTU", "to": "ZZZ"}})
    assert "ZZZ" in resp.get_json()["errors"][0]["detail"]


def test_event_adds_up_footprints_and_components(client):
    a = post(client, MEETING).get_json()
    b = post(client, {"kind": "flight", "flight": {"from": "PEK", "to": "CTU"}}).get_json()
    venue = {
        "kind": "venue",
        "venue": {"name": "东安湖体育公园", "days": 12, "electricity_kwh": "250000"},
    }
    resp = post(
        client,
        {
            "kind": "event",
            "event": {
                "name": "成都大运会（示例）",
                "footprints": [a["id"], b["id"]],
                "components": [venue],
            },
        },
        headers={"Accept-Language": ""},
    )
    assert resp.status_code == 201, resp.get_json()
    event = resp.get_json()
    alone = post(client, venue).get_json()
    assert event["mass_g"] == a["mass_g"] + b["mass_g"] + alone["mass_g"]
    components = {line["component"] for line in event["breakdown"]["lines"]}
    assert any(c.startswith(a["id"]) for c in components)
    assert "1. 场馆 东安湖体育公园" in components  # in Chinese without Accept-Language


def test_event_cannot_include_other_peoples_footprints(client, db_session):
    owner = f.sign_in(client, f.user(db_session).phone)
    private = post(client, MEETING, f.bearer(owner)).get_json()
    resp = post(client, {"kind": "event", "event": {"name": "x", "footprints": [private["id"]]}})
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "event.footprints.0"


def test_event_counts_a_footprint_once(client):
    a = post(client, MEETING).get_json()
    resp = post(client, {"kind": "event", "event": {"name": "x", "footprints": [a["id"], a["id"]]}})
    assert resp.status_code == 422


def test_anonymous_use_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_FOOTPRINTS_ANON", "2 per minute")
    assert post(client, MEETING).status_code == 201
    assert post(client, MEETING).status_code == 201
    limited = post(client, MEETING)
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers


def test_signed_in_use_is_not_anonymous_rate_limited(app, client, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_FOOTPRINTS_ANON", "1 per minute")
    token = f.sign_in(client, f.user(db_session).phone)
    codes = [post(client, MEETING, f.bearer(token)).status_code for _ in range(3)]
    assert codes == [201, 201, 201]


def test_footprints_cannot_be_changed(client):
    fp = post(client, MEETING).get_json()
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/footprints/{fp['id']}").status_code == 405


def test_factor_listing_has_sources(client):
    resp = client.get("/api/v1/factors")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["version"]
    assert len(body["versions"]) >= 2
    for entry in body["factors"] + body["defaults"]:
        assert entry["source"]
        assert entry["unit"]
        assert entry["region"]
        assert entry["year"]
    keys = {e["key"] for e in body["factors"]}
    assert {"electricity.grid.CN", "electricity.grid.CN-SC"} <= keys
    old = client.get("/api/v1/factors?version=" + body["versions"][0]["version"])
    assert old.status_code == 200
    assert client.get("/api/v1/factors?version=nope").status_code == 422


def test_a_factor_without_a_link_or_note_shows_neither(client):
    body = post(client, MEETING).get_json()
    factors = [line["factor"] for line in body["breakdown"]["lines"] if line["factor"]]
    listed = client.get("/api/v1/factors").get_json()["factors"]
    for factor in factors + listed:
        assert factor.get("url", "x") != ""
        assert factor.get("note", "x") != ""
    assert any("url" not in factor for factor in factors + listed)


def test_a_footprint_is_the_caller_s_to_commit(app, db_session):
    req = FootprintCreateSchema().load(MEETING)

    def create_then_fail() -> None:
        with app.test_request_context(), uow.transaction(db_session):
            services.create(db_session, current_principal(), req)
            raise RuntimeError("the request fails after the footprint was calculated")

    before = count(db_session)
    with pytest.raises(RuntimeError):
        create_then_fail()
    assert count(db_session) == before
