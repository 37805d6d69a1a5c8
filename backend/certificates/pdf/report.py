"""The accounting report (核算报告), in the structure of the MEE large-event guide: overview,
boundary, emission sources, activity data with the defaults used, factors with their sources,
results by category, phase and scope, the credits retired with registry serials, and the
certificate. Read from the footprint's frozen document (and its parts', for an event)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from backend.certificates.pdf import layout, words
from backend.certificates.pdf.layout import heading, para
from backend.certificates.pdf.statement import notices
from backend.certificates.pdf.subject import Subject
from backend.certificates.view import POOLED_RETIREMENT
from backend.core.clock import china_date
from backend.core.lang import Lang
from backend.footprint import trail_text

TITLE = {"zh": "碳中和核算报告", "en": "Carbon-Neutrality Accounting Report"}


def tr(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def factor_lines(subject: Subject) -> list[dict[str, Any]]:
    """Every line worked out from a factor (an event's own and its parts')."""
    return [
        line
        for doc in subject.documents
        for line in doc["breakdown"]["lines"]
        if line.get("factor")
    ]


def overview(subject: Subject, lang: Lang) -> list[Flowable]:
    v, fp = subject.view, subject.footprint
    made = china_date(datetime.fromisoformat(fp["created_at"]))
    return [
        *heading(tr(lang, "一、基本情况", "1. Overview")),
        layout.pairs(
            [
                (tr(lang, "受益方", "Beneficiary"), v.beneficiary),
                (tr(lang, "活动", "Subject"), v.purpose.text(lang)),
                (tr(lang, "足迹编号", "Footprint"), f"{fp['id']}（{made.isoformat()}）"),
                (
                    tr(lang, "核算依据", "Basis"),
                    words.basis(subject.standard, fp["factor_set"], lang),
                ),
                (tr(lang, "排放总量", "Total emissions"), words.tonnes(int(fp["mass_g"]))),
                (tr(lang, "证书编号", "Certificate"), v.number),
            ]
        ),
    ]


def boundary(subject: Subject, lang: Lang) -> list[Flowable]:
    by_phase = subject.footprint["breakdown"]["by_phase"]
    phases = "、".join(words.word(words.PHASES, p, "zh") for p in words.PHASES if p in by_phase)
    phases_en = ", ".join(words.word(words.PHASES, p, "en") for p in words.PHASES if p in by_phase)
    text = tr(
        lang,
        f"本报告按照{words.MEE_GUIDE['zh']}的结构编写。核算边界为活动本身及其参与者，"
        f"覆盖筹备、举办和收尾三个阶段（本次有排放的阶段：{phases}）。温室气体以二氧化碳当量"
        "（CO2e，100 年全球变暖潜势）计，总量向上取整到克，从不少计。",
        f"This report follows the structure of the {words.MEE_GUIDE['en']}. The boundary is the "
        "event itself and its participants, over the preparation, staging and wrap-up phases "
        f"(phases with emissions here: {phases_en}). Greenhouse gases are stated as CO2 "
        "equivalent (CO2e, 100-year GWP); the total is rounded up to the gram, never understated.",
    )
    return [*heading(tr(lang, "二、核算边界", "2. Boundary")), para(text)]


def sources(subject: Subject, lang: Lang) -> list[Flowable]:
    found: dict[str, tuple[set[str], list[str]]] = {}
    for line in subject.footprint["breakdown"]["lines"] + factor_lines(subject):
        scopes, labels = found.setdefault(line["category"], (set(), []))
        scopes.add(str(line["scope"]))
        if line["label"] not in labels:
            labels.append(line["label"])
    rows = [
        (tr(lang, "类别", "Category"), tr(lang, "范围", "Scope"), tr(lang, "排放源", "Sources"))
    ]
    for cat, (scopes, labels) in found.items():
        scope = "; ".join(words.word(words.SCOPES, s, lang) for s in sorted(scopes))
        rows.append((words.word(words.CATEGORIES, cat, lang), scope, "\n".join(labels)))
    return [
        *heading(tr(lang, "三、排放源", "3. Emission sources")),
        layout.table(rows, (0.2, 0.3, 0.5)),
    ]


def unit_of(factor: dict[str, Any], lang: Lang) -> str:
    """What a factor is per, in `lang`: `pkm` of `kgCO2e/pkm`, 餐 of `kgCO2e per meal`."""
    unit = trail_text.unit(str(factor.get("unit", "")), lang).replace(" per ", "/")
    return unit.split("/", 1)[1] if "/" in unit else ""


def activity(subject: Subject, lang: Lang) -> list[Flowable]:
    rows = [
        (
            tr(lang, "排放源", "Source"),
            tr(lang, "阶段", "Phase"),
            tr(lang, "活动数据", "Activity data"),
            tr(lang, "排放量", "Emissions"),
        )
    ]
    for line in factor_lines(subject):
        label = f"[{line['component']}] {line['label']}" if line.get("component") else line["label"]
        rows.append(
            (
                label,
                words.word(words.PHASES, line["phase"], lang),
                f"{line['quantity']} {unit_of(line['factor'], lang)}",
                words.tonnes(int(line["mass_g"])),
            )
        )
    defaults = [
        (tr(lang, "输入", "Input"), tr(lang, "默认值", "Default"), tr(lang, "依据", "Source"))
    ]
    for d in subject.defaults:
        value = d.get("assumption") or f"{d['value']} {d['unit']}".strip()
        defaults.append((d["field"], value, d["source"]))
    out = [
        *heading(tr(lang, "四、活动数据", "4. Activity data")),
        layout.table(rows, (0.44, 0.14, 0.24, 0.18)),
        *heading(tr(lang, "未填写时采用的默认值", "Defaults used where nothing was given"), 10),
    ]
    if len(defaults) == 1:
        return [
            *out,
            para(
                tr(lang, "无：全部活动数据由组织方提供。", "None: the organiser gave every input.")
            ),
        ]
    return [*out, layout.table(defaults, (0.28, 0.2, 0.52))]


def factors(subject: Subject, lang: Lang) -> list[Flowable]:
    seen: dict[str, dict[str, Any]] = {}
    for line in factor_lines(subject):
        seen.setdefault(line["factor"]["key"], line["factor"])
    rows = [
        (
            tr(lang, "排放因子", "Factor"),
            tr(lang, "数值", "Value"),
            tr(lang, "来源", "Source"),
        )
    ]
    for key, f in seen.items():
        where = f"{f['source']} ({f['year']}, {f['region']})"
        rows.append(
            (
                key,
                f"{f['value']} {trail_text.unit(f['unit'], lang)}",
                f"{where}\n{f['url']}" if f.get("url") else where,
            )
        )
    return [
        *heading(tr(lang, "五、排放因子及来源", "5. Emission factors and sources")),
        layout.table(rows, (0.26, 0.2, 0.54)),
    ]


def shares(
    title: str, table: dict[str, dict[Lang, str]], by: dict[str, int], total: int, lang: Lang
) -> Table:
    rows = [(title, tr(lang, "排放量", "Emissions"), tr(lang, "占比", "Share"))]
    for key, grams in sorted(by.items(), key=lambda kv: -kv[1]):
        share = f"{grams * 100 / total:.1f}%" if total else "-"
        rows.append((words.word(table, key, lang), words.tonnes(grams), share))
    rows.append((tr(lang, "合计", "Total"), words.tonnes(total), "100%" if total else "-"))
    return layout.table(rows, (0.5, 0.3, 0.2))


def results(subject: Subject, lang: Lang) -> list[Flowable]:
    b, total = subject.footprint["breakdown"], int(subject.footprint["mass_g"])
    return [
        *heading(tr(lang, "六、核算结果", "6. Results")),
        para(
            tr(lang, f"排放总量：{words.tonnes(total)}", f"Total emissions: {words.tonnes(total)}"),
            11,
        ),
        Spacer(1, 2 * mm),
        shares(tr(lang, "按类别", "By category"), words.CATEGORIES, b["by_category"], total, lang),
        Spacer(1, 2 * mm),
        shares(tr(lang, "按阶段", "By phase"), words.PHASES, b["by_phase"], total, lang),
        Spacer(1, 2 * mm),
        shares(tr(lang, "按范围", "By scope"), words.SCOPES, b.get("by_scope", {}), total, lang),
    ]


def retired(subject: Subject, lang: Lang) -> list[Flowable]:
    rows = [
        (
            tr(lang, "标准", "Standard"),
            tr(lang, "项目", "Project"),
            tr(lang, "年份", "Vintage"),
            tr(lang, "登记簿序列号", "Registry serials"),
            tr(lang, "数量", "Mass"),
            tr(lang, "登记簿状态", "Registry status"),
        )
    ]
    for c in subject.view.credits:
        for b in c.blocks:
            project = (
                f"{words.project(c, lang)} ({c.project_registry_id})"
                if c.project_registry_id
                else words.project(c, lang)
            )
            rows.append(
                (
                    c.standard,
                    project,
                    str(c.vintage),
                    b.serial,
                    words.tonnes(b.mass_g),
                    words.registry(c, lang),
                )
            )
    pooled = POOLED_RETIREMENT[0] if lang == "zh" else POOLED_RETIREMENT[1]
    total = words.tonnes(subject.view.mass_g)
    return [
        *heading(tr(lang, "七、碳信用注销", "7. Credits retired")),
        para(tr(lang, f"共注销 {total}。", f"{total} retired in all.")),
        Spacer(1, 1.5 * mm),
        layout.table(rows, (0.1, 0.26, 0.08, 0.28, 0.12, 0.16), size=7.5),
        Spacer(1, 1.5 * mm),
        para(pooled, 8),
    ]


def certificate(subject: Subject, lang: Lang) -> list[Flowable]:
    v = subject.view
    text = para(
        tr(lang, "证书编号", "Certificate")
        + f" {v.number}\n"
        + tr(lang, "校验码", "Check code")
        + f" {v.check_code}\n"
        + tr(lang, "签发日期（北京时间）", "Issued on (China time)")
        + f" {v.issued_on.isoformat()}\n"
        + tr(lang, "签发方", "Issuer")
        + f" {v.issuer}\n"
        + tr(lang, "核验", "Verify")
        + f" {v.lookup_url}",
    )
    return [*heading(tr(lang, "八、证书", "8. Certificate")), layout.beside_qr(v.verify_url, text)]


def render(subject: Subject, lang: Lang) -> bytes:
    v = subject.view
    story: list[Flowable] = [
        para(TITLE[lang], 20),
        para(TITLE["en" if lang == "zh" else "zh"], 11),
        para(v.purpose.text(lang), 11),
        Spacer(1, 2 * mm),
        *notices(v),
    ]
    for section in (overview, boundary, sources, activity, factors, results, retired, certificate):
        story.extend(section(subject, lang))
    return layout.build(story, title=f"{TITLE[lang]} {v.number}", author=v.issuer)
