"""The 绿蓉融 database: applications, their review and its append-only trail, one live
application per kind, bad input refused naming the field, evidence files, the public lists."""

# ruff: noqa: F811 - the fixtures are imported from green_support (no shared conftest)
from __future__ import annotations

import io
import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.finance.listing_models import ListingEvent
from tests.finance.green_support import (  # noqa: F401 - fixtures
    Applicant,
    acme,
    apply,
    created,
    enterprise,
    move,
    operator,
    other,
    wind,
)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# A mainland mobile number not inside a longer run of digits (timestamps, ids).
PHONE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")


def field_of(resp: Any, status: int = 422) -> str:
    assert resp.status_code == status, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    errors = resp.get_json()["errors"]
    assert len(errors) == 1, errors
    field: str = errors[0]["field"]
    return field


def test_an_application_is_listed_then_delisted_and_every_step_is_recorded(
    client, db_session, acme, operator
) -> None:
    made = created(apply(client, acme, enterprise()))
    assert made["state"] == "submitted"
    assert [e["to_state"] for e in made["events"]] == ["submitted"]
    assert made["category"]["name_zh"] == "清洁能源设施建设和运营"
    assert move(client, acme.admin, made["id"], "listed").status_code == 403  # not an operator
    listed = move(client, operator, made["id"], "listed").get_json()
    assert listed["state"] == "listed"
    assert listed["reason"] is None
    assert move(client, operator, made["id"], "rejected", reason="晚了").status_code == 409
    assert field_of(move(client, operator, made["id"], "delisted")) == "reason"
    gone = move(client, operator, made["id"], "delisted", reason="主营业务变更")
    assert gone.status_code == 200, gone.get_json()
    trail = gone.get_json()["events"]
    assert [(e["from_state"], e["to_state"], e["reason"]) for e in trail] == [
        (None, "submitted", None),
        ("submitted", "listed", None),
        ("listed", "delisted", "主营业务变更"),
    ]
    assert move(client, operator, made["id"], "listed").status_code == 409  # delisted is final
    # the trail is append-only in the database itself
    with pytest.raises(DBAPIError), db_session.begin_nested():
        db_session.execute(text("UPDATE finance_listing_events SET reason = 'x'"))
    with pytest.raises(DBAPIError), db_session.begin_nested():
        db_session.execute(text("DELETE FROM finance_listing_events"))
    assert db_session.query(ListingEvent).count() == 3
    # delisted, the slot is free again
    assert apply(client, acme, enterprise()).status_code == 201


def test_a_rejection_needs_a_reason_and_frees_the_slot(client, acme, operator) -> None:
    made = created(apply(client, acme, enterprise()))
    assert field_of(move(client, operator, made["id"], "rejected")) == "reason"
    rejected = move(client, operator, made["id"], "rejected", reason="证明材料不足").get_json()
    assert (rejected["state"], rejected["reason"]) == ("rejected", "证明材料不足")
    assert move(client, operator, made["id"], "listed").status_code == 409
    assert apply(client, acme, enterprise()).status_code == 201


def test_one_live_application_per_kind_and_project(client, acme, operator) -> None:
    first = created(apply(client, acme, enterprise()))
    again = apply(client, acme, enterprise(taxonomy_code="3"))
    assert again.status_code == 409
    assert again.get_json()["code"] == "finance.application_open"
    assert apply(client, acme, enterprise(kind="climate_friendly")).status_code == 201
    move(client, operator, first["id"], "listed")
    assert apply(client, acme, enterprise()).status_code == 409  # listed holds the slot too
    created(apply(client, acme, wind()))
    assert apply(client, acme, wind()).status_code == 409
    assert apply(client, acme, wind(kind="green")).status_code == 201
    assert apply(client, acme, wind(project_name_zh="会东风电场")).status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"taxonomy_code": "9.9"}, "taxonomy_code"),
        ({"taxonomy_version": "2015"}, "taxonomy_version"),
        ({"taxonomy_version": "2024"}, "taxonomy_code"),  # 3.2.1 is a 2019 code
        ({"taxonomy_code": "3.2.1; DROP"}, "taxonomy_code"),
        ({"annual_mwh": 10**10}, "annual_mwh"),
        ({"annual_mwh": 0}, "annual_mwh"),
        ({"annual_mwh": "12"}, "annual_mwh"),
        ({"stated_t_per_year": 2**63}, "stated_t_per_year"),
        ({"statement": "风电\u0000场"}, "statement"),
        ({"project_name_zh": "风电\u202e场"}, "project_name_zh"),
        ({"statement": "x" * 4001}, "statement"),
        ({"kind": "climate_friendly"}, "kind"),
        ({"subject": "fund"}, "subject"),
        ({"province": "CN-ZZ"}, "province"),
        ({"owner_id": 1}, "owner_id"),
        ({"taxonomy_code": "3.2", "annual_mwh": 5}, "annual_mwh"),  # not a generating category
        ({"annual_mwh": None}, "annual_mwh"),
        ({"registry_project_id": 2**31}, "registry_project_id"),
    ],
)
def test_bad_input_is_refused_naming_the_field(client, acme, change, field) -> None:
    assert field_of(apply(client, acme, wind(**change))) == field


