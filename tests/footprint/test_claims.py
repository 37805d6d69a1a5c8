"""An event cannot take in emissions an order already neutralises, nor count a footprint twice
through its parts; what an event includes is recorded for the claims orders make."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.footprint import claims
from backend.footprint.models import Footprint
from tests import factories as f

MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}
FLIGHT = {"kind": "flight", "flight": {"from": "CTU", "to": "PEK"}}


def make(client, token, body):
    resp = client.post("/api/v1/footprints", json=body, headers=f.bearer(token))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def event(*ids, name="2026 成都低碳发展论坛"):
    return {"kind": "event", "event": {"name": name, "footprints": list(ids)}}


def footprints(s) -> int:
    return s.scalar(select(func.count()).select_from(Footprint))


def refused(client, token, body, s):
    before = footprints(s)
    resp = client.post("/api/v1/footprints", json=body, headers=f.bearer(token))
    assert resp.mimetype == "application/problem+json"
    assert footprints(s) == before  # nothing stored
    return resp.status_code, resp.get_json()


def test_an_event_cannot_include_a_footprint_already_ordered(client, db_session, stock, buyer):
    meeting, flight = make(client, buyer.token, MEETING), make(client, buyer.token, FLIGHT)
    f.neutralise(client, buyer.token, footprint_id=meeting, preferences=stock.prefs)
    code, problem = refused(client, buyer.token, event(flight, meeting), db_session)
    assert code == 409
    assert problem["type"] == "/problems/component-already-neutralised"
    assert problem["component_id"] == meeting
    assert [e["field"] for e in problem["errors"]] == ["event.footprints.1"]
    assert meeting in problem["detail"]


def test_an_event_cannot_include_an_event_whose_part_is_ordered(client, db_session, stock, buyer):
    meeting, flight = make(client, buyer.token, MEETING), make(client, buyer.token, FLIGHT)
    day_one = make(client, buyer.token, event(meeting, name="第一天"))
    f.place_order(client, buyer.token, footprint_id=meeting, preferences=stock.prefs)
    code, problem = refused(client, buyer.token, event(flight, day_one), db_session)
    assert code == 409
    assert problem["type"] == "/problems/component-already-neutralised"
    assert problem["component_id"] == meeting  # the nested footprint, named
    assert problem["errors"][0]["field"] == "event.footprints.1"


def test_an_event_cannot_include_a_part_of_an_ordered_event(client, db_session, stock, buyer):
    meeting = make(client, buyer.token, MEETING)
    day_one = make(client, buyer.token, event(meeting, name="第一天"))
    f.place_order(client, buyer.token, footprint_id=day_one, preferences=stock.prefs)
    code, problem = refused(client, buyer.token, event(meeting), db_session)
    assert code == 409
    assert problem["component_id"] == meeting
    assert problem["errors"][0]["field"] == "event.footprints.0"


def test_an_event_counts_a_footprint_once_at_any_depth(client, db_session, buyer):
    meeting, flight = make(client, buyer.token, MEETING), make(client, buyer.token, FLIGHT)
    day_one = make(client, buyer.token, event(meeting, flight, name="第一天"))
    code, problem = refused(client, buyer.token, event(flight, day_one), db_session)
    assert code == 422
    assert problem["errors"][0]["field"] == "event.footprints.1"
    assert flight in problem["errors"][0]["detail"]


def test_a_nested_event_records_everything_it_includes(client, db_session, buyer):
    meeting, flight = make(client, buyer.token, MEETING), make(client, buyer.token, FLIGHT)
    day_one = make(client, buyer.token, event(meeting, name="第一天"))
    forum = make(client, buyer.token, event(day_one, flight))
    members = {m for _, m in claims.within(db_session, [forum])}
    assert members == {forum, day_one, meeting, flight}
