"""The words both PDFs use, in zh and en: categories, phases, scopes, claim standards."""

from __future__ import annotations

from backend.certificates.view import CreditLine, mass_label
from backend.core.lang import Lang

MEE_GUIDE = {
    "zh": "《大型活动碳中和实施指南（试行）》（生态环境部公告 2019 年第 19 号）",
    "en": "MEE Guidelines for Carbon Neutrality of Large-scale Events (Trial), "
    "MEE Announcement No. 19 of 2019",
}
STANDARDS: dict[str, dict[Lang, str]] = {
    "mee-2019": {
        "zh": f"依据{MEE_GUIDE['zh']}核算（仅计温室气体，不计航空辐射强迫）",
        "en": f"Accounted under the {MEE_GUIDE['en']} (greenhouse gases only, no aviation "
        "radiative forcing)",
    },
    "climate-impact": {
        "zh": "气候影响口径：含航空辐射强迫，核算边界宽于生态环境部指南",
        "en": "Climate-impact basis: includes aviation radiative forcing, a boundary wider than "
        "the MEE guidelines",
    },
}
CATEGORIES: dict[str, dict[Lang, str]] = {
    "travel": {"zh": "交通", "en": "Travel"},
    "accommodation": {"zh": "住宿", "en": "Accommodation"},
    "venue_energy": {"zh": "场馆能源", "en": "Venue energy"},
    "fuel": {"zh": "燃料燃烧", "en": "Fuel combustion"},
    "catering": {"zh": "餐饮", "en": "Catering"},
    "materials": {"zh": "物料", "en": "Materials"},
    "waste": {"zh": "废弃物", "en": "Waste"},
    "water": {"zh": "用水", "en": "Water"},
    "digital": {"zh": "线上与数字", "en": "Online and digital"},
    "refrigerant": {"zh": "制冷剂逸散", "en": "Refrigerant leakage"},
}
PHASES: dict[str, dict[Lang, str]] = {
    "preparation": {"zh": "筹备阶段", "en": "Preparation"},
    "staging": {"zh": "举办阶段", "en": "Staging"},
    "wrap_up": {"zh": "收尾阶段", "en": "Wrap-up"},
}
SCOPES: dict[str, dict[Lang, str]] = {
    "1": {"zh": "范围一（直接排放）", "en": "Scope 1 (direct)"},
    "2": {"zh": "范围二（外购电力与热力）", "en": "Scope 2 (purchased electricity and heat)"},
    "3": {"zh": "范围三（其他间接排放）", "en": "Scope 3 (other indirect)"},
}
REGISTRY_STATUS: dict[str, dict[Lang, str]] = {
    "retired": {"zh": "已在登记簿注销", "en": "retired at the registry"},
    "pending": {"zh": "待登记簿注销", "en": "registry retirement pending"},
}


def word(table: dict[str, dict[Lang, str]], key: str, lang: Lang) -> str:
    """The word for `key` in `lang`; the key itself when the table has none."""
    return table.get(key, {}).get(lang, key)


def basis(standard: str | None, factor_set: str, lang: Lang) -> str:
    """The claim standard line, or, for a footprint without one, its factor set version."""
    if standard in STANDARDS:
        return STANDARDS[standard][lang]
    return f"点点排放因子集 {factor_set}" if lang == "zh" else f"Diandian factor set {factor_set}"


def tonnes(grams: int) -> str:
    """Grams as the PDFs state them (truncated, as on the certificate), with CO2e."""
    return f"{mass_label(grams)} CO2e"


def project(line: CreditLine, lang: Lang) -> str:
    return line.project_name_zh if lang == "zh" else line.project_name_en


def registry(line: CreditLine, lang: Lang) -> str:
    """A block's registry state: retired under its reference, or due by a date."""
    state = word(REGISTRY_STATUS, line.registry_status, lang)
    if line.registry_ref:
        return f"{state} {line.registry_ref}"
    if line.registry_due_on is not None:
        due = line.registry_due_on.isoformat()
        return f"{state}（截止 {due}）" if lang == "zh" else f"{state} (due {due})"
    return state