def test_a_project_needs_a_benefit_and_a_stated_one_its_method(client, acme) -> None:
    body = wind()
    del body["annual_mwh"]
    assert field_of(apply(client, acme, body)) == "stated_t_per_year"
    assert field_of(apply(client, acme, {**body, "stated_t_per_year": 10})) == "stated_method"
    del body["province"]
    body["taxonomy_code"] = "3.2.1"
    assert field_of(apply(client, acme, {**body, "annual_mwh": 10})) == "province"


def test_an_enterprise_has_no_project_fields(client, acme) -> None:
    assert field_of(apply(client, acme, enterprise(annual_mwh=5))) == "annual_mwh"
    assert field_of(apply(client, acme, enterprise(kind="climate_investment"))) == "kind"


def test_only_the_own_registry_project_can_be_linked(client, acme, other, operator) -> None:
    from tests.registry.conftest import Owner, validated_project

    theirs = validated_project(
        client,
        Owner(other.admin["Authorization"][7:], other.org_id, other.participant_id),
        operator,
    )
    body = wind(registry_project_id=theirs)
    del body["annual_mwh"]
    assert field_of(apply(client, acme, body)) == "registry_project_id"


def test_members_read_but_only_admins_apply(client, acme, other) -> None:
    assert apply(client, acme, enterprise(), headers=acme.member).status_code == 403
    assert apply(client, acme, enterprise(), headers=other.admin).status_code == 404
    made = created(apply(client, acme, enterprise()))
    url = f"/api/v1/finance/listing-applications/{made['id']}"
    assert client.get(url, headers=acme.member).status_code == 200
    assert client.get(url, headers=other.admin).status_code == 404
    listed = client.get(
        f"/api/v1/finance/organisations/{acme.org_id}/listing-applications", headers=acme.member
    )
    assert [a["id"] for a in listed.get_json()] == [made["id"]]


def upload(client, a: Applicant, app_id: int, data: bytes, name: str = "proof.pdf") -> Any:
    return client.post(
        f"/api/v1/finance/listing-applications/{app_id}/documents",
        data={"title": "营业执照", "file": (io.BytesIO(data), name)},
        headers=a.admin,
        content_type="multipart/form-data",
    )


def test_evidence_files_are_typed_by_content_limited_and_served_to_the_applicant(
    app, client, acme, other, operator
) -> None:
    made = created(apply(client, acme, enterprise()))
    doc = created(upload(client, acme, made["id"], PDF))
    assert doc["content_type"] == "application/pdf"
    url = f"/api/v1/finance/listing-applications/{made['id']}/documents/{doc['id']}"
    got = client.get(url, headers=acme.member)
    assert (got.status_code, got.get_data()) == (200, PDF)
    assert client.get(url, headers=operator).status_code == 200
    assert client.get(url, headers=other.admin).status_code == 404
    assert upload(client, acme, made["id"], b"MZ\x90\x00", "proof.pdf").status_code == 415
    assert upload(client, acme, made["id"], b"<svg/>", "x.svg").status_code == 415
    app.config["REGISTRY_DOCUMENT_MAX_BYTES"], limit = 64, app.config["REGISTRY_DOCUMENT_MAX_BYTES"]
    try:
        assert upload(client, acme, made["id"], PDF + b"0" * 100).status_code == 413
    finally:
        app.config["REGISTRY_DOCUMENT_MAX_BYTES"] = limit
    shown = client.get(f"/api/v1/finance/listing-applications/{made['id']}", headers=acme.admin)
    assert [d["id"] for d in shown.get_json()["documents"]] == [doc["id"]]
    move(client, operator, made["id"], "listed")
    assert upload(client, acme, made["id"], PDF).status_code == 409  # decided: no more files


