"""Demo data for a new sandbox: organisations of every kind, one person in each role, a
credit inventory shaped like the Sichuan market in the seed report (illustrative projects), and
the seed's neutralisations at a thousandth of their size, issued with certificates.

Sources for the serial formats and vintages (what is sourced, and what is our assumption):

- Verra VCU (VCS Program): a block of VCUs is one serial, `{issuance batch}-{first}-{last}-VCS-
  VCU-{code}-VER-{country}-{sectoral scope}-{project id}-{vintage start DDMMYYYY}-{vintage end}-
  {additional certification 0/1}`, as the Verra Registry writes it (Verra Registry public
  issuance and retirement reports; the example `0001-000001-000100-VCS-VCU-003-VER-US-0003-
  01012020-31122020-1` in Cloverly's help centre, "Registry serial number ranges", 2023). The
  three-digit code after `VCU` is opaque to us: its value here is our assumption.
- CDM CERs: Kyoto units carry a unique serial of the originating Party, the unit type, the
  block's first and last numbers, the original and applicable commitment periods, the LULUCF
  activity and the project identifier (Decision 13/CMP.1, annex, 2005; Decision 3/CMP.1, annex,
  appendix D, 2005; UNFCCC "Data Exchange Standards for Registry Systems under the Kyoto
  Protocol, Technical Specifications" v1.1, 2013: unit type 5 = CER). Commitment period 1 is
  2008–2012, period 2 is 2013–2020: a 2012 vintage is period 1 in both fields. Joining the
  fields with dashes in that order is how registries display them; the exact display is our
  assumption.
- CCER (old system): issued under the NDRC's 《温室气体自愿减排交易管理暂行办法》 (2012);
  the NDRC suspended new applications on 14 March 2017 (NDRC announcement 2017 No. 2), so
  old-system CCERs have vintages up to 2016 (not 2018 or 2019). The new system restarted
  under the MEE's 《温室气体自愿减排交易管理办法（试行）》 (October 2023), with the national
  market opened on 22 January 2024; its first credits were issued in 2024, and old-system
  CCERs may no longer be used for compliance from 2025 (MEE notice, October 2023). The old
  registry's serial format is not published where we could find it: `CN-CCER-{project}-
  {vintage}-{first:010d}-{last:010d}` and the project numbers are our assumption.
- CDCER (成都 碳惠天府): the mechanism is run under 《成都市"碳惠天府"机制管理办法（试行）》
  (Chengdu, 2020), with its methodologies published from 2020, so vintages are 2021 onwards.
  Its serial format is not published where we could find it: `CDCER-{vintage}-{methodology
  code}{project}-{first:08d}-{last:08d}` is our assumption.
- The judicial case: the seed report (三(三), 2023) has six defendants of the 宝兴 court buying
  24,000 kg (24 t) of carbon sink; the demo's Baoxing forestry lot is those 24 t.
- The neutralisations: the seed's 点点 totals to 30 April 2022 (CCER 2,483.39 t, CDCER
  55,168.98 t, VCU 33,046.73 t, CER 11.58万 t), at a thousandth of their size.

Projects, registry ids, serial numbers and batch references are illustrative; so is the
company's exchange account and its two CDCER projects on 点点's own registry (`seed_registry`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts import consent
from backend.accounts.legal import Document
from backend.accounts.models import CourtLevel, Membership, Organisation, OrgKind, Role, User
from backend.accounts.principal import Principal
from backend.certificates import issuers, issuing
from backend.certificates.issuing import Issuer
from backend.core.clock import utcnow
from backend.courts.models import Court
from backend.credits import inventory, registry
from backend.credits.catalogue import LotFields, new_lot
from backend.credits.models import Project, ProjectType, Standard
from backend.finance import green_demo
from backend.finance.lend_demo import seed_products
from backend.finance.pledge_demo import seed_pledge
from backend.footprint.purpose import Purpose, PurposeKind
from backend.market import banking
from backend.points import ledger, rewards, sponsors, venues
from backend.points.models import RewardKind, TransferKind, VenueKind
from backend.registry import issuance as registry_issuance
from backend.registry import offers as registry_offers
from backend.registry import participants as registry_participants
from backend.registry import projects as registry_projects
from backend.registry.catalogue import market_documents
from backend.registry.models import Holding, Participant, ParticipantRole

OPERATOR_PHONE = "+8613800138000"
BANK_PHONE = "+8613800138006"  # the demo bank's officer (seed_bank)

PEOPLE = {
    OPERATOR_PHONE: "点点运营 Operator",
    "+8613800138001": "李会务 Event organiser",
    "+8613800138002": "王企业 Company admin",
    "+8613800138003": "张书记员 Court clerk",
    "+8613800138004": "陈法官 Judge",
    "+8613800138005": "赵市民 Citizen",
    BANK_PHONE: "刘信贷 Bank officer",
}


def is_empty(s: Session) -> bool:
    """True when no organisation exists yet."""
    return s.scalar(select(func.count()).select_from(Organisation)) == 0


def seed_demo(s: Session, issuer: Issuer | None = None) -> dict[str, int]:
    """Create the demo organisations, people, inventory and certified neutralisations (signed
    by `issuer`, the app's by default); returns counts."""
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
    for user in users.values():  # the demo people agreed to every text in force
        consent.accept_current(s, user, list(Document))
    lots = seed_inventory(s)
    beneficiaries = {"company": company, "organiser": organiser}
    certified = neutralise(s, issuer or issuers.current(), beneficiaries, utcnow())
    rewards_on_offer = seed_rewards(s, users[OPERATOR_PHONE], users[CITIZEN_PHONE])
    seed_registry(s, users["+8613800138002"], company, users[OPERATOR_PHONE], operator)
    green_demo.seed_green(s, users["+8613800138002"], company, users[OPERATOR_PHONE], operator)
    bank = seed_bank(s, users[BANK_PHONE])
    seed_pledge(s, users["+8613800138002"], company, users[BANK_PHONE], bank)
    seed_products(s, users[BANK_PHONE], bank)
    return {
        "organisations": 7,
        "users": len(users),
        "memberships": len(roles) + 1,
        "lots": lots,
        "certificates": certified,
        "venues": seed_venues(s, current_app.config["SECRET_KEY"]),
        "rewards": rewards_on_offer,
    }


# (standard, registry id, zh, en, type, methodology, province or country, price fen/t,
#  [(vintage, first unit, tonnes)], serial format). See the sources above.
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
        [(2014, 100_001, 50_000), (2015, 150_001, 80_000)],
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
        [(2015, 300_001, 30_000)],
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
        [(2016, 400_001, 40_000)],
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
        [(2015, 500_001, 24)],  # the seed's case: 24,000 kg for six defendants
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
        "AMS-I.C; AMS-III.R",
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
        "CN-5-{a}-{b}-1-1-0-4521",  # CER (5), commitment period 1 for the 2012 vintage
    ),
]


