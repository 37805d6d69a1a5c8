"""Courts of Sichuan (high → intermediate → basic) and one of Yunnan, their staff, and a stock
of Sichuan forestry carbon sinks (CDCER)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts.models import CourtLevel, Organisation, Role
from tests import factories as f
from tests.factories import Stock


@dataclass
class Courts:
    high: Organisation
    mid: Organisation
    basic: Organisation
    other: Organisation  # a basic court in Yunnan, outside the Sichuan hierarchy


@dataclass
class Staff:
    clerk: str  # tokens
    judge: str
    high_judge: str
    other_clerk: str


@pytest.fixture
def courts(db_session: Session) -> Courts:
    high = f.court(db_session, "四川省高级人民法院", CourtLevel.high)
    mid = f.court(db_session, "雅安市中级人民法院", CourtLevel.intermediate, parent=high)
    basic = f.court(db_session, "宝兴县人民法院", CourtLevel.basic, parent=mid)
    yn = f.court(db_session, "云南省高级人民法院", CourtLevel.high, province="CN-YN")
    yn_mid = f.court(
        db_session, "昆明市中级人民法院", CourtLevel.intermediate, province="CN-YN", parent=yn
    )
    other = f.court(db_session, "西山区人民法院", CourtLevel.basic, province="CN-YN", parent=yn_mid)
    return Courts(high, mid, basic, other)


@pytest.fixture
def staff(client: FlaskClient, db_session: Session, courts: Courts) -> Staff:
    return Staff(
        clerk=f.court_staff(client, db_session, courts.basic, Role.clerk),
        judge=f.court_staff(client, db_session, courts.basic, Role.judge),
        high_judge=f.court_staff(client, db_session, courts.high, Role.judge),
        other_clerk=f.court_staff(client, db_session, courts.other, Role.clerk),
    )


@pytest.fixture
def forestry(db_session: Session) -> Stock:
    """100 t of Sichuan forestry carbon sink (CDCER) at 12.90 CNY/t."""
    p = f.project(db_session, standard="CDCER", ptype="forestry", province="CN-SC")
    return Stock(p, f.lot(db_session, p, 100, price=1290))
