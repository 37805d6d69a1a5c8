"""Opening an exchange account: the USCC's check character, the market documents, the roles,
and the contact's phone masked for everyone but operators and the organisation's admins."""

from __future__ import annotations

import pytest

from backend.accounts.models import OrgKind, Role
from backend.registry.participants import valid_uscc
from tests import factories as f
from tests.registry.conftest import REAL_USCC, accept_all, open_account


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_published_codes_pass(code):
    assert valid_uscc(code) == code


@pytest.mark.parametrize("code", REAL_USCC)
def test_any_corrupted_character_fails(code):
    # change each of the 17 payload characters in turn: the check character no longer fits
    for i in range(17):
        ch = "1" if code[i] != "1" else "2"
        assert valid_uscc(code[:i] + ch + code[i + 1 :]) is None, (code, i)
    assert valid_uscc(code[:-1] + ("0" if code[-1] != "0" else "1")) is None
    assert valid_uscc(code[:-1]) is None  # 17 characters


def _org(client, db_session):
    admin = f.user(db_session, "管理员")
    org = f.organisation(db_session, OrgKind.company, admin=admin)
    return org, f.sign_in(client, admin.phone)


def test_a_bad_uscc_is_a_422_naming_the_field_in_both_languages(client, db_session):
    org, token = _org(client, db_session)
    resp = open_account(client, token, org.id, "91110000600037341M", ["buyer"])
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["errors"][0]["field"] == "uscc"
    assert body["errors"][0]["code"] == "registry.uscc_invalid"
    zh = client.post(
        "/api/v1/registry/participants",
        json={"organisation_id": org.id, "uscc": "123"},
        headers={**f.bearer(token), "Accept-Language": "zh-CN"},
    ).get_json()
    assert "统一社会信用代码" in next(e["detail"] for e in zh["errors"] if e["field"] == "uscc")


def test_opening_records_roles_documents_and_masks_the_phone_for_members(client, db_session):
    org, token = _org(client, db_session)
    resp = open_account(client, token, org.id, REAL_USCC[1], ["buyer", "project_owner"])
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["roles"] == ["buyer", "project_owner"]
    assert body["contact_phone"] == "+8613912345678"  # its admin
    assert {(a["document"], a["version"]) for a in body["acceptances"]} == {
        (d["document"], d["version"]) for d in accept_all()
    }
    assert all(a["at"] for a in body["acceptances"])

    member = f.user(db_session, "成员")
    f.grant(db_session, member, org, Role.member)
    seen = client.get(
        f"/api/v1/registry/participants/{body['id']}",
        headers=f.bearer(f.sign_in(client, member.phone)),
    ).get_json()
    assert seen["contact_phone"] is None
    assert seen["contact_phone_masked"] == "+86 139****5678"

    stranger = f.sign_in(client, f.user(db_session, "路人").phone)
    resp = client.get(f"/api/v1/registry/participants/{body['id']}", headers=f.bearer(stranger))
    assert resp.status_code == 404


def test_every_market_document_must_be_accepted_in_its_version(client, db_session):
    org, token = _org(client, db_session)
    body = {
        "organisation_id": org.id,
        "uscc": REAL_USCC[2],
        "legal_representative": "王",
        "contact_name": "李",
        "contact_phone": "13912345678",
        "roles": ["buyer"],
    }
    stale = [{**a, "version": "2019"} if i == 0 else a for i, a in enumerate(accept_all())]
    for accept in (accept_all()[1:], stale):
        resp = client.post(
            "/api/v1/registry/participants",
            json={**body, "accept": accept},
            headers=f.bearer(token),
        )
        assert resp.status_code == 422
        err = resp.get_json()["errors"][0]
        assert (err["field"], err["code"]) == ("accept", "registry.documents_to_accept")
        assert "入市协议书 2023" in err["params"]["documents"]


def test_one_account_per_organisation_and_code_and_only_its_admin_opens_it(client, db_session):
    org, token = _org(client, db_session)
    assert open_account(client, token, org.id, REAL_USCC[3], ["buyer"]).status_code == 201
    assert open_account(client, token, org.id, REAL_USCC[4], ["buyer"]).status_code == 409
    other, other_token = _org(client, db_session)
    assert open_account(client, other_token, other.id, REAL_USCC[3], ["buyer"]).status_code == 409
    member = f.user(db_session, "成员")
    f.grant(db_session, member, other, Role.member)
    resp = open_account(client, f.sign_in(client, member.phone), other.id, REAL_USCC[4], ["buyer"])
    assert resp.status_code == 403


def test_the_catalogues_are_public_and_sourced(client):
    methods = client.get("/api/v1/registry/methodologies").get_json()
    cdcer = [m for m in methods if m["standard"] == "CDCER"]
    assert {m["name_zh"] for m in cdcer} == {
        "清洁能源替代",
        "造林管护",
        "天府绿道",
        "川西林盘",
        "湖泊湿地",
        "测土配方施肥",
    }
    assert all(m["source"] and m["year"] and m["scenes"] and m["issued_here"] for m in cdcer)
    assert {"CM-001-V02", "CM-003-V02", "AR-CM-001-V01"} <= {m["code"] for m in methods}
    docs = client.get("/api/v1/registry/market-documents").get_json()
    assert [d["title_zh"] for d in docs] == [
        "入市协议书",
        "投资人须知",
        "风险揭示书",
        "交易服务协议",
    ]


def test_an_organisations_account_is_found_by_the_organisation(client, owner, db_session):

    url = f"/api/v1/registry/organisations/{owner.org_id}/participant"
    got = client.get(url, headers=owner.headers)
    assert (got.status_code, got.get_json()["id"]) == (200, owner.participant_id)
    admin = f.user(db_session, "新机构管理员")
    org = f.organisation(db_session, OrgKind.company, name="未开户公司", admin=admin)
    token = f.sign_in(client, admin.phone)
    none = client.get(
        f"/api/v1/registry/organisations/{org.id}/participant", headers=f.bearer(token)
    )
    assert (none.status_code, none.get_json()["code"]) == (404, "registry.no_account")
    assert client.get(url, headers=f.bearer(token)).status_code == 404  # not theirs
