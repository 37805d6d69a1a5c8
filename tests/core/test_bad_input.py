"""Holes a client found, closed where every request is read (issue 16, holes 1-4): huge JSON
numbers, deep nesting, control characters in bodies, paths and queries, and unknown query
parameters on operations that declare none. Each is a 4xx problem naming the field; none
writes anything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.footprint.models import Footprint
from backend.web import json_body
from backend.web.json_body import MAX_DEPTH
from tests import factories as f

MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1}}
PROBLEM = "application/problem+json"


def footprints(s) -> int:
    return s.scalar(select(func.count()).select_from(Footprint))


def refused(resp, status: int = 422) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == PROBLEM
    return resp.get_json()


def fields(body: dict) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


def post_raw(client, path: str, text: str, headers: dict | None = None):
    return client.post(
        path, data=text, headers={"Content-Type": "application/json", **(headers or {})}
    )


def test_a_number_of_five_thousand_digits_is_a_422_naming_the_field(client, db_session):
    before = footprints(db_session)
    text = '{"kind": "meeting", "meeting": {"attendees": ' + "9" * 5000 + ', "days": 1}}'
    body = refused(post_raw(client, "/api/v1/footprints", text))
    assert fields(body) == {"meeting.attendees"}
    assert footprints(db_session) == before


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(client, constant):
    text = '{"kind": "meeting", "meeting": {"attendees": ' + constant + ', "days": 1}}'
    assert fields(refused(post_raw(client, "/api/v1/footprints", text))) == {"meeting.attendees"}


def test_json_nested_fifty_thousand_deep_is_a_problem_not_a_500(client, db_session, buyer):
    deep = "[" * 50_000 + "]" * 50_000
    for path, headers in (
        ("/api/v1/footprints", {}),
        ("/api/v1/orders", f.order_headers(buyer.token)),
    ):
        body = refused(post_raw(client, path, '{"kind": ' + deep + "}", headers), 400)
        assert body["type"] == "/problems/malformed-request"


def test_nesting_past_the_bound_names_where(client):
    inner = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    text = '{"kind": "meeting", "meeting": {"attendees": 50, "notes": ' + inner + "}}"
    body = refused(post_raw(client, "/api/v1/footprints", text))
    assert next(iter(fields(body))).startswith("meeting.notes")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/footprints/fp_%00x",
        "/api/v1/certificates/DD%00",
        "/api/v1/certificates/DD%00.png",
        "/api/v1/court-purchases/cp_%00",
        "/api/v1/orders/ord_%00",
        "/verify/DD%00x",
    ],
)
def test_a_nul_in_a_path_parameter_is_a_422_naming_it(client, buyer, path):
    body = refused(client.get(path, headers=f.bearer(buyer.token)))
    (error,) = body["errors"]
    assert error["in"] == "path"


def test_a_control_character_in_a_query_is_refused(client):
    body = refused(client.get("/api/v1/ledger?cursor=a%00b"))
    assert body["errors"][0] == {
        "field": "cursor",
        "code": "core.control_characters_value",
        "params": {},
        "detail": "Must not contain control characters.",
        "parameter": "cursor",
        "in": "query",
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "/api/v1/me", {"display_name": "a\u0000b"}, "display_name"),
        ("post", "/api/v1/organisations", {"name": "x\u0000", "kind": "company"}, "name"),
        ("post", "/api/v1/wallet/checkins", {"venue": "a\u0000b"}, "venue"),
        ("post", "/api/v1/footprints", {**MEETING, "name": "会\u0007议"}, "name"),
        ("post", "/api/v1/footprints", {**MEETING, "name": "\ud800"}, "name"),
        ("post", "/api/v1/footprints", {**MEETING, "x\u0000": 1}, "_schema"),
    ],
)
def test_control_characters_in_any_body_string_are_refused(
    client, db_session, buyer, method, path, body, field
):
    before = footprints(db_session)
    resp = getattr(client, method)(path, json=body, headers=f.bearer(buyer.token))
    assert fields(refused(resp)) == {field}
    assert footprints(db_session) == before


def test_tabs_and_line_breaks_are_left_to_the_fields():
    assert json_body.loads('{"a": "one\\ntwo\\tthree\\r"}') == {"a": "one\ntwo\tthree\r"}


def test_an_unknown_query_parameter_is_refused_where_none_are_declared(client, db_session):
    before = footprints(db_session)
    body = refused(client.post("/api/v1/footprints?colour=red", json=MEETING))
    assert body["errors"][0]["parameter"] == "colour"
    assert body["errors"][0]["in"] == "query"
    assert footprints(db_session) == before


def test_pages_outside_the_api_keep_their_query(client):
    """The verify page reads `c` and `s`; the PWA's routes may carry anything."""
    assert client.get("/verify/DD-2026-999999?c=x&s=y").status_code == 404
    assert client.get("/wallet?from=wechat").status_code == 200
