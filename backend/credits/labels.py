"""Chinese and English names of the credit standards and project types (Chinese first, as in
the seed report), read by the report (`stats/labels.py`) and the market's products."""

from __future__ import annotations

from backend.credits.models import ProjectType, Standard

STANDARD_LABELS: dict[str, tuple[str, str]] = {
    Standard.CCER.value: ("国家核证自愿减排量", "China CER"),
    Standard.CDCER.value: ("碳惠天府减排量", "Chengdu CDCER"),
    Standard.VCU.value: ("核证碳单位", "Verra VCU"),
    Standard.CER.value: ("核证减排量", "CDM CER"),
}

TYPE_LABELS: dict[str, tuple[str, str]] = {
    ProjectType.hydro.value: ("水力发电", "Hydro"),
    ProjectType.wind.value: ("风力发电", "Wind"),
    ProjectType.solar_pv.value: ("光伏发电", "Solar PV"),
    ProjectType.forestry.value: ("造林与林业经营", "Forestry"),
    ProjectType.coal_bed_methane.value: ("煤层气发电", "Coal-bed methane"),
    ProjectType.biogas.value: ("沼气利用", "Biogas"),
    ProjectType.landfill_gas.value: ("垃圾填埋气", "Landfill gas"),
    ProjectType.biomass.value: ("生物质发电", "Biomass"),
    ProjectType.energy_efficiency.value: ("节能增效", "Energy efficiency"),
    ProjectType.clean_energy_substitution.value: ("清洁能源替代", "Clean-energy substitution"),
    ProjectType.greenway.value: ("天府绿道", "Tianfu greenway"),
    ProjectType.linpan.value: ("川西林盘", "West-Sichuan Linpan"),
    ProjectType.wetland.value: ("湖泊湿地", "Lakes and wetlands"),
    ProjectType.soil_fertilisation.value: ("测土配方施肥", "Soil-test fertilisation"),
    ProjectType.other.value: ("其他类型", "Other"),
}
