"""The case report PNG (every character has a glyph in the Noto CJK face that draws it) and the
court-wide statistics, lower courts included."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image
from sqlalchemy import update

from backend.certificates.models import Certificate
from backend.courts import report
from backend.courts.models import CourtCase
from backend.imaging.fonts import font, missing_glyphs
from tests import factories as f
from tests.courts.test_purchase_flow import buy, pay, token_of, verify

T = 1_000_000
LATE = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)  # 2026-12-01 04:30 in Beijing


def verified_case(client, db_session, courts, staff):
    """The seed case with its first defendant's 4 t bought and verified."""
    case = f.open_case(client, staff.clerk, courts.basic.id)
    family = f.sign_in(client, f.user(db_session).phone)
    order = buy(client, family, token_of(case["defendants"][0]), mass_g=4 * T).get_json()
    number = pay(client, family, order["id"])["certificate_number"]
    assert verify(client, staff.clerk, case["id"], number).status_code == 201
    return case, number


def test_the_report_says_everything_in_drawable_chinese(
    client, db_session, courts, staff, forestry
):
    case, number = verified_case(client, db_session, courts, staff)
    lines = report.lines(db_session, db_session.get_one(CourtCase, case["id"]))
    text = "\n".join(line.text for line in lines)
    for expected in (
        "宝兴县人民法院",
        "(2023)川1827刑初12号",
        "大熊猫国家公园宝兴片区（四川省）",
        "被告人甲",
        "被告人己",
        number,
        "林业碳汇",
        "核销 Verified",
        "宝兴县人民法院clerk",
        "进行中 open",
        "4.000 t",
        "24.000 t",
    ):
        assert expected in text, expected
    assert {
        ch for line in lines for ch in missing_glyphs(line.text, font(line.face, line.size))
    } == set()


def test_the_report_and_stats_use_beijing_dates_and_months(
    client, db_session, courts, staff, forestry
):
    case, number = verified_case(client, db_session, courts, staff)
    db_session.execute(
        update(Certificate).where(Certificate.number == number).values(issued_at=LATE)
    )
    db_session.execute(update(CourtCase).where(CourtCase.id == case["id"]).values(created_at=LATE))
    db_session.commit()
    lines = report.lines(db_session, db_session.get_one(CourtCase, case["id"]))
    text = "\n".join(line.text for line in lines)
    assert f"{number} · 4.000 t · 有效 · 签发 2026-12-01 04:30" in text
    assert "2026-11-30" not in text
    stats = client.get(
        f"/api/v1/courts/{courts.basic.id}/stats", headers=f.bearer(staff.clerk)
    ).get_json()
    opened = {m["month"]: m["cases_opened"] for m in stats["by_month"]}
    assert opened["2026-12"] == 1
    assert "2026-11" not in opened


def test_the_report_png_is_served_to_those_who_see_the_case(
    client, db_session, courts, staff, forestry
):
    case, _ = verified_case(client, db_session, courts, staff)
    path = f"/api/v1/court-cases/{case['id']}/report.png"
    resp = client.get(path, headers=f.bearer(staff.high_judge))
    assert resp.status_code == 200
    assert resp.mimetype == "image/png"
    img = Image.open(io.BytesIO(resp.data))
    assert img.width == report.WIDTH
    assert img.height > 800
    assert client.get(path, headers=f.bearer(staff.other_clerk)).status_code == 404


def test_stats_add_up_lower_courts(client, db_session, courts, staff, forestry):
    verified_case(client, db_session, courts, staff)
    f.open_case(
        client,
        staff.clerk,
        courts.basic.id,
        number="(2023)川1827刑初13号",
        defendants=[{"name": "甲"}, {"name": "乙"}],
        mass_g=T,
        mass_basis="per_defendant",
    )
    stats = client.get(
        f"/api/v1/courts/{courts.high.id}/stats", headers=f.bearer(staff.high_judge)
    ).get_json()
    assert stats["courts"] == sorted([courts.high.id, courts.mid.id, courts.basic.id])
    assert stats["cases"] == 2
    assert stats["cases_by_status"] == {"open": 2, "fulfilled": 0, "closed": 0}
    assert stats["mass_required_g"] == 24 * T + 2 * T
    assert stats["mass_verified_g"] == 4 * T
    assert stats["certificates_verified"] == 1
    assert sum(m["cases_opened"] for m in stats["by_month"]) == 2
    assert sum(m["mass_verified_g"] for m in stats["by_month"]) == 4 * T
    lower = client.get(f"/api/v1/courts/{courts.high.id}/stats", headers=f.bearer(staff.clerk))
    assert lower.status_code == 404  # a basic court does not see its high court's figures
    other = client.get(
        f"/api/v1/courts/{courts.other.id}/stats", headers=f.bearer(staff.other_clerk)
    ).get_json()
    assert other["cases"] == 0
    op = f.operator_token(client, db_session)
    missing = client.get("/api/v1/courts/999999/stats", headers=f.bearer(op))
    assert missing.status_code == 404
