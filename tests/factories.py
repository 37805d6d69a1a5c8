"""Test data in one place: people, organisations, roles, tokens and API keys."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts import consent, legal
from backend.accounts.models import CourtLevel, Membership, Organisation, OrgKind, Role, User
from backend.core import uow
from backend.core.config import Config
from backend.core.jobs import queue
from backend.credits import inventory
from backend.credits.catalogue import LotFields, new_lot
from backend.credits.inventory import Preferences
from backend.credits.models import Lot, Project, ProjectType, ReservationStatus, Standard
from backend.points import sponsors
from tests.accounts.fake_aliyun_sms import aliyun_settings

_phones = itertools.count(1)


def live_config(tmp_path: Path, **settings: Any) -> Config:
    """Live mode with a secret, Aliyun SMS and Stripe; `settings` add to it or override it."""
    base: dict[str, Any] = {
        "INSTANCE_PATH": str(tmp_path),
        "SANDBOX": False,
        "SECRET_KEY": "k",
        **aliyun_settings(),
        "STRIPE_SECRET_KEY": "sk_live_x",
        "STRIPE_PUBLISHABLE_KEY": "pk_live_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
    }
    return Config(**{**base, **settings})


def new_phone() -> str:
    """A distinct valid mainland mobile number."""
    return f"+86139{next(_phones):08d}"


def user(s: Session, name: str = "测试用户", *, consents: bool = True) -> User:
    """A person who accepted every text in force (terms, privacy and both separate consents),
    unless `consents` is False."""
    u = User(phone=new_phone(), display_name=name)
    s.add(u)
    s.flush()
    if consents:
        consent.accept_current(s, u, list(legal.Document))
    s.commit()
    return u


def accept_terms() -> list[dict[str, str]]:
    """What sign-in sends to accept the terms and privacy policy in force (a new account)."""
    return [{"document": d.value, "version": legal.version(d)} for d in legal.REQUIRED]


def organisation(
    s: Session,
    kind: OrgKind = OrgKind.company,
    *,
    name: str = "测试组织",
    admin: User | None = None,
    court_level: CourtLevel | None = None,
    parent: Organisation | None = None,
) -> Organisation:
    org = Organisation(name=name, kind=kind, court_level=court_level, parent=parent)
    s.add(org)
    if admin is not None:
        s.add(Membership(user=admin, organisation=org, role=Role.admin))
    s.commit()
    return org


def grant(s: Session, who: User, org: Organisation, role: Role) -> None:
    s.add(Membership(user=who, organisation=org, role=role))
    s.commit()


def sign_in(client: FlaskClient, phone: str) -> str:
    """A bearer token through the real sandbox sign-in flow."""
    code = client.post("/api/v1/auth/codes", json={"phone": phone}).get_json()["code"]
    body = {"phone": phone, "code": code, "accept": accept_terms()}
    resp = client.post("/api/v1/auth/tokens", json=body)
    assert resp.status_code == 201, resp.get_json()
    token: str = resp.get_json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api_key(client: FlaskClient, admin_token: str, org_id: int, scopes: list[str]) -> str:
    resp = client.post(
        f"/api/v1/organisations/{org_id}/api-keys",
        json={"name": "test key", "scopes": scopes},
        headers=bearer(admin_token),
    )
    assert resp.status_code == 201, resp.get_json()
    key: str = resp.get_json()["key"]
    return key


# --- credits ---------------------------------------------------------------------------------

_units = itertools.count(1)


def project(
    s: Session,
    standard: str = "CCER",
    ptype: str = "hydro",
    province: str | None = "CN-SC",
    **kw: object,
) -> Project:
    n = next(_units)
    p = Project(
        standard=Standard(standard),
        registry_id=f"T-{n}",
        name_zh=f"测试项目{n}",
        name_en=f"Test project {n}",
        type=ProjectType(ptype),
        methodology="CM-001",
        country="CN" if province or "country" not in kw else str(kw["country"]),
        province=province,
        description="",
    )
    s.add(p)
    s.commit()
    return p


def lot(
    s: Session,
    p: Project,
    tonnes: int = 100,
    *,
    price: int = 5000,
    vintage: int = 2020,
    first_unit: int | None = None,
) -> Lot:
    first = first_unit if first_unit is not None else next(_units) * 10_000_000
    item = new_lot(
        p,
        LotFields(
            vintage=vintage,
            first_unit=first,
            last_unit=first + tonnes - 1,
            serial_range=f"TEST-{first}-{first + tonnes - 1}",
            acquisition_cost_fen=0,
            price_fen_per_t=price,
        ),
    )
    s.add(item)
    s.commit()
    return item


def operator_token(client: FlaskClient, s: Session) -> str:
    op = user(s, "运营")
    organisation(s, OrgKind.operator, admin=op)
    return sign_in(client, op.phone)


# --- orders ----------------------------------------------------------------------------------


def order_headers(token: str, key: str | None = None) -> dict[str, str]:
    """A bearer token and a fresh (or given) Idempotency-Key."""
    return {**bearer(token), "Idempotency-Key": key or str(uuid.uuid4())}


def place_order(client: FlaskClient, token: str, **body: object) -> dict[str, Any]:
    """POST /orders (201 expected) with a beneficiary unless given."""
    body.setdefault("beneficiary", "张三")
    resp = client.post("/api/v1/orders", json=body, headers=order_headers(token))
    assert resp.status_code == 201, resp.get_json()
    out: dict[str, Any] = resp.get_json()
    return out


def neutralise(client: FlaskClient, token: str, **body: object) -> dict[str, Any]:
    """Order and pay in the sandbox; returns the retired order (with its certificate number)."""
    order = place_order(client, token, **body)
    resp = client.post(f"/api/v1/orders/{order['id']}/confirm", json={}, headers=bearer(token))
    assert resp.status_code == 200, resp.get_json()
    done: dict[str, Any] = resp.get_json()
    assert done["status"] == "retired", done
    return done


@dataclass
class Stock:
    """A lot in a project of its own, and the preferences that pick it."""

    project: Project
    lot: Lot

    @property
    def prefs(self) -> dict[str, list[int]]:
        return {"project_ids": [self.project.id]}


@dataclass
class Buyer:
    user: User
    token: str


def reserve(s: Session, prefs: Preferences, mass_g: int, **kw: Any) -> inventory.Held:
    """Hold credits in a unit of work of the test's own (it commits, as a route would)."""
    with uow.transaction(s):
        return inventory.hold(s, prefs, mass_g, **kw)


