"""The environmental benefit of a project listed (or applying) in the 绿蓉融 database: tCO2e
avoided per year, with its method, factor, source and year, and a calculation trail (Chinese
first). Stored in kg, an integer, on the application.

Which method, in this order:
1. the applicant's own CDCER registry project: its issued (verified) tonnes per vintage year
   (total issued / number of vintages), from our registry; with no issuance yet, the project's
   `expected_annual_t`, labelled an estimate;
2. a renewable-electricity category (`grid_displacement` in data/taxonomy.toml) with the MWh it
   generates per year: MWh x 1000 x the grid factor of its province from our newest footprint
   factor set (backend/footprint/data/factors-*.toml: source and year quoted). That factor is the
   MEE/NBS provincial average (consumption side); the CCER methodologies use a combined margin
   instead, so this is our simplification, said in the trail;
3. otherwise the applicant's figure and method text, labelled "stated, not computed".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.errors import ValidationFailed
from backend.core.provinces import BY_CODE
from backend.finance.listing_models import BenefitMethod
from backend.finance.taxonomy import Category
from backend.footprint import factors
from backend.registry.models import Issuance, RegistryProject

KG_PER_T = 1000
KWH_PER_MWH = 1000
REGISTRY_SOURCE = ("点点 CDCER 登记簿签发记录", "Diandian CDCER registry issuances")


@dataclass(frozen=True)
class Benefit:
    avoided_kg: int
    method: BenefitMethod
    trail_zh: str
    trail_en: str
    factor: factors.Factor | None = None
    factor_set: str | None = None
    stated_method: str | None = None


def tonnes(kg: int) -> str:
    """1234567 -> "1,234.567"."""
    return f"{Decimal(kg) / KG_PER_T:,.3f}"


def _kg(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_registry(s: Session, project: RegistryProject) -> Benefit:
    """Issued tonnes per vintage year, or the expected tonnes as an estimate."""
    rows = s.execute(
        select(Issuance.vintage, func.sum(Issuance.last_unit - Issuance.first_unit + 1))
        .where(Issuance.project_id == project.id)
        .group_by(Issuance.vintage)
        .order_by(Issuance.vintage)
    ).all()
    if not rows:
        kg = project.expected_annual_t * KG_PER_T
        return Benefit(
            kg,
            BenefitMethod.registry_expected,
            f"估算：登记簿项目“{project.name_zh}”尚无签发，取其预计年减排量 "
            f"{project.expected_annual_t:,} tCO2e/年（项目登记时申报，未经核证）。",
            f'Estimate: the registry project "{project.name_en}" has no issuance yet; its '
            f"expected {project.expected_annual_t:,} tCO2e/year (stated at registration, not "
            "verified).",
        )
    total = sum(int(t) for _, t in rows)
    years = [str(v) for v, _ in rows]
    kg = _kg(Decimal(total * KG_PER_T) / len(rows))
    return Benefit(
        kg,
        BenefitMethod.registry_issuance,
        f"登记簿项目“{project.name_zh}”核证签发 {total:,} t，共 {len(rows)} 个年份"
        f"（{'、'.join(years)}）：{total:,} ÷ {len(rows)} = {tonnes(kg)} tCO2e/年。"
        f"来源：{REGISTRY_SOURCE[0]}。",
        f'Registry project "{project.name_en}": {total:,} t verified and issued over '
        f"{len(rows)} vintage years ({', '.join(years)}): {total:,} / {len(rows)} = "
        f"{tonnes(kg)} tCO2e/year. Source: {REGISTRY_SOURCE[1]}.",
    )


def from_grid(category: Category, province: str, annual_mwh: int) -> Benefit:
    """MWh per year of renewable electricity x the province's grid factor."""
    version = factors.latest_version()
    factor = factors.get(version).grid(province)
    if factor.unit != "kgCO2/kWh":  # the factor sets' unit for the grid; anything else is a bug
        raise ValueError(f"unexpected grid factor unit {factor.unit}")
    kg = _kg(Decimal(annual_mwh) * KWH_PER_MWH * factor.value)
    place = BY_CODE[province]
    fallback_zh = fallback_en = ""
    if factor.region != province:
        fallback_zh = f"（{place.short}无省级因子，取全国平均）"
        fallback_en = f" ({place.en} has no provincial factor: the national average)"
    return Benefit(
        kg,
        BenefitMethod.grid_displacement,
        f"{category.code} {category.name_zh}：年发电量 {annual_mwh:,} MWh × {KWH_PER_MWH} kWh/MWh"
        f" × {factor.value} kgCO2/kWh（{place.short}电网{fallback_zh}，{factor.year}年，"
        f"{factor.source}；点点因子集 {version}）= {tonnes(kg)} tCO2e/年。"
        "说明：采用省级电力平均排放因子（消费侧），非 CCER 方法学的组合边际因子，"
        "为点点的简化假设。",
        f"{category.code} {category.name_en}: {annual_mwh:,} MWh/year x {KWH_PER_MWH} kWh/MWh x "
        f"{factor.value} kgCO2/kWh ({place.en} grid{fallback_en}, {factor.year}, {factor.source}; "
        f"Diandian factor set {version}) = {tonnes(kg)} tCO2e/year. Note: the provincial average "
        "(consumption-side) factor, not the combined margin of the CCER methodologies: our "
        "simplification.",
        factor=factor,
        factor_set=version,
    )


def stated(stated_t: int, method: str) -> Benefit:
    """The applicant's own figure, not computed by us."""
    kg = stated_t * KG_PER_T
    return Benefit(
        kg,
        BenefitMethod.stated,
        f"申报值，未经计算：{stated_t:,} tCO2e/年。申请方说明的方法：{method}",
        f"Stated, not computed: {stated_t:,} tCO2e/year. The applicant's method: {method}",
        stated_method=method,
    )


def for_project(
    s: Session,
    category: Category,
    *,
    registry_project: RegistryProject | None,
    province: str | None,
    annual_mwh: int | None,
    stated_t: int | None,
    stated_method: str | None,
) -> Benefit:
    """The benefit by the first method that applies (see the module's docstring)."""
    if annual_mwh is not None and not category.grid_displacement:
        raise ValidationFailed("annual_mwh", "finance.mwh_not_applicable", code=category.code)
    if registry_project is not None:
        return from_registry(s, registry_project)
    if annual_mwh is not None:
        if province is None:
            raise ValidationFailed("province", "finance.province_required")
        return from_grid(category, province, annual_mwh)
    if stated_t is None:
        raise ValidationFailed("stated_t_per_year", "finance.benefit_required")
    if not stated_method:
        raise ValidationFailed("stated_method", "finance.stated_method_required")
    return stated(stated_t, stated_method)
