"""The yearly market report: tables equal to grams we neutralised by hand, in China time, and
its PNG charts (decodable, deterministic, with every glyph in the font, cached by ETag)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PIL import Image

from backend.core import provinces
from backend.imaging.fonts import Face, locate, missing_glyphs
from backend.points import ledger
from backend.points.models import TransferKind
from backend.stats import charts, labels, services
from backend.stats.report import Row
from tests import factories as f

YEAR = 2041  # a year no other test issues certificates in (the clock is set below)
T = 1_000_000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set the time at which orders settle and points are redeemed (certificates' issued_at)."""

    def at(when: datetime) -> None:
        monkeypatch.setattr("backend.orders.settlement.utcnow", lambda: when)
        monkeypatch.setattr("backend.points.wallet.utcnow", lambda: when)

    return at


def report(client, year: int = YEAR) -> dict:
    resp = client.get(f"/api/v1/stats/report?year={year}")
    assert resp.status_code == 200, resp.get_json()
    body: dict = resp.get_json()
    return body


def row(table: list[dict], key: str) -> dict:
    return next(r for r in table if r["key"] == key)


def footprint(client, body: dict) -> dict:
    resp = client.post("/api/v1/footprints", json=body)
    assert resp.status_code == 201, resp.get_json()
    out: dict = resp.get_json()
    return out


def test_report_tables_are_the_grams_we_neutralised(client, db_session, buyer, clock):
    before = report(client)
    ccer = f.project(db_session, "CCER", "hydro", "CN-SC")
    cdcer = f.project(db_session, "CDCER", "linpan", "CN-SC")
    vcu = f.project(db_session, "VCU", "forestry", "CN-YN")
    cer = f.project(db_session, "CER", "wind", None, country="IN")
    for p in (ccer, cdcer, vcu, cer):
        f.lot(db_session, p, 100, price=1000)
    company = f.organisation(db_session, name="会务公司", admin=buyer.user)

    def buy(project, when, **body):
        clock(when)
        body.setdefault("preferences", {"project_ids": [project.id]})
        return f.neutralise(client, buyer.token, **body)

    # 2041-01-01 00:30 in China (still 2040 in UTC): January 2041
    buy(ccer, datetime(2040, 12, 31, 16, 30, tzinfo=UTC), mass_g=2_000_000)
    meeting = footprint(client, {"kind": "meeting", "meeting": {"attendees": 20}})
    buy(cdcer, datetime(2041, 3, 10, 4, tzinfo=UTC), footprint_id=meeting["id"])
    flight = footprint(client, {"kind": "flight", "flight": {"from": "CTU", "to": "PEK"}})
    buy(
        vcu,
        datetime(2041, 3, 20, 4, tzinfo=UTC),
        footprint_id=flight["id"],
        organisation_id=company.id,
    )
    buy(cer, datetime(2041, 7, 1, tzinfo=UTC), mass_g=1_234_567, beneficiary="李四")
    # a citizen redeems 3,000 points (1 g each) of CDCER on 2041-12-31 23:59 in China
    f.fund_points(db_session, 3000)
    ledger.transfer(db_session, TransferKind.earn, buyer.user.id, 3000)
    ledger.transfer(db_session, TransferKind.confirm, buyer.user.id, 3000)
    db_session.commit()
    clock(datetime(2041, 12, 31, 15, 59, tzinfo=UTC))
    resp = client.post(
        "/api/v1/wallet/redemptions",
        json={"points": 3000, "preferences": {"project_ids": [cdcer.id]}},
        headers=f.order_headers(buyer.token),
    )
    assert resp.status_code == 201, resp.get_json()
    # outside the year: 2042-01-01 00:00 in China, and a revoked certificate inside it
    buy(ccer, datetime(2041, 12, 31, 16, tzinfo=UTC), mass_g=9 * T)
    revoked = buy(ccer, datetime(2041, 5, 5, tzinfo=UTC), mass_g=7 * T)
    op = f.bearer(f.operator_token(client, db_session))
    assert (
        client.post(
            f"/api/v1/certificates/{revoked['certificate_number']}/revocation",
            json={"reason": "测试撤销"},
            headers=op,
        ).status_code
        == 200
    )

    got = report(client)
    m, fl = meeting["mass_g"], flight["mass_g"]
    assert m > 0
    assert fl > 0
    total = 2_000_000 + m + fl + 1_234_567 + 3000
    assert before["neutralisations"] == 0
    assert before["mass_g"] == 0
    assert (got["year"], got["neutralisations"], got["mass_g"]) == (YEAR, 5, total)
    assert {r["key"]: r["mass_g"] for r in got["by_standard"]} == {
        "CCER": 2_000_000,
        "CDCER": m + 3000,
        "VCU": fl,
        "CER": 1_234_567,
    }
    assert {r["key"]: r["mass_g"] for r in got["by_project_type"]} == {
        "hydro": 2_000_000,
        "linpan": m + 3000,
        "forestry": fl,
        "wind": 1_234_567,
    }
    assert {r["key"]: r["mass_g"] for r in got["by_province"]} == {
        "CN-SC": 2_000_000 + m + 3000,
        "CN-YN": fl,
        "IN": 1_234_567,
    }
    # provinces by the names and in the order of statistics tables (四川 before 云南), then
    # countries; English names, not codes
    assert [r["key"] for r in got["by_province"]] == ["CN-SC", "CN-YN", "IN"]
    sichuan = row(got["by_province"], "CN-SC")
    assert (sichuan["label_zh"], sichuan["label_en"]) == ("四川", "Sichuan")
    assert row(got["by_province"], "IN")["label_zh"] == "印度"
    months = {r["key"]: (r["neutralisations"], r["mass_g"]) for r in got["by_month"]}
    assert list(months) == [f"{YEAR}-{i:02d}" for i in range(1, 13)]
    assert months == {
        f"{YEAR}-{i:02d}": {
            1: (1, 2_000_000),
            3: (2, m + fl),
            7: (1, 1_234_567),
            12: (1, 3000),
        }.get(i, (0, 0))
        for i in range(1, 13)
    }
    scenarios = {r["key"]: (r["neutralisations"], r["mass_g"]) for r in got["by_scenario"]}
    assert scenarios["meeting"] == (1, m)
    assert scenarios["flight"] == (1, fl)
    assert scenarios["points_redemption"] == (1, 3000)
    assert scenarios["other"] == (2, 2_000_000 + 1_234_567)
    assert scenarios["court_restoration"] == scenarios["hearing"] == (0, 0)
    assert row(got["by_scenario"], "points_redemption")["label_zh"] == "碳积分兑换"
    # the top projects, heaviest first, with how many certificates drew on each
    top = [(p["project_id"], p["mass_g"], p["neutralisations"]) for p in got["top_projects"]]
    expected = sorted(
        [
            (ccer.id, 2_000_000, 1),
            (cdcer.id, m + 3000, 2),
            (vcu.id, fl, 1),
            (cer.id, 1_234_567, 1),
        ],
        key=lambda t: (-t[1], t[0]),
    )
    assert top == expected
    assert [p["rank"] for p in got["top_projects"]] == [1, 2, 3, 4]
    by_id = {p["project_id"]: p for p in got["top_projects"]}
    assert (by_id[cer.id]["province"], by_id[cer.id]["standard"]) == ("IN", "CER")
    assert (by_id[vcu.id]["type"], by_id[vcu.id]["name_zh"]) == ("forestry", vcu.name_zh)
    # who: three beneficiary names (张三, 李四, and the citizen's own name 买家 on the redemption),
    # one organisation, one person ordering for themselves (also the one who redeemed)
    assert (got["beneficiaries"], got["organisations"], got["people"]) == (3, 1, 1)
    assert (got["projects"], got["provinces"]) == (4, 3)
    # cumulative counts this year and everything before it, not 2042
    assert got["cumulative"]["neutralisations"] - before["cumulative"]["neutralisations"] == 5
    assert got["cumulative"]["mass_g"] - before["cumulative"]["mass_g"] == total
    nxt = report(client, YEAR + 1)
    assert (nxt["neutralisations"], nxt["mass_g"]) == (1, 9 * T)