def retire(
    s: Session, reservation_id: int, now: datetime | None = None
) -> list[inventory.Allocated]:
    """Allocate a hold's grams, committed."""
    with uow.transaction(s):
        return inventory.allocate(s, reservation_id, now)


def cancel(s: Session, reservation_id: int, now: datetime | None = None) -> None:
    """Give a hold back, committed."""
    with uow.transaction(s):
        inventory.release(s, reservation_id, ReservationStatus.cancelled, now)


def run_event_jobs(app: Flask, s: Session) -> int:
    """One pass of the worker over the webhooks lane: the deferred event handlers (partners'
    webhook events) run, as `flask worker` would run them; returns how many jobs ran."""
    from backend import worker
    from backend.partners.webhooks.events import QUEUE

    with app.app_context():
        return queue.run_due(s, worker.handlers(), queue_name=QUEUE)


def grams(s: Session, lot: Lot) -> tuple[int, int, int]:
    """(available, reserved, allocated) of a lot, fresh from the database."""
    s.expire_all()
    fresh = s.get_one(Lot, lot.id)
    return fresh.available_g, fresh.reserved_g, fresh.allocated_g


# --- courts ----------------------------------------------------------------------------------


def court(
    s: Session,
    name: str,
    level: CourtLevel,
    *,
    province: str = "CN-SC",
    parent: Organisation | None = None,
) -> Organisation:
    """A court organisation with its court record (in `province`)."""
    from backend.courts.models import Court  # local: this section is appended to the file

    org = organisation(s, OrgKind.court, name=name, court_level=level, parent=parent)
    s.add(Court(organisation_id=org.id, province=province))
    s.commit()
    return org


def court_staff(client: FlaskClient, s: Session, org: Organisation, role: Role) -> str:
    """A signed-in judge or clerk of a court; returns their token."""
    person = user(s, f"{org.name}{role.value}")
    grant(s, person, org, role)
    return sign_in(client, person.phone)


def case_body(court_id: int, **overrides: object) -> dict[str, Any]:
    """The seed's case: six defendants restoring 24,000 kg of carbon sink together."""
    body: dict[str, Any] = {
        "court_id": court_id,
        "number": "(2023)川1827刑初12号",
        "offence": "非法狩猎",
        "site": {"place": "大熊猫国家公园宝兴片区", "province": "CN-SC"},
        "defendants": [{"name": f"被告人{i}"} for i in "甲乙丙丁戊己"],
        "mass_g": 24_000_000,
        "mass_basis": "total",
        "deadline": "2099-12-31",
    }
    body.update(overrides)
    return body


def open_case(
    client: FlaskClient, token: str, court_id: int, **overrides: object
) -> dict[str, Any]:
    """POST /court-cases (201 expected)."""
    resp = client.post(
        "/api/v1/court-cases", json=case_body(court_id, **overrides), headers=bearer(token)
    )
    assert resp.status_code == 201, resp.get_json()
    out: dict[str, Any] = resp.get_json()
    return out


def sponsor(s: Session, name: str = "测试赞助方", *, points: int = 0) -> Organisation:
    """A sponsor enrolled by an operator; with `points`, a funding of that many (1 fen a point,
    as if the rate were 1), so earning has a budget."""
    org = organisation(s, name=name)
    by = user(s, "运营")
    sponsors.enrol(s, org.id, by.id)
    if points:
        sponsors.fund(s, org.id, sponsors.FundingRequest(amount_fen=points), by.id, 1)
    s.commit()
    return org


def fund_points(s: Session, points: int = 10**9) -> None:
    """Fund the points pool (a billion points unless told), for tests about earning."""
    sponsor(s, "资助方", points=points)