@dataclass(frozen=True)
class Neutralisation:
    """A demo neutralisation: grams of one standard for a demo organisation, some days ago,
    and the registry batch that retired its units (None: still pending at the registry)."""

    standard: Standard
    mass_g: int
    days_ago: int
    beneficiary: str  # a key of the demo organisations
    purpose: Purpose
    registry_ref: str | None


# The seed's 点点 totals by standard at a thousandth (tonnes become kilograms). The older two
# are retired at their registry; the recent two are pending, within their deadline.
DEMO_NEUTRALISATIONS = [
    Neutralisation(
        Standard.CER,
        115_800_000,
        45,
        "company",
        Purpose(PurposeKind.flight, "碳中和航班（示例）", ("CTU", "PEK"), round_trip=True),
        "DEMO-CDM-VC-0001",
    ),
    Neutralisation(
        Standard.VCU,
        33_046_730,
        38,
        "company",
        Purpose(PurposeKind.custom, "产品碳中和（示例）"),
        "DEMO-VCS-RET-0001",
    ),
    Neutralisation(
        Standard.CDCER,
        55_168_980,
        12,
        "organiser",
        Purpose(PurposeKind.venue, "大运会场馆运行（示例）"),
        None,
    ),
    Neutralisation(
        Standard.CCER,
        2_483_390,
        3,
        "company",
        Purpose(PurposeKind.meeting, "零碳会议室（示例）"),
        None,
    ),
]
REGISTRY_LAG = timedelta(days=10)  # from a demo certificate to its registry retirement


def seed_inventory(s: Session) -> int:
    """Projects and lots; returns the number of lots."""
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
    return count


def neutralise(
    s: Session, issuer: Issuer, beneficiaries: dict[str, Organisation], now: datetime
) -> int:
    """Retire each demo neutralisation's grams and issue its certificate through the issuing
    service, as an order's retirement does, and record the registry batches of the older ones;
    returns the number of certificates."""
    for n in DEMO_NEUTRALISATIONS:
        at = now - timedelta(days=n.days_ago)
        prefs = inventory.Preferences(standards=(n.standard,))
        held = inventory.hold(s, prefs, n.mass_g, reference="demo", now=at)
        taken = inventory.allocate(s, held.id, now=at)
        org = beneficiaries[n.beneficiary]
        issuing.issue(
            s,
            issuer,
            reservation_id=held.id,
            beneficiary=org.name,
            purpose=n.purpose,
            now=at,
            organisation_id=org.id,
        )
        if n.registry_ref is not None:
            (line,) = held.lines  # each demo standard has one lot with grams to spare
            serials = [a.serial for a in taken]
            registry.record(
                s,
                standard=n.standard,
                registry_ref=n.registry_ref,
                retired_on=at + REGISTRY_LAG,
                note="Demo: pooled retirement on behalf of Diandian's beneficiaries.",
                ranges=[(line.lot_id, min(serials), max(serials))],
            )
    s.flush()
    return len(DEMO_NEUTRALISATIONS)


