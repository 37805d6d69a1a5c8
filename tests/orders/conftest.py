"""Shared set-up for order tests: a lot to buy from and a signed-in buyer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.credits.models import Lot, Project
from tests import factories as f


@dataclass
class Stock:
    project: Project
    lot: Lot

    @property
    def prefs(self) -> dict[str, list[int]]:
        return {"project_ids": [self.project.id]}


@dataclass
class Buyer:
    user: User
    token: str


@pytest.fixture
def stock(db_session: Session) -> Stock:
    """100 t at 50.00 CNY/t in a project of its own."""
    p = f.project(db_session)
    return Stock(p, f.lot(db_session, p, 100, price=5000))


@pytest.fixture
def buyer(client: FlaskClient, db_session: Session) -> Buyer:
    u = f.user(db_session, "买家")
    return Buyer(u, f.sign_in(client, u.phone))


def grams(s: Session, lot: Lot) -> tuple[int, int, int]:
    """(available, reserved, allocated) of a lot, fresh from the database."""
    s.expire_all()
    fresh = s.get_one(Lot, lot.id)
    return fresh.available_g, fresh.reserved_g, fresh.allocated_g