def test_court_restoration_is_its_own_scenario(client, db_session, buyer, clock):
    from backend.accounts.models import CourtLevel, Role

    forest = f.project(db_session, "CDCER", "forestry", "CN-SC")
    f.lot(db_session, forest, 100, price=1290)
    court = f.court(db_session, "宝兴县人民法院", CourtLevel.basic)
    clerk = f.court_staff(client, db_session, court, Role.clerk)
    case = f.open_case(client, clerk, court.id, defendants=[{"name": "被告人甲"}])
    link = case["defendants"][0]["purchase_url"].rsplit("/", 1)[1]
    resp = client.post(
        f"/api/v1/court-purchases/{link}/orders", json={}, headers=f.order_headers(buyer.token)
    )
    assert resp.status_code == 201, resp.get_json()
    clock(datetime(2041, 6, 1, tzinfo=UTC))
    paid = client.post(
        f"/api/v1/orders/{resp.get_json()['id']}/confirm", json={}, headers=f.bearer(buyer.token)
    )
    assert paid.get_json()["status"] == "retired", paid.get_json()
    got = report(client)
    assert row(got["by_scenario"], "court_restoration")["mass_g"] == 24 * T
    assert row(got["by_scenario"], "court_restoration")["neutralisations"] == 1
    assert row(got["by_project_type"], "forestry")["mass_g"] == 24 * T


