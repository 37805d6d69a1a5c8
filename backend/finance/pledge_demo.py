"""The demo's pledge: the demo company pledges 300 t of its 800 t CDCER holding to the demo bank,
registered, as in the seed's first CDCER pledge loan (首单CDCER质押融资, 四川环交所 with
兴业银行成都分行; 2023 report, lines 180-210). The seed gives no amount, rate or term: ours are
illustrative (our own assumption), shown in the public notice (disclosed)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, Role, User
from backend.accounts.principal import Principal
from backend.finance import pledges
from backend.finance.pledge_models import PledgeState
from backend.registry.models import Holding, Participant

DEMO_TONNES = 300
# Illustrative (our assumption): ¥10,000 against 300 t (worth ¥18,000 at the demo inventory's
# ¥60 a tonne), for 12 months at 3.45 % a year, the one-year LPR the PBOC announced on
# 21 August 2023 (the seed speaks of a "低利率绿色贷款").
DEMO_LOAN_FEN = 1_000_000
DEMO_RATE_BPS = 345
DEMO_TERM_MONTHS = 12
DEMO_LOAN_REFERENCE = "示例-CDCER-ZY-001"


def _account(s: Session, org: Organisation) -> Participant:
    return s.scalars(select(Participant).where(Participant.organisation_id == org.id)).one()


def seed_pledge(
    s: Session, admin: User, company: Organisation, officer: User, bank: Organisation
) -> int:
    """Pledge and register the demo loan; returns the number of pledges made (1)."""
    owner = Principal(user=admin, roles={company.id: frozenset({Role.admin})})
    lender = Principal(user=officer, roles={bank.id: frozenset({Role.admin})})
    holder = _account(s, company)
    holding = s.scalars(
        select(Holding).where(Holding.participant_id == holder.id).order_by(Holding.id)
    ).first()
    if holding is None or holding.tonnes < DEMO_TONNES:
        return 0
    made = pledges.create(
        s,
        owner,
        holding.id,
        pledges.NewPledge(
            pledgee_id=_account(s, bank).id,
            tonnes=DEMO_TONNES,
            loan_amount_fen=DEMO_LOAN_FEN,
            annual_rate_bps=DEMO_RATE_BPS,
            term_months=DEMO_TERM_MONTHS,
            disclose_amount=True,
            loan_reference=DEMO_LOAN_REFERENCE,
        ),
    )
    pledges.transition(s, lender, made.id, PledgeState.registered, None)
    return 1
