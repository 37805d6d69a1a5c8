"""An organisation's ESG disclosure from seeded data: its neutralisations, the credits retired for
it by project, its registry projects and issuances, its listed projects' benefit; published by
its admins only (recorded), 404 to the public until then; the PDF in the embedded CJK font."""

# ruff: noqa: F811 - the fixtures are imported from green_support (no shared conftest)
from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.imaging import fonts
from tests import factories as f
from tests.finance.green_support import (  # noqa: F401 - fixtures
    Applicant,
    acme,
    apply,
    created,
    move,
    operator,
    other,
    wind,
)
from tests.registry.conftest import Owner, issue, validated_project


@pytest.fixture
def seeded(client, db_session, acme, operator) -> dict[str, Any]:
    """Acme neutralised 1.5 t and 0.25 t from two projects, issued 40 t of a registry project,
    and has a wind farm listed."""
    token = acme.admin["Authorization"][7:]
    hydro, forest = f.project(db_session), f.project(db_session, standard="CDCER", ptype="forestry")
    f.lot(db_session, hydro, 10)
    f.lot(db_session, forest, 10)
    certs = [
        f.neutralise(
            client,
            token,
            mass_g=g,
            preferences={"project_ids": [p.id]},
            organisation_id=acme.org_id,
        )["certificate_number"]
        for p, g in ((hydro, 1_500_000), (forest, 250_000))
    ]
    pid = validated_project(client, Owner(token, acme.org_id, acme.participant_id), operator)
    period = {"period_start": "2025-01-01", "period_end": "2025-12-31", "claimed_t": 100}
    rid = client.post(
        f"/api/v1/registry/projects/{pid}/reports", json=period, headers=acme.admin
    ).get_json()["id"]
    client.post(
        f"/api/v1/registry/reports/{rid}/transitions",
        json={"to": "verified", "verified_t": 40},
        headers=operator,
    )
    assert issue(client, operator, rid, 40).status_code == 201
    listed = created(apply(client, acme, wind()))
    assert move(client, operator, listed["id"], "listed").status_code == 200
    return {"certs": certs, "hydro": hydro, "forest": forest, "registry": pid, "listed": listed}


def esg(client, org_id: int, headers: Any = None, query: str = "") -> Any:
    return client.get(f"/api/v1/finance/organisations/{org_id}/esg{query}", headers=headers or {})


def publish(client, a: Applicant, published: bool, headers: Any = None) -> Any:
    return client.post(
        f"/api/v1/finance/organisations/{a.org_id}/esg/publication",
        json={"published": published},
        headers=a.admin if headers is None else headers,
    )


def test_the_disclosure_is_drawn_from_the_organisations_own_rows(client, acme, seeded) -> None:
    page = esg(client, acme.org_id, acme.member, "?lang=zh").get_json()
    assert page["lang"] == "zh"
    assert page["published"] is False
    assert page["orders_retired"] == 2
    assert page["neutralised_g"] == 1_750_000
    assert page["neutralised_t"] == "1.750"
    assert sorted(page["certificates"]) == sorted(seeded["certs"])
    by_project = {r["registry_id"]: r for r in page["retired"]}
    assert by_project[seeded["hydro"].registry_id]["mass_g"] == 1_500_000
    assert by_project[seeded["forest"].registry_id]["standard"] == "CDCER"
    assert by_project[seeded["forest"].registry_id]["tonnes"] == "0.250"
    [registry] = page["registry"]
    assert (registry["id"], registry["issued_t"], registry["state"]) == (
        seeded["registry"],
        40,
        "已审定",
    )
    [listed] = page["listed"]
    benefit = seeded["listed"]["benefit"]
    assert listed["avoided_t_per_year"] == benefit["avoided_t_per_year"]
    assert listed["trail"] == benefit["trail_zh"]
    assert listed["kind"] == "气候投融资项目"
    assert page["avoided_t_per_year"] == benefit["avoided_t_per_year"]
    assert set(page["sources"]) == {"neutralisations", "retired", "registry", "listed"}
    assert "点点订单记录" in page["sources"]["neutralisations"]
    body = esg(client, acme.org_id, acme.member, "?lang=zh").get_data(as_text=True)
    assert "张三" not in body  # the orders' beneficiary, a person, is never shown
    assert "管理员" not in body


