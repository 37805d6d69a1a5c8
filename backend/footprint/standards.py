"""Claim standards: what a footprint counts, and which credits may neutralise it under a claim.

A footprint is worked out under one standard, chosen when it is made and stored with it:

- `mee-2019` follows 生态环境部《大型活动碳中和实施指南（试行）》(2019): the guide's emission
  sources and gases (CO2 and the other Kyoto gases, in CO2e), with aviation's non-CO2 effects
  (radiative forcing) left out, as ICAO's calculator does. A 碳中和 claim under it may be made
  only with the credit kinds the guide accepts (`accepts`).
- `climate-impact` counts the same sources plus aviation's non-CO2 effects (the factor set's
  "with RF" flight factors), so its totals are higher; it is labelled as such.

Footprints made before standards existed have none and keep their original rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    publisher: str
    title: str
    year: int
    url: str


@dataclass(frozen=True)
class CreditKind:
    """A kind of credit, named as `credits.Standard` names it (or an allowance)."""

    id: str
    name_zh: str
    name_en: str
    note: str
    citation: Citation
    project_country: str = ""  # accepted only from projects in this country, when set


@dataclass(frozen=True)
class Standard:
    id: str
    name_zh: str
    name_en: str
    boundary_zh: str
    boundary_en: str
    radiative_forcing: bool
    accepted_credits: tuple[CreditKind, ...]
    citation: Citation


MEE_GUIDE = Citation(
    publisher="生态环境部 Ministry of Ecology and Environment",
    title="《大型活动碳中和实施指南（试行）》(生态环境部公告 2019年第19号)",
    year=2019,
    url="https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/201906/t20190617_706706.html",
)
SICHUAN_REPORT = Citation(
    publisher="四川联合环境交易所 Sichuan United Environment Exchange",
    title="《四川碳市场运行报告（2023）》, 成都市“碳惠天府”机制碳减排量（CDCER）",
    year=2023,
    url="https://www.sceex.com.cn/",
)
DESNZ_2025 = Citation(
    publisher="UK Department for Energy Security and Net Zero",
    title="Greenhouse gas reporting: conversion factors 2025 (air travel with and without RF)",
    year=2025,
    url="https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2025",
)

MEE_CREDITS = (
    CreditKind(
        "CEA",
        "全国碳排放权交易市场碳排放配额",
        "National ETS allowances",
        "Allowances of the national carbon emissions trading market, cancelled for the event.",
        MEE_GUIDE,
    ),
    CreditKind(
        "pilot-allowance",
        "地方碳排放权交易试点配额",
        "Regional ETS pilot allowances",
        "Allowances of a regional emissions trading pilot (such as Sichuan's).",
        MEE_GUIDE,
    ),
    CreditKind(
        "CCER",
        "国家核证自愿减排量",
        "China Certified Emission Reductions",
        "Registered with the national competent authority.",
        MEE_GUIDE,
    ),
    CreditKind(
        "CDCER",
        "成都市“碳惠天府”机制碳减排量",
        "Chengdu 碳惠天府 carbon-inclusion reductions",
        "A carbon-inclusion (碳普惠) credit recognised in Sichuan; issued to neutralise "
        "large events, catering, supermarkets, A-grade scenic spots and other low-carbon scenes.",
        SICHUAN_REPORT,
    ),
    CreditKind(
        "CER",
        "清洁发展机制中国项目减排量",
        "CDM Certified Emission Reductions from projects in China",
        "Only from Clean Development Mechanism projects in China.",
        MEE_GUIDE,
        project_country="CN",
    ),
)
MEE_2019 = Standard(
    id="mee-2019",
    name_zh="生态环境部《大型活动碳中和实施指南（试行）》",
    name_en="MEE large-event carbon neutrality guide (2019)",
    boundary_zh="指南的排放源（化石燃料燃烧、净购入电力、交通、住宿、餐饮、物料、废弃物）；"
    "二氧化碳及其他温室气体（CO2e）；不计航空非二氧化碳效应（辐射强迫）",
    boundary_en="The guide's sources (fuel combustion, purchased electricity, travel, "
    "accommodation, catering, materials, waste); CO2 and the other greenhouse gases (CO2e); "
    "aviation's non-CO2 effects (radiative forcing) not counted",
    radiative_forcing=False,
    accepted_credits=MEE_CREDITS,
    citation=MEE_GUIDE,
)
CLIMATE_IMPACT = Standard(
    id="climate-impact",
    name_zh="气候影响（含航空辐射强迫）",
    name_en="Climate impact (with aviation radiative forcing)",
    boundary_zh="与 mee-2019 相同的排放源，另计航空非二氧化碳效应（凝结尾迹、氮氧化物），"
    "采用 DESNZ 含辐射强迫的航空因子；不可据此按指南声明碳中和",
    boundary_en="The same sources as mee-2019 plus aviation's non-CO2 effects (contrails, NOx), "
    "by DESNZ's with-RF air factors; not a basis for a 碳中和 claim under the MEE guide",
    radiative_forcing=True,
    accepted_credits=MEE_CREDITS,
    citation=DESNZ_2025,
)
STANDARDS = {s.id: s for s in (MEE_2019, CLIMATE_IMPACT)}
DEFAULT = MEE_2019.id


def get(standard_id: str) -> Standard:
    """A standard by id (KeyError for an unknown one)."""
    return STANDARDS[standard_id]


def accepts(standard_id: str, credit_kind: str, *, project_country: str = "") -> bool:
    """Whether a credit of `credit_kind` (CCER, CDCER, CEA, CER, VCU, …) from a project in
    `project_country` may neutralise a footprint under the standard (for a certificate's claim)."""
    return any(
        kind.id == credit_kind and kind.project_country in ("", project_country)
        for kind in get(standard_id).accepted_credits
    )
