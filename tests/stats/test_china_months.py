"""One month for one certificate everywhere: a certificate issued at 2026-11-30 20:30 UTC, which is
2026-12-01 04:30 in Beijing, counts in December on `/stats`, on `/stats/report` and in the
operator's credit totals, and its image is dated 1 December."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update

from backend.certificates import render, services
from backend.certificates.models import Certificate
from backend.credits.models import Allocation
from tests import factories as f

ISSUED = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)  # 2026-12-01 04:30 in Beijing
MASS = 1_500_000


def stats_by_month(client) -> dict[str, int]:
    body: dict[str, Any] = client.get("/api/v1/stats").get_json()
    return {r["key"]: r["mass_g"] for r in body["by_month"]}


def report_by_month(client) -> dict[str, int]:
    body: dict[str, Any] = client.get("/api/v1/stats/report?year=2026").get_json()
    return {r["key"]: r["mass_g"] for r in body["by_month"]}


def allocated_by_month(client, op: dict[str, str], standard: str) -> dict[str, int]:
    body: dict[str, Any] = client.get("/api/v1/credits/totals", headers=op).get_json()
    return {m: by.get(standard, 0) for m, by in body["allocated_by_month"].items()}


def issued_at(s, number: str, at: datetime) -> Certificate:
    """Move a certificate, and the allocations it retired, to the instant `at`."""
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    cert.issued_at = at
    s.execute(
        update(Allocation)
        .where(Allocation.reservation_id == cert.reservation_id)
        .values(created_at=at)
    )
    s.commit()
    return cert


def test_a_certificate_falls_in_the_beijing_month_everywhere(app, client, db_session, stock, buyer):
    op = f.bearer(f.operator_token(client, db_session))
    standard = stock.lot.standard.value
    before = (
        stats_by_month(client),
        report_by_month(client),
        allocated_by_month(client, op, standard),
    )
    order = f.neutralise(client, buyer.token, mass_g=MASS, preferences=stock.prefs)
    cert = issued_at(db_session, order["certificate_number"], ISSUED)
    after = (
        stats_by_month(client),
        report_by_month(client),
        allocated_by_month(client, op, standard),
    )
    for was, now in zip(before, after, strict=True):
        assert now.get("2026-12", 0) - was.get("2026-12", 0) == MASS
        assert now.get("2026-11", 0) == was.get("2026-11", 0)

    # the certificate and its image are dated 1 December, the day it was in Beijing
    view = services.view(db_session, app.extensions["certificate_issuer"], cert)
    assert view.issued_on == date(2026, 12, 1)
    png = client.get(
        f"/api/v1/certificates/{cert.number}.png?size=600",
        headers=op,  # an operator's view
    ).get_data()
    assert png == render.render_png(view, 600)
    assert png != render.render_png(replace(view, issued_on=date(2026, 11, 30)), 600)
