"""The case report for the case file: a PNG (Noto CJK, Chinese first) of the court, case, site,
defendants, their certificates and credits, the verification record and the status. Times are
shown in China (`clock.china_minute`); it is drawn with the shared palette and fonts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.certificates.models import Certificate
from backend.certificates.services import document
from backend.certificates.view import mass_label
from backend.core import provinces
from backend.core.clock import china_minute, utcnow
from backend.courts.models import CourtCase, MassBasis, Verification
from backend.courts.progress import of as progress_of
from backend.imaging import palette
from backend.imaging.fonts import Face, font
from backend.imaging.palette import INDIGO, INK, JADE, MUTED, PAPER, Color
from backend.imaging.text import line_gap, wrap

WIDTH = 1240  # A4 at 150 dpi
MARGIN = 90
STATUS_ZH = {"open": "进行中 open", "fulfilled": "已履行 fulfilled", "closed": "已结案 closed"}
CERT_STATUS_ZH = {"valid": "有效", "revoked": "已撤销"}
TYPE_ZH = {"forestry": "林业碳汇"}


@dataclass(frozen=True)
class Line:
    """One paragraph of the report: wrapped to the page width when drawn."""

    text: str
    face: Face = Face.sans
    size: int = 24
    color: Color = INK
    indent: int = 0
    space_before: int = 0


def lines(s: Session, case: CourtCase, now: datetime | None = None) -> list[Line]:
    """What the report says, paragraph by paragraph."""
    progress = progress_of(s, case)
    numbers = [p.certificate_number for ps in progress.purchases.values() for p in ps]
    certs = {
        c.number: c for c in s.scalars(select(Certificate).where(Certificate.number.in_(numbers)))
    }
    checks = {
        v.certificate_number: (v, name)
        for v, name in s.execute(
            select(Verification, User.display_name)
            .join(User, User.id == Verification.verified_by_id)
            .where(Verification.case_id == case.id)
        )
    }
    basis = (
        "每名被告人 per defendant"
        if case.mass_basis == MassBasis.per_defendant
        else "合计 in total"
    )
    eligible = case.eligible
    out = [
        Line("司法碳汇生态修复案件报告", Face.serif_bold, 46, JADE),
        Line("Judicial carbon-sink restoration · case report", Face.sans, 22, MUTED),
        Line(f"法院 Court：{case.court.organisation.name}", space_before=24),
        Line(f"案号 Case number：{case.number}", Face.sans_bold),
        Line(f"案由 Offence：{case.offence}"),
        Line(f"受损地点 Damaged site：{case.site_place}（{provinces.name(case.site_province)}）"),
        Line(f"修复要求 Required：{mass_label(case.mass_g)}，{basis}"),
        Line(
            "可用碳汇 Eligible credits："
            + " / ".join(eligible["standards"])
            + " · "
            + "、".join(TYPE_ZH.get(t, t) for t in eligible["types"])
            + " · "
            + "、".join(provinces.name(r) for r in sorted(eligible["regions"], key=provinces.order))
        ),
        Line(f"购买期限 Deadline：{case.deadline.isoformat()}"),
        Line(
            f"状态 Status：{STATUS_ZH[str(case.status)]} · 已核销 verified "
            f"{mass_label(progress.verified_g)} / {mass_label(progress.required_g)}",
            Face.sans_bold,
            color=INDIGO,
        ),
        Line(
            "被告人、证书与核销 Defendants, certificates, verification",
            Face.serif_bold,
            30,
            JADE,
            space_before=28,
        ),
    ]
    for d in case.defendants:
        out.append(
            Line(
                f"{d.position}. {d.name} · 已核销 verified {mass_label(progress.verified[d.id])}",
                Face.sans_bold,
                space_before=14,
            )
        )
        bought = [p for p in progress.purchases[d.id] if p.certificate_number in certs]
        if not bought:
            out.append(Line("尚无证书 No certificate yet", color=MUTED, indent=36))
        for p in bought:
            cert = certs[str(p.certificate_number)]
            out.append(
                Line(
                    f"证书 {cert.number} · {mass_label(cert.mass_g)} · "
                    f"{CERT_STATUS_ZH[str(cert.status)]} · 签发 {china_minute(cert.issued_at)}",
                    indent=36,
                )
            )
            for c in document(cert)["credits"]:
                out.append(
                    Line(
                        f"{c['standard']} {c['vintage']} · {c['project_name_zh']} · "
                        f"{provinces.name(c['province'] or '')} · {mass_label(c['mass_g'])}",
                        size=20,
                        color=MUTED,
                        indent=72,
                    )
                )
            check = checks.get(cert.number)
            out.append(
                Line(
                    f"核销 Verified：{china_minute(check[0].verified_at)} · "
                    f"{check[1] or f'用户 #{check[0].verified_by_id}'}"
                    if check
                    else "未核销 Not verified",
                    color=INDIGO if check else MUTED,
                    indent=72,
                )
            )
    if case.closed_at is not None:
        out.append(
            Line(
                f"结案 Closed：{china_minute(case.closed_at)} {case.closed_reason}",
                space_before=20,
            )
        )
    out.append(
        Line(
            f"生成时间 Generated：{china_minute(now or utcnow())} · 点点碳中和服务 Diandian",
            size=18,
            color=MUTED,
            space_before=36,
        )
    )
    return out


def render(paragraphs: list[Line], width: int = WIDTH) -> bytes:
    """Draw the paragraphs top to bottom on a page as tall as they need."""
    rows: list[tuple[str, Line, int]] = []
    y = MARGIN
    for p in paragraphs:
        f = font(p.face, p.size)
        y += p.space_before
        for text in wrap(f, p.text, width - 2 * MARGIN - p.indent, 8):
            rows.append((text, p, y))
            y += line_gap(p.size)
    img = Image.new("RGB", (width, y + MARGIN), PAPER)
    draw = ImageDraw.Draw(img)
    draw.rectangle((MARGIN // 2, MARGIN // 2, MARGIN // 2 + 8, y + MARGIN // 2), fill=JADE)
    for text, p, top in rows:
        draw.text((MARGIN + p.indent, top), text, font=font(p.face, p.size), fill=p.color)
    return palette.png(img)