def test_english_by_query_or_accept_language(client, acme, seeded) -> None:
    en = esg(client, acme.org_id, acme.member, "?lang=en").get_json()
    assert en["lang"] == "en"
    assert en["listed"][0]["kind"] == "Climate investment project"
    assert en["listed"][0]["trail"] == seeded["listed"]["benefit"]["trail_en"]
    assert en["sources"]["registry"].startswith("Diandian's CDCER registry")
    by_header = esg(client, acme.org_id, {**acme.member, "Accept-Language": "en-GB,en;q=0.9"})
    assert by_header.get_json()["lang"] == "en"
    zh = esg(client, acme.org_id, {**acme.member, "Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.get_json()["lang"] == "zh"
    assert esg(client, acme.org_id, acme.member, "?lang=fr").status_code == 422


def test_published_by_its_admins_only_and_recorded(client, db_session, acme, other, operator):
    assert esg(client, acme.org_id).status_code == 404  # unpublished: not for the public
    assert esg(client, acme.org_id, other.admin).status_code == 404
    assert esg(client, acme.org_id, operator).status_code == 200
    assert publish(client, acme, True, acme.member).status_code == 403
    assert publish(client, acme, True, operator).status_code == 403
    assert publish(client, acme, True, other.admin).status_code == 404
    done = publish(client, acme, True)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["published"] is True
    shown = esg(client, acme.org_id)
    assert shown.status_code == 200
    assert shown.get_json()["published_at"] is not None
    assert publish(client, acme, False).get_json()["published"] is False
    assert esg(client, acme.org_id).status_code == 404
    for sloppy in (0, 1, "true", None):  # only a JSON boolean says yes or no
        refused = client.post(
            f"/api/v1/finance/organisations/{acme.org_id}/esg/publication",
            json={"published": sloppy},
            headers=acme.admin,
        )
        assert refused.status_code == 422, refused.get_json()
        assert [e["field"] for e in refused.get_json()["errors"]] == ["published"]
    rows = db_session.execute(
        text(
            "SELECT published, by_id FROM finance_esg_publications "
            "WHERE organisation_id = :o ORDER BY id"
        ),
        {"o": acme.org_id},
    ).all()
    assert [r[0] for r in rows] == [True, False]
    assert all(r[1] is not None for r in rows)
    with pytest.raises(DBAPIError), db_session.begin_nested():
        db_session.execute(text("UPDATE finance_esg_publications SET published = true"))
    assert esg(client, 10**6, operator).status_code == 404


def pdf_text(resp: Any) -> str:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(resp.get_data()))
    fonts_used = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font: Any = ref.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                fd: Any = desc.get_object().get("/FontDescriptor")
                if fd is not None:
                    fd = fd.get_object()
                    assert "/FontFile2" in fd or "/FontFile3" in fd, fd  # embedded, not referenced
                    fonts_used.add(str(fd["/FontName"]))
    assert fonts_used, "no embedded font"
    family = fonts.pdf_font().family.replace(" ", "")
    assert all("+" in n and family in n for n in fonts_used), fonts_used  # the CJK font, subset
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_chinese_first_with_the_figures_and_their_sources(client, acme, seeded) -> None:
    url = f"/api/v1/finance/organisations/{acme.org_id}/esg.pdf"
    zh = pdf_text(client.get(url, headers=acme.member))
    flat = zh.replace("\n", "")
    assert "环境、社会及治理（ESG）信息披露" in flat
    assert "蓉城绿能" in flat
    assert "1.750 tCO2e" in flat
    assert seeded["certs"][0] in flat
    assert "凉山风电场" in flat
    assert "点点订单记录" in flat
    assert "来源" in flat
    assert "张三" not in flat
    assert fonts.missing_glyphs(zh, fonts.pdf_font()) == set()
    en = pdf_text(client.get(url + "?lang=en", headers=acme.member)).replace("\n", "")
    assert "Environmental, social and governance (ESG) disclosure" in en
    assert "Liangshan" in en
    assert client.get(url).status_code == 404  # unpublished
