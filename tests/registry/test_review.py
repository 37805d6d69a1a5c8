"""The review desk's reads: what a verifier account may see, and the queue's cost, which does
not grow with the number of reports waiting."""

from __future__ import annotations

from sqlalchemy import event

from backend.accounts.models import OrgKind
from tests import factories as f
from tests.registry.conftest import open_account, validated_project


def _report(client, owner, pid, start="2025-01-01", end="2025-12-31"):
    return client.post(
        f"/api/v1/registry/projects/{pid}/reports",
        json={"period_start": start, "period_end": end, "claimed_t": 600},
        headers=owner.headers,
    )


def _verifier(client, db_session):
    admin = f.user(db_session, "核证员")
    org = f.organisation(db_session, OrgKind.company, name="四川核证中心", admin=admin)
    token = f.sign_in(client, admin.phone)
    resp = open_account(client, token, org.id, "91330100799655058B", ["verifier"])
    assert resp.status_code == 201, resp.get_json()
    return f.bearer(token)


def test_a_verifier_sees_a_project_only_while_it_has_a_report_to_verify_or_verified(
    client, owner, operator, db_session
):
    verifier = _verifier(client, db_session)
    pid = validated_project(client, owner, operator)
    url = f"/api/v1/registry/projects/{pid}"
    assert client.get(url, headers=verifier).status_code == 404  # nothing to verify
    rid = _report(client, owner, pid).get_json()["id"]
    assert client.get(url, headers=verifier).status_code == 200
    done = client.post(
        f"/api/v1/registry/reports/{rid}/transitions",
        json={"to": "verified", "verified_t": 500},
        headers=verifier,
    )
    assert done.status_code == 200, done.get_json()
    assert client.get(url, headers=verifier).status_code == 200  # the one it verified
    other = validated_project(client, owner, operator)
    rid2 = _report(client, owner, other).get_json()["id"]
    client.post(
        f"/api/v1/registry/reports/{rid2}/transitions",
        json={"to": "rejected", "reason": "数据不全"},
        headers=operator,
    )
    assert client.get(f"/api/v1/registry/projects/{other}", headers=verifier).status_code == 404


def test_the_queue_costs_the_same_for_one_report_or_many(app, client, owner, operator, db_session):
    verifier = _verifier(client, db_session)
    engine = app.extensions["db"].engine
    counted: list[str] = []

    def count(conn, cursor, statement, *args):
        counted.append(statement)

    def statements(headers):
        counted.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            resp = client.get("/api/v1/registry/review", headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert resp.status_code == 200
        return len(counted), resp.get_json()

    pid = validated_project(client, owner, operator)
    _report(client, owner, pid, "2024-01-01", "2024-12-31")
    one = {who: statements(h)[0] for who, h in (("operator", operator), ("verifier", verifier))}
    for _ in range(4):
        other = validated_project(client, owner, operator)
        _report(client, owner, other)
    for who, headers in (("operator", operator), ("verifier", verifier)):
        n, queue = statements(headers)
        assert len(queue["reports"]) == 5
        assert n == one[who], who
    assert {r["project_name_zh"] for r in queue["reports"]} == {"龙泉山造林管护（测试）"}
