"""Registering a project, its review (审定) through the one transition table with its history,
monitoring reports and their verification (核证), and document uploads."""

from __future__ import annotations

import pytest

from backend.accounts.models import OrgKind
from backend.registry.models import StateChange
from backend.registry.states import TRANSITIONS
from tests import factories as f
from tests.registry.conftest import PDF, move, open_account, register, validated_project


def test_draft_submitted_validated_with_an_append_only_history(client, owner, operator, db_session):
    resp = register(client, owner)
    assert resp.status_code == 201, resp.get_json()
    pid = resp.get_json()["id"]
    assert resp.get_json()["state"] == "draft"
    assert move(client, operator, pid, "validated").status_code == 409  # not yet submitted
    assert move(client, owner.headers, pid, "submitted").status_code == 200
    assert move(client, owner.headers, pid, "validated").status_code == 403  # the operator's
    body = move(client, operator, pid, "validated").get_json()
    assert body["project"]["state"] == "validated"
    assert [(h["from_state"], h["to_state"]) for h in body["history"]] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "validated"),
    ]
    again = move(client, operator, pid, "rejected", reason="late")
    assert again.status_code == 409
    assert again.get_json()["code"] == "registry.illegal_transition"
    assert again.get_json()["params"] == {"from_state": "validated", "to_state": "rejected"}
    change = db_session.query(StateChange).filter_by(subject_id=pid).first()
    change.reason = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        db_session.flush()


def test_rejection_needs_a_reason_and_is_final(client, owner, operator):
    pid = register(client, owner).get_json()["id"]
    move(client, owner.headers, pid, "submitted")
    resp = move(client, operator, pid, "rejected")
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "reason"
    body = move(client, operator, pid, "rejected", reason="监测方案不完整").get_json()
    assert body["project"]["reject_reason"] == "监测方案不完整"
    for to in ("submitted", "validated", "draft"):
        assert move(client, owner.headers, pid, to).status_code in (403, 409)
    assert move(client, owner.headers, pid, "submitted").status_code == 409


def test_the_table_is_the_only_way(client, owner, operator):
    """Every move the table lacks is a 409, whoever asks."""
    pid = register(client, owner).get_json()["id"]
    for to in ("draft", "validated", "rejected"):
        assert move(client, operator, pid, to, reason="x").status_code == 409
    assert ("project", "draft", "validated") not in {(str(a), b, c) for a, b, c in TRANSITIONS}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("methodology", "CDCER-XX"),
        ("methodology", "CM-001-V02"),  # CCER: issued by the national registry, not here
        ("province", "CN-ZZ"),
        ("latitude", 60.0),
        ("longitude", 20.0),
        ("crediting_end", "2023-12-31"),
        ("expected_annual_t", 0),
    ],
)
def test_bad_project_fields_are_422s_naming_them(client, owner, field, value):
    resp = register(client, owner, **{field: value})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["errors"][0]["field"] == field


def test_only_a_project_owner_account_registers(client, db_session):
    admin = f.user(db_session)
    org = f.organisation(db_session, OrgKind.company, admin=admin)
    token = f.sign_in(client, admin.phone)
    pid = open_account(client, token, org.id, "91520000214434146R", ["buyer"]).get_json()["id"]
    resp = client.post(
        "/api/v1/registry/projects",
        json={
            "owner_id": pid,
            "methodology": "CDCER-LD",
            "name_zh": "x",
            "name_en": "x",
            "province": "CN-SC",
            "city": "成都",
            "latitude": 30.6,
            "longitude": 104.0,
            "crediting_start": "2024-01-01",
            "crediting_end": "2030-01-01",
            "expected_annual_t": 10,
        },
        headers=f.bearer(token),
    )
    assert resp.status_code == 403


def _report(client, owner, pid, start="2025-01-01", end="2025-12-31", claimed=600):
    return client.post(
        f"/api/v1/registry/projects/{pid}/reports",
        json={"period_start": start, "period_end": end, "claimed_t": claimed},
        headers=owner.headers,
    )


def test_reports_need_a_validated_project_and_a_period_of_one_year_in_the_crediting_period(
    client, owner, operator
):
    draft = register(client, owner).get_json()["id"]
    assert _report(client, owner, draft).status_code == 409
    pid = validated_project(client, owner, operator)
    assert (
        _report(client, owner, pid, "2025-06-01", "2026-05-31").get_json()["errors"][0]["field"]
        == "period_end"
    )
    assert _report(client, owner, pid, "2023-01-01", "2023-12-31").status_code == 422
    assert _report(client, owner, pid).status_code == 201
    clash = _report(client, owner, pid, "2025-12-01", "2025-12-31")
    assert clash.status_code == 409
    assert clash.get_json()["code"] == "registry.period_overlaps"


