"""Offers into the retirement inventory: only the holder's admins offer, an offer is decided
once, and on PostgreSQL operators racing to accept one offer move its tonnes once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.accounts.models import Organisation, Role
from backend.accounts.principal import Principal
from backend.core import uow
from backend.core.errors import Conflict
from backend.registry import checks, issuance, offers
from backend.registry.models import Holding, InventoryOffer, OfferState, Participant
from tests import factories as f
from tests.concurrency import together
from tests.registry.conftest import issue, verified_report
from tests.registry.test_concurrency import _operator, _verified_reports


def _holding(client, owner, operator, tonnes=100) -> int:
    _, rid = verified_report(client, owner, operator)
    assert issue(client, operator, rid, tonnes).status_code == 201
    [h] = client.get(
        f"/api/v1/registry/participants/{owner.participant_id}/holdings", headers=owner.headers
    ).get_json()
    return h["id"]


def _offer(client, headers, holding_id, **body):
    return client.post(
        f"/api/v1/registry/holdings/{holding_id}/offers",
        json={"tonnes": 60, "price_fen_per_t": 2500, **body},
        headers=headers,
    )


def _accept(client, operator, offer_id, price=3000):
    return client.post(
        f"/api/v1/registry/offers/{offer_id}/acceptance",
        json={"price_fen_per_t": price},
        headers=operator,
    )


def _close(client, headers, offer_id, reason=None):
    return client.post(
        f"/api/v1/registry/offers/{offer_id}/closure", json={"reason": reason}, headers=headers
    )


def test_only_the_holders_admins_offer_and_operators_cannot_offer_for_them(
    client, owner, operator, db_session
):
    hid = _holding(client, owner, operator)
    member = f.user(db_session, "业主员工")
    f.grant(db_session, member, db_session.get_one(Organisation, owner.org_id), Role.member)
    as_member = f.bearer(f.sign_in(client, member.phone))
    assert _offer(client, as_member, hid).status_code == 403
    refused = _offer(client, operator, hid)
    assert (refused.status_code, refused.get_json()["code"]) == (403, "registry.offer_by_holder")
    assert _offer(client, owner.headers, hid).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tonnes": 101}, "tonnes"),
        ({"tonnes": 0}, "tonnes"),
        ({"tonnes": 10**30}, "tonnes"),
        ({"price_fen_per_t": -1}, "price_fen_per_t"),
        ({"price_fen_per_t": 10**9}, "price_fen_per_t"),
        ({"price_fen_per_t": "12"}, "price_fen_per_t"),
        ({"lot_id": 1}, "lot_id"),
    ],
)
def test_bad_offers_are_422s_naming_the_field(client, owner, operator, body, field):
    hid = _holding(client, owner, operator)
    resp = _offer(client, owner.headers, hid, **body)
    assert resp.status_code == 422, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["errors"][0]["field"] == field


def test_an_offer_is_decided_once(client, owner, operator, db_session):
    hid = _holding(client, owner, operator)
    first = _offer(client, owner.headers, hid).get_json()
    second = _offer(client, owner.headers, hid).get_json()
    third = _offer(client, owner.headers, hid, tonnes=10).get_json()
    no_reason = _close(client, operator, third["id"])
    assert (no_reason.status_code, no_reason.get_json()["errors"][0]["field"]) == (422, "reason")
    declined = _close(client, operator, third["id"], "价格高于市场")
    assert declined.get_json()["state"] == "declined"
    assert _accept(client, operator, third["id"]).status_code == 409
    accepted = _accept(client, operator, first["id"])
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["transfer"]["tonnes"] == 60
    again = _accept(client, operator, first["id"])
    assert (again.status_code, again.get_json()["code"]) == (409, "registry.offer_closed")
    assert _close(client, owner.headers, first["id"]).status_code == 409
    short = _accept(client, operator, second["id"])  # 40 t left of the 100
    assert (short.status_code, short.get_json()["code"]) == (409, "registry.holding_too_small")
    withdrawn = _close(client, owner.headers, second["id"])
    assert withdrawn.get_json()["state"] == "withdrawn"
    listed = client.get(
        f"/api/v1/registry/participants/{owner.participant_id}/offers", headers=owner.headers
    ).get_json()
    assert [(o["id"], o["state"]) for o in listed] == [
        (third["id"], "declined"),
        (second["id"], "withdrawn"),
        (first["id"], "accepted"),
    ]
    queue = client.get("/api/v1/registry/review", headers=operator).get_json()
    assert queue["offers"] == []
    assert checks.violations(db_session) == []


def test_operators_racing_to_accept_one_offer_move_it_once(committing):
    with committing() as s:
        [rid] = _verified_reports(s, 1, verified_t=100)
        operator = _operator(s)
    with committing() as s, uow.transaction(s):
        held = issuance.issue(s, operator, rid, 100)
    with committing() as s, uow.transaction(s):
        h = s.scalars(select(Holding).where(Holding.issuance_id == held.id)).one()
        org_id = s.get_one(Participant, h.participant_id).organisation_id
        admin = f.user(s, "业主")
        f.grant(s, admin, s.get_one(Organisation, org_id), Role.admin)
        holder = Principal(user=admin, roles={org_id: frozenset({Role.admin})})
        offer_id = offers.offer(s, holder, h.id, 30, 2000).id

    def go(_: int) -> OfferState:
        with committing() as s, uow.transaction(s):
            return offers.accept(s, operator, offer_id, 2500).state

    results = together(8, go)
    assert results.count(OfferState.accepted) == 1, results
    assert all(r == OfferState.accepted or isinstance(r, Conflict) for r in results), results
    with committing() as s:
        assert s.get_one(InventoryOffer, offer_id).state == OfferState.accepted
        assert s.scalars(select(Holding.last_unit - Holding.first_unit + 1)).all() == [70]
        assert checks.violations(s) == []
