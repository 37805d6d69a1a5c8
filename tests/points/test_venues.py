"""Check-ins that cannot be faked: a venue's code is signed with its secret and lives for one
window (the previous one is still accepted); anything else is a 422 asking to scan at the venue.
Who may create venues and read their codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from backend.core.clock import utcnow
from backend.points import venues
from backend.points.models import GreenAction, Venue
from tests import factories as f
from tests.points.conftest import Site, new_venue

CHECKINS = "/api/v1/wallet/checkins"
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def code_at(app: Flask, db_session, site: Site, **ago: float) -> str:
    """The code the venue's screen showed `ago` (timedelta keywords) from now."""
    v = db_session.get(Venue, site.id)
    return venues.current_code(
        v,
        app.config["SECRET_KEY"],
        "http://localhost",
        app.config["POINTS_VENUE_WINDOW_SECONDS"],
        now=utcnow() - timedelta(**ago),
    ).url


def refused(client, token: str, code: str, reason: str) -> None:
    resp = client.post(
        CHECKINS, json={"venue": code}, headers={**f.bearer(token), "Accept-Language": "zh-CN"}
    )
    assert resp.status_code == 422, resp.get_json()
    body = resp.get_json()
    assert (body["code"], body["reason"]) == ("points.scan_at_venue", reason)
    assert "在场馆现场扫描" in body["detail"]
    assert LATIN_WORD.search(body["detail"]) is None
    assert body["title"] == "请在场馆现场扫码"


def test_a_made_up_venue_code_earns_nothing(client, db_session, buyer):
    refused(client, buyer.token, "abc", "malformed")
    assert db_session.scalar(select(GreenAction.id)) is None


def test_a_current_code_checks_in_once_a_day(client, db_session, buyer, venue):
    h = f.bearer(buyer.token)
    url = venue.code()
    assert "/checkin?v=ven_" in url
    first = client.post(CHECKINS, json={"venue": url}, headers=h)
    assert first.status_code == 201, first.get_json()
    assert (first.get_json()["accepted"], first.get_json()["results"][0]["points"]) == (1, 20)
    again = client.post(CHECKINS, json={"venue": venue.code()}, headers=h).get_json()
    assert (again["results"][0]["status"], again["results"][0]["reason"]) == (
        "duplicate",
        "already_counted",
    )
    (action,) = db_session.scalars(select(GreenAction)).all()
    assert action.trip_key == f"checkin:{venue.id}:{action.occurred_on}"


def test_the_query_alone_is_accepted_too(client, buyer, venue):
    query = urlsplit(venue.code()).query
    resp = client.post(CHECKINS, json={"venue": query}, headers=f.bearer(buyer.token))
    assert resp.get_json()["accepted"] == 1


def test_a_code_lives_for_its_window_and_the_next(app, db_session, venue):
    v = db_session.get(Venue, venue.id)
    key, n = app.config["SECRET_KEY"], 60
    shown = datetime(2026, 12, 19, 10, 0, 59, tzinfo=UTC)  # the last second of its window
    url = venues.current_code(v, key, "http://x", n, now=shown).url

    def check(seconds: int) -> Venue:
        return venues.verify(db_session, key, url, n, now=shown + timedelta(seconds=seconds))

    assert check(0) == v
    assert check(60) == v  # 10:01:59, the window after: scanned just before it changed
    for seconds, when in ((61, "two windows on"), (-60, "before it was shown")):
        with pytest.raises(venues.VenueCodeRefused) as exc:
            check(seconds)
        assert exc.value.extra == {"reason": "expired"}, when


def test_a_code_replayed_the_next_day_is_refused(app, client, db_session, buyer, venue):
    refused(client, buyer.token, code_at(app, db_session, venue, days=1), "expired")


def test_a_forged_code_is_refused(client, buyer, venue):
    url = venue.code()
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    other_window = f"/checkin?v={q['v']}&w={int(q['w']) + 1}&s={q['s']}"
    refused(client, buyer.token, other_window, "forged")
    flipped = q["s"][:-1] + ("A" if q["s"][-1] != "A" else "B")
    refused(client, buyer.token, f"/checkin?v={q['v']}&w={q['w']}&s={flipped}", "forged")
    wrong_key = venues.signature("not the venue's secret", q["v"], int(q["w"]))
    refused(client, buyer.token, f"/checkin?v={q['v']}&w={q['w']}&s={wrong_key}", "forged")


def test_another_venues_signature_does_not_fit(client, db_session, buyer, venue):
    other = new_venue(client, db_session, "川西林盘·青杠树村")
    q = parse_qs(urlsplit(other.code()).query)
    swapped = f"/checkin?v={venue.id}&w={q['w'][0]}&s={q['s'][0]}"
    refused(client, buyer.token, swapped, "forged")


def test_an_unknown_venue_is_refused(client, buyer, venue):
    q = parse_qs(urlsplit(venue.code()).query)
    refused(
        client, buyer.token, f"/checkin?v=ven_nothere&w={q['w'][0]}&s={q['s'][0]}", "unknown_venue"
    )


def test_an_inactive_venues_code_is_refused(client, buyer, venue):
    op = f.bearer(venue.operator)
    resp = client.patch(f"/api/v1/venues/{venue.id}", json={"active": False}, headers=op)
    assert (resp.status_code, resp.get_json()["active"]) == (200, False)
    refused(client, buyer.token, venue.code(), "inactive")


def test_the_english_words_ask_the_same(client, buyer):
    resp = client.post(CHECKINS, json={"venue": "abc"}, headers=f.bearer(buyer.token))
    assert resp.status_code == 422
    assert "Scan the QR code" in resp.get_json()["detail"]


@pytest.mark.parametrize("who", ["staff", "operator"])
def test_staff_and_operators_read_the_code(client, venue, who):
    resp = client.get(f"/api/v1/venues/{venue.id}/code", headers=f.bearer(getattr(venue, who)))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["venue"]["name_zh"] == "天府绿道·锦城公园"
    assert 0 < body["expires_in"] <= 60
    assert f"w={body['window']}" in body["url"]


def test_nobody_else_reads_the_code(client, db_session, buyer, venue):
    other = new_venue(client, db_session, "熊猫基地")
    path = f"/api/v1/venues/{venue.id}/code"
    assert client.get(path, headers=f.bearer(other.staff)).status_code == 404
    assert client.get(path, headers=f.bearer(buyer.token)).status_code == 404
    assert client.get(path).status_code == 401
    assert (
        client.get("/api/v1/venues/ven_nothere/code", headers=f.bearer(venue.staff)).status_code
        == 404
    )


def test_only_operators_create_venues(client, db_session, venue):
    body = {"name_zh": "成都图书馆", "name_en": "Chengdu Library", "kind": "venue"}
    path = f"/api/v1/organisations/{venue.org_id}/venues"
    assert client.post(path, json=body, headers=f.bearer(venue.staff)).status_code == 403
    listed = client.get(path, headers=f.bearer(venue.staff))
    assert [v["id"] for v in listed.get_json()] == [venue.id]
    assert "secret_sealed" not in listed.get_json()[0]
    unknown = client.post(
        "/api/v1/organisations/999999/venues", json=body, headers=f.bearer(venue.operator)
    )
    assert unknown.status_code == 404