def test_an_empty_year_is_zeros_not_errors(client):
    got = report(client, 2003)
    assert (got["neutralisations"], got["mass_g"], got["people"]) == (0, 0, 0)
    assert [r["mass_g"] for r in got["by_standard"]] == [0, 0, 0, 0]
    assert [r["key"] for r in got["by_standard"]] == ["CCER", "CDCER", "VCU", "CER"]
    assert len(got["by_month"]) == 12
    assert all(r["mass_g"] == r["neutralisations"] == 0 for r in got["by_month"])
    assert all(r["mass_g"] == 0 for r in got["by_scenario"])
    assert got["by_project_type"] == got["by_province"] == got["top_projects"] == []
    for name in charts.CHARTS:
        resp = client.get(f"/api/v1/stats/report/charts/{name}.png?year=2003")
        assert resp.status_code == 200
        assert Image.open(io.BytesIO(resp.data)).size[0] == charts.WIDTH


@pytest.mark.parametrize("query", ["", "?year=", "?year=abc", "?year=1999", "?year=2101"])
def test_year_is_required_and_sensible(client, query):
    for path in ("/api/v1/stats/report", "/api/v1/stats/report/charts/by-month.png"):
        resp = client.get(path + query)
        assert resp.status_code == 422, resp.get_data(as_text=True)
        assert resp.mimetype == "application/problem+json"
        assert "year" in resp.get_data(as_text=True)
        assert {e.get("parameter", e.get("field")) for e in resp.get_json()["errors"]} == {"year"}


def test_an_unknown_chart_is_404(client):
    resp = client.get("/api/v1/stats/report/charts/by-colour.png?year=2041")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["detail"] == (
        "No chart 'by-colour'; charts: by-scenario, by-standard, by-type, by-province, by-month, "
        "by-action."
    )
    zh = client.get(
        "/api/v1/stats/report/charts/by-colour.png?year=2041", headers={"Accept-Language": "zh-CN"}
    ).get_json()
    assert (zh["code"], zh["params"]["name"]) == ("stats.no_chart", "by-colour")
    assert zh["detail"].startswith("没有图表“by-colour”；可选的图表：by-scenario、by-standard")
    assert zh["title"] == "找不到该内容"


def test_charts_decode_are_deterministic_and_cached_by_etag(client, db_session, buyer, clock):
    p = f.project(db_session, "CDCER", "greenway", "CN-SC")
    f.lot(db_session, p, 10, price=1290)
    clock(datetime(2041, 8, 8, tzinfo=UTC))
    f.neutralise(client, buyer.token, mass_g=1_500_000, preferences={"project_ids": [p.id]})
    for name in charts.CHARTS:
        url = f"/api/v1/stats/report/charts/{name}.png?year={YEAR}"
        first = client.get(url)
        assert first.status_code == 200
        assert first.mimetype == "image/png"
        assert first.headers["Cache-Control"] == "public, max-age=60"
        image = Image.open(io.BytesIO(first.data))
        image.load()
        assert image.format == "PNG"
        assert image.size[0] == charts.WIDTH
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.headers["ETag"] == etag
        # the same figures draw the same bytes, even rendered afresh
        assert charts.render(name, services.report(db_session, YEAR)) == first.data
    # a new neutralisation changes the figures, hence the image and its ETag
    before = client.get(f"/api/v1/stats/report/charts/by-month.png?year={YEAR}")
    f.neutralise(client, buyer.token, mass_g=500_000, preferences={"project_ids": [p.id]})
    after = client.get(f"/api/v1/stats/report/charts/by-month.png?year={YEAR}")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.data != before.data


def test_every_string_a_chart_draws_has_its_glyphs(db_session):
    """Every label the charts can draw: all scenarios, standards, types and provinces."""
    fake = replace(
        services.report(db_session, 2003),
        by_project_type=tuple(Row(k, zh, en, 1) for k, (zh, en) in labels.TYPE_LABELS.items()),
        by_province=tuple(
            Row(k, *labels.province(k), 1) for k in [*provinces.CODES, *labels.COUNTRIES]
        ),
    )
    for face in (Face.sans, Face.sans_bold):
        for name in charts.CHARTS:
            drawn = "".join(charts.texts(name, fake))
            assert missing_glyphs(drawn, locate(face)) == set(), name
    # more rows than fit are summed into one "其他 Others" bar
    png = Image.open(io.BytesIO(charts.render("by-province", fake)))
    assert png.size[1] < 1200


def test_the_month_chart_names_its_axes_and_every_month_in_both_languages(db_session):
    """Issue 20: months labelled (3月 and Mar, not "03") and both axes say what they measure."""
    drawn = charts.texts("by-month", services.report(db_session, 2003))
    assert charts.X_AXIS in drawn
    assert charts.Y_AXIS in drawn
    assert "CO2e" in charts.Y_AXIS  # the CJK face has no subscript ₂
    for zh, en in (("1月", "Jan"), ("3月", "Mar"), ("12月", "Dec")):
        assert zh in drawn
        assert en in drawn
    assert not any(t in ("01", "03", "12") for t in drawn)
    # the other charts have no axis of months
    assert charts.X_AXIS not in charts.texts("by-province", services.report(db_session, 2003))