# --- venues where citizens check in (issue 21) --------------------------------------------------

VENUE_STAFF_PHONE = "+8613800138009"  # apart from 001…: other helpers' demo people come first
DEMO_VENUES = [("天府绿道·锦城公园", "Tianfu Greenway, Jincheng Park", VenueKind.greenway)]


def seed_venues(s: Session, secret_key: str) -> int:
    """The greenway's operating company, a staff member who shows its check-in code, and the
    venue (the company and the venue are illustrative); returns the number of venues."""
    staff = User(phone=VENUE_STAFF_PHONE, display_name="孙绿道 Venue staff")
    org = Organisation(name="锦城公园绿道运营中心 (示例)", kind=OrgKind.company)
    s.add_all([staff, org, Membership(user=staff, organisation=org, role=Role.member)])
    s.flush()
    consent.accept_current(s, staff, list(Document))
    for zh, en, kind in DEMO_VENUES:
        venues.create(s, secret_key, org.id, name_zh=zh, name_en=en, kind=kind)
    return len(DEMO_VENUES)


# --- sponsors and rewards (issue 21) ---------------------------------------------------------

CITIZEN_PHONE = "+8613800138005"
MERCHANT_PHONE = "+8613800138021"
CITIZEN_POINTS = 5000  # confirmed at once, so a newcomer can redeem


def seed_rewards(s: Session, operator: User, citizen: User) -> int:
    """A sponsor (an illustrative district low-carbon alliance) funds ¥1,000 and 50 kg of the
    Tianfu Greenway CDCER, with a coffee coupon, a metro ride credit and a 1 kg offset on offer;
    its merchant honours codes; the demo citizen holds 5,000 confirmed points."""
    alliance = Organisation(name="锦江低碳生活联盟（示例）", kind=OrgKind.company)
    merchant = User(phone=MERCHANT_PHONE, display_name="钱店员 Merchant")
    s.add_all([alliance, merchant])
    s.add(Membership(user=merchant, organisation=alliance, role=Role.member))
    s.flush()
    consent.accept_current(s, merchant, list(Document))
    sponsors.enrol(s, alliance.id, operator.id)
    rate = current_app.config["POINTS_PER_FEN"]
    sponsors.fund(s, alliance.id, sponsors.FundingRequest(amount_fen=100_000), operator.id, rate)
    greenway = s.scalars(select(Project).where(Project.registry_id == "CDCER-LD-001")).one()
    credits = sponsors.FundingRequest(mass_g=50_000, project_id=greenway.id, memo="示例")
    sponsors.fund(s, alliance.id, credits, operator.id, rate)
    now = utcnow()
    until = now + timedelta(days=365)
    offers = [
        (
            RewardKind.coupon,
            "蓉城咖啡美式一杯",
            "An americano at Rongcheng Coffee",
            1500,
            200,
            None,
        ),
        (
            RewardKind.transit,
            "成都地铁乘车抵扣 2 元",
            "A ¥2 Chengdu Metro ride credit",
            2000,
            500,
            None,
        ),
        (
            RewardKind.offset,
            "天府绿道碳中和 1 kg",
            "1 kg offset, Tianfu Greenway",
            1000,
            50,
            greenway.id,
        ),
    ]
    for kind, zh, en, price, stock, project in offers:
        new = rewards.NewReward(kind, zh, en, price, stock, now - timedelta(days=1), until, project)
        rewards.create(s, alliance.id, new)
    ledger.transfer(s, TransferKind.earn, citizen.id, CITIZEN_POINTS, reference="demo")
    ledger.transfer(s, TransferKind.confirm, citizen.id, CITIZEN_POINTS, reference="demo")
    return len(offers)


# A made-up code with a valid GB 32100-2015 check character (not a real company's).
DEMO_USCC = "91510100MA6CUDD00E"