def test_the_public_lists_filter_page_and_name_no_person(client, acme, other, operator) -> None:
    ids = []
    for a, body in (
        (acme, enterprise()),
        (other, enterprise(kind="climate_friendly", taxonomy_code="4.2")),
        (acme, wind()),
        (other, wind(taxonomy_code="3.2.4", project_name_zh="宝兴水电站")),
    ):
        made = created(apply(client, a, body))
        assert move(client, operator, made["id"], "listed").status_code == 200
        ids.append(made["id"])
    created(apply(client, acme, wind(kind="green")))  # submitted: not public
    page = client.get("/api/v1/finance/listed/enterprises").get_json()
    assert (page["total"], len(page["items"])) == (2, 2)
    only = client.get("/api/v1/finance/listed/enterprises?kind=climate_friendly").get_json()
    assert [e["id"] for e in only["items"]] == [ids[1]]
    assert only["items"][0]["organisation_name"] == "雅安林业"
    clean = client.get("/api/v1/finance/listed/projects?category=3").get_json()
    assert clean["total"] == 2
    hydro = client.get("/api/v1/finance/listed/projects?category=3.2.4").get_json()
    assert [p["id"] for p in hydro["items"]] == [ids[3]]
    second = client.get("/api/v1/finance/listed/projects?per_page=1&page=2").get_json()
    assert (second["total"], len(second["items"])) == (2, 1)
    assert client.get("/api/v1/finance/listed/projects?per_page=1000").status_code == 422
    assert client.get("/api/v1/finance/listed/projects?category=abc").status_code == 422
    assert client.get("/api/v1/finance/listed/projects?sort=id").status_code == 422
    body = client.get("/api/v1/finance/listed/projects").get_data(as_text=True)
    assert "管理员" not in body
    assert "员工" not in body
    assert not PHONE.search(body)  # no mainland mobile number, bare or +86
    assert "statement" not in body
    page_url = f"/api/v1/finance/listed/projects/{ids[2]}"
    shown = client.get(page_url).get_json()
    assert shown["benefit"]["trail_zh"].startswith("3.2.1 风力发电设施建设和运营")
    assert client.get(f"/api/v1/finance/listed/projects/{ids[0]}").status_code == 404  # enterprise
    move(client, operator, ids[2], "delisted", reason="项目停运")
    assert client.get(page_url).status_code == 404


def test_the_taxonomy_says_its_versions_and_complete_levels(client) -> None:
    cats = {c["version"]: c for c in client.get("/api/v1/finance/taxonomy").get_json()}
    assert cats["2019"]["document"] == "发改环资〔2019〕293号"
    assert cats["2024"]["document"] == "发改环资〔2024〕165号"
    assert cats["2019"]["complete_levels"] == [1, 2]
    levels = [c["level"] for c in cats["2019"]["categories"]]
    assert (levels.count(1), levels.count(2)) == (6, 30)
    assert len(cats["2024"]["categories"]) == 7


def test_the_review_queue_is_the_operators(client, acme, operator) -> None:
    made = created(apply(client, acme, enterprise()))
    queue = client.get("/api/v1/finance/listing-review", headers=operator).get_json()
    assert [a["id"] for a in queue] == [made["id"]]
    assert client.get("/api/v1/finance/listing-review", headers=acme.admin).status_code == 403


def test_a_file_stored_by_a_failed_request_is_deleted(app, client, acme, monkeypatch) -> None:
    from pathlib import Path

    from backend.core.errors import Conflict
    from backend.finance import listings

    made = created(apply(client, acme, enterprise()))

    def failing(**_: Any) -> Any:  # after the file is stored, before its row is
        raise Conflict("finance.application_decided", params={"state": "test"})

    monkeypatch.setattr(listings, "ListingDocument", failing)
    # ids repeat across tests (each rolls back), so compare the folder before and after
    folder = (
        Path(app.instance_path) / "registry-documents" / "finance" / "listings" / str(made["id"])
    )

    def files() -> set[Path]:
        return set(folder.iterdir()) if folder.exists() else set()

    before = files()
    assert upload(client, acme, made["id"], PDF).status_code == 409
    assert files() == before
    monkeypatch.undo()
    assert upload(client, acme, made["id"], PDF).status_code == 201
    assert len(files() - before) == 1


def test_the_statistics_count_only_listed_entries_by_subject_and_kind(
    client, acme, other, operator
) -> None:
    def figures() -> dict[str, int]:
        ours: dict[str, int] = client.get("/api/v1/finance/stats").get_json()["ours"]
        keys = ("green_enterprises", "green_projects", "climate_enterprises", "climate_projects")
        return {k: ours[k] for k in keys}

    before = figures()
    green = created(apply(client, acme, enterprise()))
    climate = created(apply(client, other, enterprise(kind="climate_friendly")))
    farm = created(apply(client, acme, wind()))
    assert figures() == before  # submitted is not listed
    for made in (green, climate, farm):
        assert move(client, operator, made["id"], "listed").status_code == 200
    assert figures() == {
        "green_enterprises": before["green_enterprises"] + 1,
        "green_projects": before["green_projects"],
        "climate_enterprises": before["climate_enterprises"] + 1,
        "climate_projects": before["climate_projects"] + 1,
    }
    move(client, operator, farm["id"], "delisted", reason="项目终止")
    assert figures()["climate_projects"] == before["climate_projects"]
    reference = client.get("/api/v1/finance/stats").get_json()["reference"]["figures"]
    assert (reference["green_enterprises"], reference["green_projects"]) == (225, 84)
    assert reference["climate_projects"] == 250
