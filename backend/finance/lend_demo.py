"""Demo data of the lending part: the demo bank publishes climate credit and insurance products
named in the seed report (四、(二): 减碳贷, 碳资产质押融资, 碳减排贷款, 可再生能源补贴确权贷;
环境污染责任保险, 天气指数保险, CCER减排项目保险). Their rates, terms, amounts and documents are
illustrative, our own assumption (marked `illustrative`), not any bank's published terms."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, Role, User
from backend.accounts.principal import Principal
from backend.credits.models import ProjectType
from backend.finance import products
from backend.finance.product_models import ProductKind, ProductState
from backend.registry.models import Participant

T = ProjectType
RENEWABLE = [T.hydro, T.wind, T.solar_pv, T.biomass, T.biogas]
SINK = [T.forestry, T.greenway, T.linpan, T.wetland, T.soil_fertilisation]
WAN = 10_000_00  # 1万元 in fen

# (kind, zh, en, description zh, description en, rate bps min-max, term months min-max,
#  amount 万元 min-max, project types, documents). Every figure illustrative (our assumption).
PRODUCTS = [
    (
        ProductKind.credit,
        "减碳贷",
        "Carbon Reduction Loan",
        "面向节能改造和清洁能源替代项目的流动资金和项目贷款，按测算的减排量确定额度。",
        "Working-capital and project loans for efficiency and clean-energy projects, sized on "
        "the reductions estimated.",
        (310, 420),
        (12, 60),
        (50, 5_000),
        [T.energy_efficiency, T.clean_energy_substitution, *RENEWABLE],
        ["营业执照", "项目可行性研究报告", "减排量测算报告"],
    ),
    (
        ProductKind.credit,
        "碳资产质押融资",
        "Carbon Asset Pledge Loan",
        "以登记簿中持有的CDCER等减排量出质的贷款，质押在登记簿登记公示。",
        "Loans against CDCER and other credits held in the registry, the pledge registered and "
        "announced there.",
        (300, 400),
        (6, 36),
        (10, 1_000),
        [*SINK, *RENEWABLE],
        ["营业执照", "减排量持有证明", "质押登记申请书"],
    ),
    (
        ProductKind.credit,
        "碳减排贷款",
        "Emission Reduction Loan",
        "支持清洁能源、节能环保和碳减排技术项目的中长期贷款。",
        "Medium- and long-term loans for clean energy, efficiency and reduction technology.",
        (320, 450),
        (24, 120),
        (500, 50_000),
        [*RENEWABLE, T.energy_efficiency, T.coal_bed_methane, T.landfill_gas],
        ["营业执照", "项目核准或备案文件", "环评批复"],
    ),
    (
        ProductKind.credit,
        "可再生能源补贴确权贷",
        "Renewable Subsidy Receivable Loan",
        "以已确权的可再生能源电价补贴应收账款质押的贷款。",
        "Loans against confirmed renewable-power subsidy receivables.",
        (330, 460),
        (12, 84),
        (100, 20_000),
        [T.wind, T.solar_pv, T.biomass],
        ["营业执照", "补贴清单确认文件", "购售电合同"],
    ),
    (
        ProductKind.insurance,
        "环境污染责任保险",
        "Environmental Pollution Liability Insurance",
        "承保企业生产经营中突发污染事故造成的第三者损害和清污费用。",
        "Covers third-party damage and clean-up costs of sudden pollution incidents.",
        (80, 300),
        (12, 12),
        (50, 10_000),
        [T.biogas, T.landfill_gas, T.biomass, T.coal_bed_methane, T.other],
        ["营业执照", "环评批复", "排污许可证"],
    ),
    (
        ProductKind.insurance,
        "天气指数保险",
        "Weather Index Insurance",
        "按气象站观测的降水、风速或日照指数赔付，适用于水电、光伏和林业项目。",
        "Pays on station-observed rainfall, wind or sunshine indices, for hydro, solar and "
        "forestry projects.",
        (150, 500),
        (12, 12),
        (10, 2_000),
        [T.hydro, T.solar_pv, T.wind, T.forestry],
        ["营业执照", "项目位置和装机信息"],
    ),
    (
        ProductKind.insurance,
        "CCER减排项目保险",
        "CCER Project Insurance",
        "承保减排项目因自然灾害或设备故障导致的核证减排量不足。",
        "Covers a shortfall of verified reductions caused by natural hazards or breakdowns.",
        (100, 350),
        (12, 36),
        (20, 5_000),
        [*RENEWABLE, *SINK],
        ["营业执照", "项目备案文件", "监测报告"],
    ),
]


def seed_products(s: Session, officer: User, bank: Organisation) -> int:
    """The demo bank's officer publishes the products above; returns how many."""
    who = Principal(user=officer, roles={bank.id: frozenset({Role.admin})})
    account = s.scalar(select(Participant.id).where(Participant.organisation_id == bank.id))
    assert account is not None  # noqa: S101 - seed_bank opened it
    for kind, zh, en, dzh, den, rate, term, amount, types, docs in PRODUCTS:
        new = products.NewProduct(
            kind=kind,
            name_zh=zh,
            name_en=en,
            description_zh=dzh,
            description_en=den,
            rate_min_bps=rate[0],
            rate_max_bps=rate[1],
            term_min_months=term[0],
            term_max_months=term[1],
            amount_min_fen=amount[0] * WAN,
            amount_max_fen=amount[1] * WAN,
            project_types=types,
            documents=docs,
        )
        made = products.create(s, who, account, new, illustrative=True)
        products.move(s, who, made.id, ProductState.published)
    return len(PRODUCTS)