def seed_registry(
    s: Session, admin: User, company: Organisation, op_user: User, op_org: Organisation
) -> None:
    """The company's exchange account (a project owner) with two illustrative CDCER projects: a
    Tianfu Greenway project validated, its 2025 monitoring report verified at 1,200 t, 1,000 t
    issued into its holding and 200 t of them sold into the retirement inventory (an accepted
    offer, so the inventory holds a lot traced to the project); and a West Sichuan Linpan
    project awaiting review."""
    owner = Principal(user=admin, roles={company.id: frozenset({Role.admin})})
    operator = Principal(user=op_user, roles={op_org.id: frozenset({Role.admin})}, operator=True)
    account = _open_account(
        s,
        owner,
        company,
        DEMO_USCC,
        "王企业",
        admin.phone,
        (ParticipantRole.project_owner, ParticipantRole.buyer),
    )
    for methodology, zh, en, city, lat, lon, annual, validate in (
        (
            "CDCER-LD",
            "锦江绿道碳汇（示例）",
            "Jinjiang Greenway (demo)",
            "成都市",
            "30.6200",
            "104.0800",
            1500,
            True,
        ),
        (
            "CDCER-LP",
            "郫都川西林盘保护（示例）",
            "Pidu Linpan conservation (demo)",
            "成都市",
            "30.8100",
            "103.9000",
            800,
            False,
        ),
    ):
        project = registry_projects.register(
            s,
            owner,
            registry_projects.NewProject(
                owner_id=account.id,
                methodology=methodology,
                name_zh=zh,
                name_en=en,
                province="CN-SC",
                city=city,
                latitude=Decimal(lat),
                longitude=Decimal(lon),
                crediting_start=date(2024, 1, 1),
                crediting_end=date(2033, 12, 31),
                expected_annual_t=annual,
            ),
        )
        registry_projects.transition(s, owner, project.id, "submitted", None)
        if not validate:
            continue
        registry_projects.transition(s, operator, project.id, "validated", None)
        report = registry_projects.submit_report(
            s,
            owner,
            project.id,
            registry_projects.NewReport(date(2025, 1, 1), date(2025, 12, 31), 1300),
        )
        registry_projects.review_report(
            s, operator, report.id, "verified", verified_t=1200, reason=None
        )
        issued = registry_issuance.issue(s, operator, report.id, 1000)
        # The company sells 200 t of it into the retirement inventory (¥45 a tonne, sold at ¥60).
        holding = s.scalars(select(Holding).where(Holding.issuance_id == issued.id)).one()
        offer = registry_offers.offer(s, owner, holding.id, 200, 4500)
        registry_offers.accept(s, operator, offer.id, 6000)
    open_operator_account(s, operator, op_org, op_user)


# Made up like DEMO_USCC: the demo bank's exchange account (a pledgee, and 绿蓉融's lender).
BANK_USCC = "91510100MA6CUDD02L"


def seed_bank(s: Session, officer: User) -> Organisation:
    """A bank with an exchange account in the financial-institution role, as in the seed's first
    CDCER pledge loan (兴业银行成都分行); `officer` is its admin."""
    bank = Organisation(name="兴业银行成都分行（示例）", kind=OrgKind.company)
    s.add(bank)
    s.add(Membership(user=officer, organisation=bank, role=Role.admin))
    s.flush()
    who = Principal(user=officer, roles={bank.id: frozenset({Role.admin})})
    _open_account(
        s, who, bank, BANK_USCC, "刘信贷", officer.phone, (ParticipantRole.financial_institution,)
    )
    return bank


# Made up like DEMO_USCC, with a valid check character: 点点's own exchange account.
OPERATOR_USCC = "91510100MA6CUDD01H"
OPERATOR_FUNDS_FEN = 10_000_000  # ¥100,000 of sandbox money, to restock the inventory with


def open_operator_account(
    s: Session, operator: Principal, op_org: Organisation, op_user: User
) -> None:
    """点点's exchange account (the operator organisation's, a buyer) with sandbox funds, so an
    operator can restock the retirement inventory from a listing (`POST /market/restock`)."""
    account = _open_account(
        s, operator, op_org, OPERATOR_USCC, "点点运营", op_user.phone, (ParticipantRole.buyer,)
    )
    reference = f"SBX-{account.id}-{OPERATOR_FUNDS_FEN}-demo"
    banking.deposit(s, banking.SandboxBank(), account.id, reference, op_user.id)


def _open_account(
    s: Session,
    who: Principal,
    org: Organisation,
    uscc: str,
    contact: str,
    phone: str,
    roles: tuple[ParticipantRole, ...],
) -> Participant:
    """An organisation's exchange account, every market document in force accepted."""
    return registry_participants.open_account(
        s,
        who,
        registry_participants.NewParticipant(
            organisation_id=org.id,
            uscc=uscc,
            legal_representative=contact,
            contact_name=contact,
            contact_phone=phone,
            roles=roles,
            accept=tuple(
                registry_participants.Acceptance(d.code, d.version)
                for d in market_documents().values()
            ),
        ),
    )
