"""The 碳中和声明: one A4 page, Chinese first with English, stating who, what and why, the
footprint, the credits retired (with their registry serials), the certificate and its QR."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from backend.certificates.pdf import layout, words
from backend.certificates.pdf.layout import para
from backend.certificates.pdf.subject import Subject
from backend.certificates.view import POOLED_RETIREMENT, CertificateStatus, CertificateView
from backend.core.lang import Lang
from backend.footprint import standards

TITLE = ("碳中和声明", "Carbon-Neutrality Statement")
REVOKED = (
    "本证书已撤销，本声明不再有效。",
    "This certificate is revoked: this statement no longer holds.",
)
SANDBOX = (
    "演示证书：未付真实款项，并非真实抵消。",
    "Demo certificate: no real money was paid; not a real offset.",
)


def accepted(subject: Subject) -> bool:
    """Whether every credit retired is of a kind the footprint's claim standard accepts for a
    碳中和 claim (a footprint made before standards keeps the claim it always had)."""
    if subject.standard is None:
        return True
    return all(
        standards.accepts(
            subject.standard, c.standard, project_country=(c.province or "").partition("-")[0]
        )
        for c in subject.view.credits
    )


def claim(subject: Subject, lang: Lang) -> str:
    """The statement's sentence in `lang`: who, what, the footprint and the credits retired.
    Carbon neutral only when the credits cover the footprint and the standard accepts them."""
    v, fp_g = subject.view, int(subject.footprint["mass_g"])
    what, fp, retired = v.purpose.text(lang), words.tonnes(fp_g), words.tonnes(v.mass_g)
    whole, kinds = v.mass_g >= fp_g, accepted(subject)
    if lang == "zh":
        done = "抵消上述全部排放，实现碳中和" if whole else "抵消上述排放的一部分"
        if not kinds:
            done = "但其中有核算标准不认可用于碳中和声明的碳信用，故不作碳中和声明"
        return (
            f"兹声明：{what}（受益方：{v.beneficiary}），经核算温室气体排放量为 {fp}。"
            f"{v.issuer}已为其注销 {retired} 碳信用，{done}。"
        )
    done = (
        "offsetting all of these emissions: carbon neutral" if whole else "offsetting part of them"
    )
    if not kinds:
        done = (
            "but some of them are of a kind its accounting standard does not accept for a "
            "carbon-neutrality claim, so no such claim is made"
        )
    return (
        f"This states that the greenhouse-gas emissions of {what} (beneficiary: {v.beneficiary}) "
        f"are accounted at {fp}. {v.issuer} has retired {retired} of carbon credits for it, "
        f"{done}."
    )


def defaults(n: int) -> str:
    """How many inputs the organiser left out, in words (the report lists them)."""
    if not n:
        return "无：全部数据由组织方提供。\nNone: the organiser gave every input."
    return (
        f"{n} 项未填写的数据采用有来源的默认值，详见核算报告。\n"
        f"{n} inputs not given take sourced defaults, listed in the accounting report."
    )


def facts(subject: Subject) -> Table:
    v = subject.view
    version = str(subject.footprint["factor_set"])
    return layout.pairs(
        [
            ("受益方 Beneficiary", v.beneficiary),
            ("对象 Subject", f"{v.purpose.text('zh')}\n{v.purpose.text('en')}"),
            ("核算排放量 Footprint", words.tonnes(int(subject.footprint["mass_g"]))),
            ("注销碳信用 Credits retired", words.tonnes(v.mass_g)),
            (
                "核算依据 Basis",
                f"{words.basis(subject.standard, version, 'zh')}\n"
                f"{words.basis(subject.standard, version, 'en')}",
            ),
            ("默认值 Defaults", defaults(len(subject.defaults))),
            ("证书编号 Certificate", f"{v.number}（校验码 check code {v.check_code}）"),
            ("日期 Date", f"{v.issued_on.isoformat()}（北京时间 China time）"),
        ]
    )


def credits(view: CertificateView) -> Table:
    rows = [
        (
            "标准\nStandard",
            "项目 Project",
            "年份\nVintage",
            "登记簿序列号 Registry serials",
            "数量 Mass",
            "状态 Status",
        )
    ]
    for c in view.credits:
        rows.append(
            (
                c.standard,
                f"{c.project_name_zh}\n{c.project_name_en}",
                str(c.vintage),
                "\n".join(b.serial for b in c.blocks) or c.serials,
                words.tonnes(c.mass_g),
                f"{words.registry(c, 'zh')}\n{words.registry(c, 'en')}",
            )
        )
    return layout.table(rows, (0.1, 0.24, 0.08, 0.3, 0.12, 0.16), size=7.5)


def verify(view: CertificateView) -> Table:
    text = para(
        f"扫码或访问以下地址核验本证书 Scan, or visit, to verify:\n{view.lookup_url}\n\n"
        f"{view.verify_url}",
        7.5,
    )
    return layout.beside_qr(view.verify_url, text)


def notices(view: CertificateView) -> list[Flowable]:
    shown = [REVOKED] if view.status == CertificateStatus.revoked else []
    shown += [SANDBOX] if view.sandbox else []
    return [para(f"{zh}\n{en}", 10, color=layout.colors.firebrick) for zh, en in shown]


def render(subject: Subject, lang: Lang = "zh") -> bytes:
    """The page; `lang` leads (Chinese unless asked for English), the other follows."""
    v = subject.view
    first: Lang = lang
    second: Lang = "en" if lang == "zh" else "zh"
    title = dict(zip(("zh", "en"), TITLE, strict=True))
    story: list[Flowable] = [
        para(title[first], 22 if first == "zh" else 18),
        para(title[second], 13),
        Spacer(1, 3 * mm),
        *notices(v),
        para(claim(subject, first), 11),
        Spacer(1, 1.5 * mm),
        para(claim(subject, second), 9.5),
        Spacer(1, 3 * mm),
        facts(subject),
        *layout.heading("注销的碳信用 Credits retired", 10.5),
        credits(v),
        Spacer(1, 1.5 * mm),
        para(f"{POOLED_RETIREMENT[0]}\n{POOLED_RETIREMENT[1]}", 7.5),
        Spacer(1, 3 * mm),
        verify(v),
        Spacer(1, 2 * mm),
        para(f"签发 Issued by {v.issuer}", 8),
    ]
    return layout.build(story, title=f"{TITLE[0]} {TITLE[1]} {v.number}", author=v.issuer)
