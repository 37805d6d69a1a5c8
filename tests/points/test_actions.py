"""Partner-reported actions: signed batches, per-item outcomes, deduplication, caps,
plausibility, the confirmation window and reversals; self-reported check-ins."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from marshmallow import ValidationError, fields
from sqlalchemy import func, select

from backend.core.clock import utcnow
from backend.points import earning, ledger
from backend.points.earning import CHENGDU
from backend.points.models import GreenAction
from backend.points.schemas import BatchSchema, _plain
from tests import factories as f
from tests.points.conftest import metro, new_venue


def wallet(client, token):
    return client.get("/api/v1/wallet", headers=f.bearer(token)).get_json()


def test_a_batch_earns_pending_points_per_the_methodology(client, db_session, partner, buyer):
    resp = partner.report(metro(buyer.user.phone, "12.5", "trip-1"))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 0, 0)
    (item,) = body["results"]
    assert item["points"] == 690  # 12.5 km × 55.2 g/pkm = 690 g; 1 point per g
    shown = wallet(client, buyer.token)
    assert (shown["balance"], shown["pending"]) == (0, 690)
    assert ledger.violations(db_session) == []


def test_a_duplicate_batch_adds_no_points(client, partner, buyer):
    batch = [metro(buyer.user.phone, "5", "dup-1"), metro(buyer.user.phone, "6", "dup-2", ago=200)]
    first = partner.report(*batch).get_json()
    again = partner.report(*batch).get_json()
    assert first["accepted"] == 2
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    # 5 km and 6 km × 55.2 g/pkm, each rounded down
    assert wallet(client, buyer.token)["pending"] == 276 + 331


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": "teleport"}, "unknown_type"),
        ({"phone": "+8613999999999"}, "unknown_user"),
        ({"units": "500"}, "implausible_distance"),
        ({"units": "70"}, "implausible_speed"),  # 70 km in 30 minutes
        ({"ended_at": None}, "missing_or_bad_ended_at"),
    ],
)
def test_implausible_or_unknown_items_are_rejected_with_a_reason(partner, buyer, change, reason):
    item = {**metro(buyer.user.phone, ext="bad"), **change}
    if item.get("ended_at") is None:
        item.pop("ended_at")
    body = partner.report(item).get_json()
    assert body["results"][0] == {**body["results"][0], "status": "rejected", "reason": reason}


def test_phones_are_matched_in_any_form_a_partner_writes_them(partner, buyer):
    e164 = buyer.user.phone
    mainland = f"{e164[3:6]} {e164[6:10]} {e164[10:]}"  # "138 0013 8000", no +86
    body = partner.report(
        metro(e164, ext="f-1"),
        metro(mainland, ext="f-2", ago=200),
        metro("not a phone", ext="f-3"),
    ).get_json()
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted", "rejected"]
    assert body["results"][2]["reason"] == "unknown_user"


def test_daily_caps_bound_the_points(partner, buyer):
    # All three on one Chengdu day (yesterday, from 11:00), whatever the time the test runs:
    # trips counted back from now split across midnight in Chengdu between 00:00 and 02:40.
    noon = datetime.now(CHENGDU).replace(hour=12, minute=0, second=0, microsecond=0)
    since = (noon - timedelta(days=1)).astimezone(UTC)
    trips = [
        metro(buyer.user.phone, "40", f"cap-{i}", minutes=45, ago=60 - 50 * i, since=since)
        for i in range(3)
    ]
    results = partner.report(*trips).get_json()["results"]
    # 40 km × 55.2 = 2,208; 3,000 a day for metro
    assert [r["points"] for r in results[:2]] == [2208, 792]
    assert results[1]["capped"] is True
    assert (results[2]["status"], results[2]["reason"]) == ("rejected", "daily_cap_reached")


def test_a_forged_or_stale_signature_is_a_401(partner, buyer):
    item = metro(buyer.user.phone, ext="sig")
    assert partner.report(item, secret="ddps_not-the-secret").status_code == 401
    assert partner.report(item, at=int(time.time()) - 600).status_code == 401
    raw_headers = {**f.bearer(partner.key), "Content-Type": "application/json"}
    unsigned = partner.client.post(
        "/api/v1/points/actions", json={"actions": [item]}, headers=raw_headers
    )
    assert unsigned.status_code == 401


def test_only_partners_with_the_scope_report(client, db_session, partner, buyer):
    assert (
        client.post("/api/v1/points/actions", json={}, headers=f.bearer(buyer.token)).status_code
        == 403
    )


def test_points_are_confirmed_when_the_window_closes_and_reversals_only_before(
    client, db_session, partner, buyer
):
    partner.report(
        metro(buyer.user.phone, "10", "w-1"), metro(buyer.user.phone, "10", "w-2", ago=120)
    )
    reversed_ = partner.post("/api/v1/points/actions/reversals", {"external_ids": ["w-2", "nope"]})
    assert [r["status"] for r in reversed_.get_json()["results"]] == ["reversed", "rejected"]
    assert earning.confirm_due(db_session, utcnow() + timedelta(hours=25)) == 1
    shown = wallet(client, buyer.token)
    assert (shown["balance"], shown["pending"]) == (552, 0)  # 10 km × 55.2 g/pkm
    late = partner.post("/api/v1/points/actions/reversals", {"external_ids": ["w-1"]}).get_json()
    assert late["results"][0]["reason"] == "already_confirmed"
    kinds = [h["kind"] for h in shown["history"]]
    assert kinds == ["confirm", "reverse", "earn"]
    assert ledger.violations(db_session) == []


def test_a_check_in_counts_once_a_day_per_venue_and_self_reports_are_capped(
    client, db_session, partner, buyer
):
    h = f.bearer(buyer.token)
    linpan, panda, greenway = (
        new_venue(client, db_session, name) for name in ("川西林盘", "熊猫基地", "天府绿道")
    )
    first = client.post("/api/v1/wallet/checkins", json={"venue": linpan.code()}, headers=h)
    assert first.status_code == 201
    assert first.get_json()["results"][0]["points"] == 20
    again = client.post(
        "/api/v1/wallet/checkins", json={"venue": linpan.code()}, headers=h
    ).get_json()
    assert (again["results"][0]["status"], again["results"][0]["reason"]) == (
        "duplicate",
        "already_counted",
    )
    client.post("/api/v1/wallet/checkins", json={"venue": panda.code()}, headers=h)
    third = client.post(
        "/api/v1/wallet/checkins", json={"venue": greenway.code()}, headers=h
    ).get_json()
    assert third["results"][0]["reason"] == "daily_cap_reached"  # 40 a day self-reported
    venue = {
        "external_id": "v-1",
        "phone": buyer.user.phone,
        "type": "checkin",
        "units": "1",
        "venue": panda.id,  # partners name a venue by its id
        "started_at": utcnow().isoformat(),
    }
    by_partner = partner.report(venue).get_json()["results"][0]
    assert (by_partner["status"], by_partner["reason"]) == ("duplicate", "already_counted")
    actions = client.get("/api/v1/wallet/actions", headers=h).get_json()["items"]
    assert {a["source"] for a in actions} == {"self"}
    assert db_session.scalar(select(func.count()).select_from(GreenAction)) == 2


def test_the_methodology_is_public_with_sources(client):
    body = client.get("/api/v1/points/methodology").get_json()
    metro_type = next(t for t in body["types"] if t["type"] == "metro")
    assert metro_type["reduction_g"] == "55.2"
    assert "深圳" in metro_type["source"]
    assert "Sichuan" in metro_type["source"]
    assert body["point_grams"] == 1


def test_the_methodology_response_is_described(client):
    """The methodology is dumped by its schema, which the API document shows."""
    doc = client.get("/api/v1/openapi.json").get_json()
    ok = doc["paths"]["/api/v1/points/methodology"]["get"]["responses"]["200"]
    shape = ok["content"]["application/json"]["schema"]
    described = doc["components"]["schemas"][shape["$ref"].rsplit("/", 1)[1]]["properties"]
    body = client.get("/api/v1/points/methodology").get_json()
    assert set(body) == set(described)
    assert set(body["types"][0]) == set(doc["components"]["schemas"]["ActionType"]["properties"])


REPORT = {
    "external_id": "trip-1",
    "phone": "+8613900000001",
    "type": "metro",
    "units": "2.5",
    "started_at": "2026-05-17T08:00:00+08:00",
    "ended_at": "2026-05-17T08:30:00+08:00",
}


def through_the_schema(reports: list[Any]) -> Any:
    """What `ReportedActionSchema` makes of each report (the list without its fast path)."""
    field = cast(fields.List[Any], BatchSchema().fields["actions"])
    return fields.List._deserialize(field, reports, "actions", {})


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"units": 3},
        {"units": 1.25},
        {"units": "1.0005"},  # rounded to the thousandth as the schema rounds it
        {"units": " 7 "},
        {"started_at": "2026-05-17T00:00:00Z", "ended_at": "2026-05-17T00:20:00.123456Z"},
        {"venue": "锦城公园", "replaces": "car"},
        {"type": "bike", "phone": "13900000001"},
    ],
)
def test_the_fast_path_loads_what_the_schema_loads(changes):
    item = {**REPORT, **changes}
    assert _plain(item) is not None  # taken by the fast path
    fast = BatchSchema().load({"actions": [item, REPORT]})
    assert fast == through_the_schema([item, REPORT])


@pytest.mark.parametrize(
    "changes",
    [
        {"units": True},
        {"units": "NaN"},
        {"units": "abc"},
        {"units": "0.0004"},
        {"units": 10**6 + 1},
        {"units": "1e40"},
        {"units": None},
        {"started_at": "2026-05-17T08:00:00"},  # not aware
        {"started_at": "17/05/2026"},
        {"ended_at": None},
        {"external_id": ""},
        {"external_id": 7},
        {"phone": "1" * 33},
        {"venue": ""},
        {"replaces": "x" * 17},
        {"colour": "green"},
    ],
)
def test_reports_the_fast_path_does_not_take_get_the_schemas_errors(changes):
    item = {**REPORT, **changes}
    assert _plain(item) is None
    with pytest.raises(ValidationError) as fast:
        BatchSchema().load({"actions": [REPORT, item]})
    with pytest.raises(ValidationError) as schema:
        through_the_schema([REPORT, item])
    assert fast.value.messages == {"actions": schema.value.messages}
    assert list(schema.value.messages) == [1]  # the second report, named by its index
