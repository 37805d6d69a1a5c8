"""The demo's 绿蓉融 entries: the company listed as a green enterprise, its greenway listed with
the benefit of its registry issuances, and its ESG disclosure published."""

from __future__ import annotations

from sqlalchemy import select

from backend import demo
from backend.registry.models import Participant


def test_the_demo_lists_the_company_and_its_greenway(app, client, db_session) -> None:
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    account = db_session.scalars(
        select(Participant).where(Participant.uscc == demo.DEMO_USCC)
    ).one()
    org = account.organisation
    [enterprise] = client.get("/api/v1/finance/listed/enterprises").get_json()["items"]
    assert (enterprise["organisation_name"], enterprise["taxonomy_version"]) == (org.name, "2024")
    [project] = client.get("/api/v1/finance/listed/projects").get_json()["items"]
    assert project["benefit"]["method"] == "registry_issuance"
    assert project["benefit"]["avoided_kg_per_year"] == 1000 * 1000  # 1,000 t issued, one vintage
    page = client.get(f"/api/v1/finance/organisations/{org.id}/esg?lang=zh").get_json()
    assert page["published"] is True
    assert page["listed"][0]["avoided_t_per_year"] == "1,000.000"
    pdf = client.get(f"/api/v1/finance/organisations/{org.id}/esg.pdf")
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
