"""What the pledge tests share: a holder with issued CDCER tonnes, a bank (a financial
institution's account), and API helpers."""

from __future__ import annotations

import uuid
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.finance import pledge_checks
from backend.market import checks as market_checks
from backend.registry import checks as registry_checks
from tests.market.conftest import Party, issued, party
from tests.registry.conftest import REAL_USCC

LOAN = {"loan_amount_fen": 100_000_000, "annual_rate_bps": 385, "term_months": 12}


def make_holder(client: FlaskClient, s: Session, operator: dict[str, str], tonnes: int) -> Party:
    """A project owner holding `tonnes` of CDCER."""
    p = party(client, s, "龙泉山林业", REAL_USCC[0], ["project_owner"])
    p.holding_id = issued(client, operator, p, tonnes)
    return p


def make_bank(client: FlaskClient, s: Session) -> Party:
    """A bank: an exchange account in the financial-institution role."""
    return party(client, s, "锦城银行", REAL_USCC[2], ["financial_institution"])


def pledge(client: FlaskClient, p: Party, pledgee_id: int, tonnes: int, **extra: Any) -> Any:
    return client.post(
        f"/api/v1/finance/holdings/{p.holding_id}/pledges",
        json={"pledgee_id": pledgee_id, "tonnes": tonnes, **LOAN, **extra},
        headers={**p.headers, "Idempotency-Key": str(uuid.uuid4())},
    )


def step(
    client: FlaskClient, who: Party | dict[str, str], pledge_id: int, to: str, **body: Any
) -> Any:
    headers = who.headers if isinstance(who, Party) else who
    return client.post(
        f"/api/v1/finance/pledges/{pledge_id}/transitions",
        json={"to": to, **body},
        headers=headers,
    )


def sound(s: Session) -> None:
    """`flask registry check`, `flask market check` and `flask finance check` all pass."""
    assert registry_checks.violations(s) == []
    assert market_checks.violations(s) == []
    assert pledge_checks.violations(s) == []