def test_a_verifier_account_verifies_others_reports_but_not_its_own(
    client, owner, operator, db_session
):
    pid = validated_project(client, owner, operator)
    rid = _report(client, owner, pid).get_json()["id"]
    url = f"/api/v1/registry/reports/{rid}/transitions"
    own = client.post(url, json={"to": "verified", "verified_t": 500}, headers=owner.headers)
    assert own.status_code == 403
    admin = f.user(db_session, "核证员")
    org = f.organisation(db_session, OrgKind.company, name="四川核证中心", admin=admin)
    token = f.sign_in(client, admin.phone)
    verifier = open_account(client, token, org.id, "91330100799655058B", ["verifier"]).get_json()
    queue = client.get("/api/v1/registry/review", headers=f.bearer(token)).get_json()
    assert [r["id"] for r in queue["reports"]] == [rid]
    too_much = client.post(url, json={"to": "verified", "verified_t": 601}, headers=f.bearer(token))
    assert too_much.status_code == 422
    done = client.post(url, json={"to": "verified", "verified_t": 550}, headers=f.bearer(token))
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["verified_t"], done.get_json()["verifier_id"]) == (550, verifier["id"])
    again = client.post(url, json={"to": "rejected", "reason": "x"}, headers=f.bearer(token))
    assert again.status_code == 409


# --- documents ---------------------------------------------------------------------------


def _upload(client, owner, pid, data, name="report.pdf", title="监测计划"):
    import io

    return client.post(
        f"/api/v1/registry/projects/{pid}/documents",
        data={"title": title, "file": (io.BytesIO(data), name)},
        headers=owner.headers,
        content_type="multipart/form-data",
    )


def test_documents_are_sniffed_stored_and_read_back(client, owner, operator):
    pid = register(client, owner).get_json()["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    for data, kind in (
        (PDF, "application/pdf"),
        (png, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"1" * 50, "image/jpeg"),
    ):
        resp = _upload(client, owner, pid, data, name="x.exe")  # the name says nothing
        assert resp.status_code == 201, resp.get_json()
        assert resp.get_json()["content_type"] == kind
    doc = _upload(client, owner, pid, PDF).get_json()
    for who in (owner.headers, operator):
        got = client.get(f"/api/v1/registry/projects/{pid}/documents/{doc['id']}", headers=who)
        assert (got.status_code, got.data, got.mimetype) == (200, PDF, "application/pdf")
    detail = client.get(f"/api/v1/registry/projects/{pid}", headers=owner.headers).get_json()
    assert len(detail["project"]["documents"]) == 4


def test_a_file_of_another_type_is_a_415_naming_the_field(client, owner):
    pid = register(client, owner).get_json()["id"]
    resp = _upload(client, owner, pid, b"<html>%PDF-</html>", name="fake.pdf")
    assert resp.status_code == 415
    assert resp.get_json()["errors"][0]["field"] == "file"


def test_a_file_over_the_limit_is_a_413_naming_the_field(app, client, owner):
    pid = register(client, owner).get_json()["id"]
    limit = app.config["REGISTRY_DOCUMENT_MAX_BYTES"]
    over = _upload(client, owner, pid, PDF + b"0" * (limit - len(PDF) + 1))
    assert over.status_code == 413
    assert over.get_json()["errors"][0]["field"] == "file"
    way_over = _upload(client, owner, pid, PDF + b"0" * (limit + 100_000))
    assert way_over.status_code == 413
    assert way_over.get_json()["errors"][0]["field"] == "file"
    assert _upload(client, owner, pid, PDF + b"0" * (limit - len(PDF))).status_code == 201


def test_missing_file_or_title_is_a_422(client, owner):
    pid = register(client, owner).get_json()["id"]
    resp = client.post(
        f"/api/v1/registry/projects/{pid}/documents",
        data={"title": "x"},
        headers=owner.headers,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "file"


def test_strangers_see_no_project_and_no_document(client, owner, db_session):
    pid = register(client, owner).get_json()["id"]
    doc = _upload(client, owner, pid, PDF).get_json()
    stranger = f.bearer(f.sign_in(client, f.user(db_session).phone))
    assert client.get(f"/api/v1/registry/projects/{pid}", headers=stranger).status_code == 404
    url = f"/api/v1/registry/projects/{pid}/documents/{doc['id']}"
    assert client.get(url, headers=stranger).status_code == 404
    assert (
        _upload(client, type(owner)(stranger["Authorization"][7:], 0, 0), pid, PDF).status_code
        == 404
    )


def test_a_request_that_fails_after_storing_its_file_leaves_no_file(app, client, owner):
    """The file is written before the row commits; when the commit fails, it goes too."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session as OrmSession

    from backend.registry import storage

    pid = register(client, owner).get_json()["id"]
    with app.app_context():
        root = storage.current().root  # type: ignore[attr-defined]
    before = set(root.rglob("doc_*")) if root.exists() else set()

    def refuse(session):
        raise RuntimeError("the database went away at commit")

    event.listen(OrmSession, "before_commit", refuse)
    try:
        assert _upload(client, owner, pid, PDF).status_code == 500
    finally:
        event.remove(OrmSession, "before_commit", refuse)
    assert set(root.rglob("doc_*")) == before
    assert _upload(client, owner, pid, PDF).status_code == 201
    assert len(set(root.rglob("doc_*")) - before) == 1
