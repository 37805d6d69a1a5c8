"""Demo data for a new sandbox: organisations of every kind, one person in each role, and a
credit inventory shaped like the Sichuan market in the seed report (illustrative projects)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import CourtLevel, Membership, Organisation, OrgKind, Role, User
from backend.courts.models import Court
from backend.credits import inventory
from backend.credits.catalogue import LotFields, new_lot
from backend.credits.models import Project, ProjectType, Standard

OPERATOR_PHONE = "+8613800138000"

PEOPLE = {
    OPERATOR_PHONE: "点点运营 Operator",
    "+8613800138001": "李会务 Event organiser",
    "+8613800138002": "王企业 Company admin",
    "+8613800138003": "张书记员 Court clerk",
    "+8613800138004": "陈法官 Judge",
    "+8613800138005": "赵市民 Citizen",
}


def is_empty(s: Session) -> bool:
    """True when no organisation exists yet."""
    return s.scalar(select(func.count()).select_from(Organisation)) == 0


def seed_demo(s: Session) -> dict[str, int]:
    """Create the demo organisations and people; returns counts."""
    users = {phone: User(phone=phone, display_name=name) for phone, name in PEOPLE.items()}
    s.add_all(users.values())
    operator = Organisation(name="点点运营中心 Diandian Operations", kind=OrgKind.operator)
    company = Organisation(name="成都蓉城科技有限公司 (示例)", kind=OrgKind.company)
    organiser = Organisation(name="成都大运会场馆运行团队 (示例)", kind=OrgKind.event_organiser)
    high = Organisation(name="四川省高级人民法院", kind=OrgKind.court, court_level=CourtLevel.high)
    mid = Organisation(
        name="雅安市中级人民法院",
        kind=OrgKind.court,
        court_level=CourtLevel.intermediate,
        parent=high,
    )
    basic = Organisation(
        name="宝兴县人民法院", kind=OrgKind.court, court_level=CourtLevel.basic, parent=mid
    )
    roles = [
        (OPERATOR_PHONE, operator, Role.admin),
        ("+8613800138001", organiser, Role.admin),
        ("+8613800138002", company, Role.admin),
        ("+8613800138003", basic, Role.clerk),
        ("+8613800138004", basic, Role.judge),
    ]
    s.add_all([operator, company, organiser, high, mid, basic])
    s.add_all(Court(organisation=court, province="CN-SC") for court in (high, mid, basic))
    s.add_all(Membership(user=users[p], organisation=o, role=r) for p, o, r in roles)
    s.flush()
    lots = seed_inventory(s)
    return {"organisations": 6, "users": len(users), "memberships": len(roles), "lots": lots}


# (standard, registry id, zh, en, type, methodology, province or country, price fen/t,
#  [(vintage, first unit, tonnes)], serial format). Projects and serials are illustrative:
#  the serial shapes follow each registry's style, the numbers are made up.
PROJECTS = [
    (
        Standard.CCER,
        "CCER-0457",
        "四川大渡河水电站（示例）",
        "Dadu River hydropower (demo)",
        ProjectType.hydro,
        "CM-001-V02",
        "CN-SC",
        4926,
        [(2016, 100_001, 50_000), (2017, 150_001, 80_000)],
        "CN-CCER-0457-{v}-{a:010d}-{b:010d}",
    ),
    (
        Standard.CCER,
        "CCER-0812",
        "贵州盘江煤层气发电（示例）",
        "Panjiang coal-bed methane power (demo)",
        ProjectType.coal_bed_methane,
        "CM-003-V02",
        "CN-GZ",
        4680,
        [(2018, 300_001, 30_000)],
        "CN-CCER-0812-{v}-{a:010d}-{b:010d}",
    ),
    (
        Standard.CCER,
        "CCER-1033",
        "云南大理风电场（示例）",
        "Dali wind farm (demo)",
        ProjectType.wind,
        "CM-001-V02",
        "CN-YN",
        5100,
        [(2017, 400_001, 40_000)],
        "CN-CCER-1033-{v}-{a:010d}-{b:010d}",
    ),
    (
        Standard.CCER,
        "CCER-1280",
        "宝兴大熊猫栖息地碳汇造林（示例）",
        "Baoxing panda habitat afforestation (demo)",
        ProjectType.forestry,
        "AR-CM-001-V01",
        "CN-SC",
        6800,
        [(2019, 500_001, 24_000)],
        "CN-CCER-1280-{v}-{a:010d}-{b:010d}",
    ),
    (
        Standard.CDCER,
        "CDCER-ZL-003",
        "龙泉山城市森林公园造林管护（示例）",
        "Longquan Mountain forest park afforestation (demo)",
        ProjectType.forestry,
        "CDCER 造林管护",
        "CN-SC",
        1290,
        [(2021, 1, 20_000)],
        "CDCER-{v}-ZL003-{a:08d}-{b:08d}",
    ),
    (
        Standard.CDCER,
        "CDCER-LD-001",
        "天府绿道碳减排（示例）",
        "Tianfu Greenway (demo)",
        ProjectType.greenway,
        "CDCER 天府绿道",
        "CN-SC",
        1250,
        [(2022, 20_001, 15_000)],
        "CDCER-{v}-LD001-{a:08d}-{b:08d}",
    ),
    (
        Standard.CDCER,
        "CDCER-LP-002",
        "川西林盘保护修复（示例）",
        "West Sichuan Linpan (demo)",
        ProjectType.linpan,
        "CDCER 川西林盘",
        "CN-SC",
        1320,
        [(2022, 35_001, 10_000)],
        "CDCER-{v}-LP002-{a:08d}-{b:08d}",
    ),
    (
        Standard.VCU,
        "VCS-1722",
        "四川农村户用沼气（示例）",
        "Sichuan household biogas (demo)",
        ProjectType.biogas,
        "AMS-I.E",
        "CN-SC",
        3500,
        [(2019, 245_676_789, 33_000)],
        "10845-{a}-{b}-VCS-VCU-997-VER-CN-1-1722-01012019-31122019-0",
    ),
    (
        Standard.CER,
        "CDM-4521",
        "甘肃酒泉风电（示例）",
        "Jiuquan wind power (demo)",
        ProjectType.wind,
        "ACM0002",
        "CN-GS",
        800,
        [(2012, 512_000_001, 120_000)],
        "CN-{a}-{b}-2-1-0-4521",
    ),
]

# Demo neutralisations so operator totals have something to show: (standard, tonnes).
DEMO_RETIREMENTS = [
    (Standard.CDCER, 55),
    (Standard.CCER, 3),
    (Standard.VCU, 33),
    (Standard.CER, 116),
]


def seed_inventory(s: Session) -> int:
    """Projects, lots and a few retired neutralisations; returns the number of lots."""
    count = 0
    for std, reg, zh, en, ptype, method, region, price, lots, serial in PROJECTS:
        province = region if region.startswith("CN-") else None
        project = Project(
            standard=std,
            registry_id=reg,
            name_zh=zh,
            name_en=en,
            type=ptype,
            methodology=method,
            country="CN",
            province=province,
            description="Illustrative demo project.",
        )
        s.add(project)
        s.flush()
        for vintage, first, tonnes in lots:
            last = first + tonnes - 1
            s.add(
                new_lot(
                    project,
                    LotFields(
                        vintage=vintage,
                        first_unit=first,
                        last_unit=last,
                        serial_range=serial.format(v=vintage, a=first, b=last),
                        acquisition_cost_fen=tonnes * price * 7 // 10,
                        price_fen_per_t=price,
                    ),
                )
            )
            count += 1
    s.flush()
    for std, tonnes in DEMO_RETIREMENTS:
        prefs = inventory.Preferences(standards=(std,))
        held = inventory.hold(s, prefs, tonnes * 1_000_000 + 390_000, reference="demo")
        inventory.allocate(s, held.id)
    return count
