"""Demo data for a new sandbox: organisations of every kind and one person in each role."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import CourtLevel, Membership, Organisation, OrgKind, Role, User

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
    s.add_all(Membership(user=users[p], organisation=o, role=r) for p, o, r in roles)
    s.commit()
    return {"organisations": 6, "users": len(users), "memberships": len(roles)}
