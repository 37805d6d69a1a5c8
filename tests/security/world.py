"""One world for the security tests, built once per module: every kind of caller, and objects
owned by each of them.

- a citizen (no organisation) with a footprint, a retired order, points, and a judicial
  certificate bought for a defendant of the court case;
- the company "Acme": an admin, a member (an event organiser working for it), an API key with
  every scope and one with only `organisation:read`; a footprint and two orders of its member
  (one awaiting payment, one retired with a certificate), a webhook endpoint with deliveries,
  a linked WeChat account, a points-partner enrolment and a low-carbon venue;
- court A (basic) under an upper court (intermediate), and an unrelated court B; a clerk and a
  judge of A, a clerk of B, a judge of the upper court, and a case in court A with defendants;
- an operator;
- Beta, another project owner, and the bank Gamma (a financial institution), whose admins are
  none of the callers (`w["beta_auth"]`, `w["bank_auth"]` act for them). Acme's exchange account
  is both a project owner and a financial institution.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import ApiKey, CourtLevel, Organisation, OrgKind, Role
from backend.certificates import issuing
from backend.certificates import services as certificates
from backend.partners.webhooks.events import EVENT_TYPES
from backend.partners.webhooks.models import WebhookDelivery
from backend.points import ledger
from backend.points.models import TransferKind
from backend.registry import catalogue as registry_catalogue
from tests import factories as f

# The callers of the matrix, in the order the table lists them.
ANON = "anonymous"
CITIZEN = "citizen"
MEMBER = "organiser"  # a member (not admin) of Acme
ADMIN = "org_admin"  # admin of Acme
KEY = "api_key"  # Acme's key with every scope
KEY_NOSCOPE = "api_key_noscope"  # Acme's key with only organisation:read
CLERK_A = "clerk_a"
JUDGE_A = "judge_a"
CLERK_B = "clerk_b"
UPPER = "upper_judge"  # a judge of the court above A
OPERATOR = "operator"
ROLES = (ANON, CITIZEN, MEMBER, ADMIN, KEY, KEY_NOSCOPE, CLERK_A, JUDGE_A, CLERK_B, UPPER, OPERATOR)

ALL_SCOPES = [
    "organisation:read",
    "footprints:read",
    "footprints:write",
    "orders:read",
    "orders:write",
    "certificates:read",
    "points:report",
    "webhooks:manage",
]
PDF = b"%PDF-1.7\n%%EOF\n"
# Monday 7 December 2026, 10:00 in Beijing: the market is open (tests never read the wall clock).
MARKET_OPEN = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
HOOK_URL = "http://127.0.0.1:9/hook"  # sandbox allows http and loopback; nothing listens


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer secret
    ids: dict[str, Any] = field(default_factory=dict)  # named objects

    def auth(self, role: str) -> dict[str, str]:
        return {} if role == ANON else f.bearer(self.tokens[role])

    def __getitem__(self, name: str) -> Any:
        return self.ids[name]


def _ok(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:500])
    out: dict[str, Any] = resp.get_json() if resp.is_json else {}
    return out


def build(app: Flask, client: FlaskClient, s: Session) -> World:
    w = World()
    ids = w.ids
    forestry = f.project(s, standard="CDCER", ptype="forestry", province="CN-SC")
    lot = f.lot(s, forestry, 1000, price=1290)
    ids.update(
        project=forestry.id, lot=lot.id, unit=lot.first_unit, prefs={"project_ids": [forestry.id]}
    )

    # operator
    w.tokens[OPERATOR] = f.operator_token(client, s)
    op = f.bearer(w.tokens[OPERATOR])

    # Acme, its people and keys
    admin, member = f.user(s, "Acme管理员"), f.user(s, "Acme会务")
    acme = f.organisation(s, OrgKind.event_organiser, name="Acme", admin=admin)
    f.grant(s, member, acme, Role.member)
    w.tokens[ADMIN] = f.sign_in(client, admin.phone)
    w.tokens[MEMBER] = f.sign_in(client, member.phone)
    w.tokens[KEY] = f.api_key(client, w.tokens[ADMIN], acme.id, ALL_SCOPES)
    w.tokens[KEY_NOSCOPE] = f.api_key(client, w.tokens[ADMIN], acme.id, ["organisation:read"])
    f.api_key(client, w.tokens[ADMIN], acme.id, ["orders:read"])  # a spare key to revoke
    spare = s.scalars(
        select(ApiKey.id).where(ApiKey.organisation_id == acme.id).order_by(ApiKey.id.desc())
    ).first()
    ids.update(acme=acme.id, spare_key=spare, member_user=member.id)

    # the citizen
    citizen = f.user(s, "市民")
    w.tokens[CITIZEN] = f.sign_in(client, citizen.phone)
    ids["citizen_user"] = citizen.id
    ids["citizen_phone"] = citizen.phone
    f.fund_points(s)  # the citizen's points, and the partner's trips below
    ledger.transfer(s, TransferKind.earn, citizen.id, 5000, reference="security")
    ledger.transfer(s, TransferKind.confirm, citizen.id, 5000, reference="security")
    s.commit()
    fp = _ok(
        client.post(
            "/api/v1/footprints",
            json={"kind": "meeting", "meeting": {"attendees": 5}},
            headers=w.auth(CITIZEN),
        ),
        201,
    )
    ids["citizen_footprint"] = fp["id"]
    done = f.neutralise(client, w.tokens[CITIZEN], mass_g=1_000_000, preferences=ids["prefs"])
    ids.update(citizen_order=done["id"], citizen_cert=done["certificate_number"])

    # Acme's objects: a footprint, an unpaid order and a retired one, a webhook endpoint first so
    # the retirement gives it deliveries, a WeChat account, the points-partner enrolment
    hook = _ok(
        client.post(
            "/api/v1/webhook-endpoints",
            json={"url": HOOK_URL, "events": list(EVENT_TYPES)},
            headers=w.auth(ADMIN),
        ),
        201,
    )
    ids["hook"] = hook["id"]
    fp = _ok(
        client.post(
            "/api/v1/footprints",
            json={"kind": "meeting", "meeting": {"attendees": 50}},
            headers=w.auth(MEMBER),
        ),
        201,
    )
    ids["acme_footprint"] = fp["id"]
    mine = {"mass_g": 1_000_000, "preferences": ids["prefs"], "organisation_id": acme.id}
    unpaid = f.place_order(client, w.tokens[MEMBER], **mine)
    retired = f.neutralise(client, w.tokens[MEMBER], **mine)
    ids.update(
        acme_order=unpaid["id"],
        acme_retired_order=retired["id"],
        acme_cert=retired["certificate_number"],
    )
    ids["acme_cert_code"] = issuing.check_code(certificates.get(s, ids["acme_cert"]))
    # and a neutralised meeting, whose certificate has a statement and a report (PDF)
    meeting = _ok(
        client.post(
            "/api/v1/footprints",
            json={"kind": "meeting", "meeting": {"attendees": 20}},
            headers=w.auth(MEMBER),
        ),
        201,
    )
    neutralised = f.neutralise(
        client,
        w.tokens[MEMBER],
        footprint_id=meeting["id"],
        preferences=ids["prefs"],
        organisation_id=acme.id,
    )
    ids["acme_meeting_cert"] = neutralised["certificate_number"]
    ids["acme_meeting_code"] = issuing.check_code(certificates.get(s, ids["acme_meeting_cert"]))
    f.run_event_jobs(app, s)  # the worker makes the webhooks of those orders
    ids["delivery"] = s.scalars(
        select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == hook["id"])
    ).first()
    assert ids["delivery"] is not None
    account = _ok(
        client.post(
            f"/api/v1/organisations/{acme.id}/wechat-accounts",
            json={
                "appid": "wxb11529c136998cb6",
                "token": "pamtest",
                "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                "name": "Acme服务号",
            },
            headers=w.auth(ADMIN),
        ),
        201,
    )
    ids["wechat"] = account["id"]
    from backend.partners.wechat.models import WechatAccount

    ids["wechat_pk"] = s.scalars(
        select(WechatAccount.id).where(WechatAccount.slug == account["id"])
    ).one()
    enrolled = _ok(client.post(f"/api/v1/organisations/{acme.id}/points-partner", headers=op), 201)
    ids["partner_secret"] = enrolled["secret"]

    # courts: A under an upper court, and B elsewhere
    high = f.court(s, "四川省高级人民法院", CourtLevel.high)
    upper = f.court(s, "雅安市中级人民法院", CourtLevel.intermediate, parent=high)
    court_a = f.court(s, "宝兴县人民法院", CourtLevel.basic, parent=upper)
    court_b = f.court(s, "昆明市西山区人民法院", CourtLevel.basic, province="CN-YN")
    w.tokens[CLERK_A] = f.court_staff(client, s, court_a, Role.clerk)
    w.tokens[JUDGE_A] = f.court_staff(client, s, court_a, Role.judge)
    w.tokens[CLERK_B] = f.court_staff(client, s, court_b, Role.clerk)
    w.tokens[UPPER] = f.court_staff(client, s, upper, Role.judge)
    ids.update(court_a=court_a.id, court_b=court_b.id, upper_court=upper.id, high_court=high.id)
    case = f.open_case(client, w.tokens[CLERK_A], court_a.id)
    ids["case"] = case["id"]
    ids["defendant"] = case["defendants"][0]["id"]
    ids["defendant_token"] = case["defendants"][0]["purchase_url"].rsplit("/", 1)[-1]
    # the citizen buys the first defendant's restoration: a judicial certificate to verify
    bought = _ok(
        client.post(
            f"/api/v1/court-purchases/{ids['defendant_token']}/orders",
            json={"mass_g": 1_000_000},
            headers=f.order_headers(w.tokens[CITIZEN]),
        ),
        201,
    )
    paid = _ok(
        client.post(f"/api/v1/orders/{bought['id']}/confirm", json={}, headers=w.auth(CITIZEN)),
        200,
    )
    ids["judicial_cert"] = paid["certificate_number"]
    assert ids["judicial_cert"], paid

    # a low-carbon venue of Acme's: its people are the venue's staff
    venue = _ok(
        client.post(
            f"/api/v1/organisations/{acme.id}/venues",
            json={"name_zh": "天府绿道·锦城公园", "name_en": "Jincheng Park", "kind": "greenway"},
            headers=op,
        ),
        201,
    )
    ids["venue"] = venue["id"]
    _sponsor(client, w, acme.id, op)
    _registry(client, w, acme.id, op)
    _market(client, w, s, op)
    _market_data(client, w, op)
    _bank(client, w, s)
    _listings(client, w, op)
    _pledges(client, w)
    _finance_products(client, w, s)
    return w


def _registry(client: FlaskClient, w: World, acme: int, op: dict[str, str]) -> None:
    """Acme's exchange account (a project owner): a draft project with a document, and a
    validated one with a submitted report and a verified one, 10 t of it issued and held."""
    from backend.registry import catalogue

    accept = [
        {"document": d.code, "version": d.version} for d in catalogue.market_documents().values()
    ]
    account = _ok(
        client.post(
            "/api/v1/registry/participants",
            json={
                "organisation_id": acme,
                "uscc": "91520000214434146R",
                "legal_representative": "Acme法人",
                "contact_name": "Acme联系人",
                "contact_phone": "13912340000",
                "roles": ["project_owner", "financial_institution"],
                "accept": accept,
            },
            headers=w.auth(ADMIN),
        ),
        201,
    )
    w.ids["participant"] = account["id"]
    w.ids["registry_project_body"] = {
        "owner_id": account["id"],
        "methodology": "CDCER-LD",
        "name_zh": "锦城绿道",
        "name_en": "Jincheng Greenway",
        "province": "CN-SC",
        "city": "成都市",
        "latitude": 30.6,
        "longitude": 104.06,
        "crediting_start": "2024-01-01",
        "crediting_end": "2033-12-31",
        "expected_annual_t": 500,
    }
    body = w.ids["registry_project_body"]
    draft = _ok(client.post("/api/v1/registry/projects", json=body, headers=w.auth(ADMIN)), 201)
    w.ids["draft_project"] = draft["id"]
    doc = _ok(
        client.post(
            f"/api/v1/registry/projects/{draft['id']}/documents",
            data={"title": "项目设计文件", "file": (io.BytesIO(PDF), "pdd.pdf")},
            headers=w.auth(ADMIN),
            content_type="multipart/form-data",
        ),
        201,
    )
    w.ids["registry_document"] = doc["id"]
    live = _ok(client.post("/api/v1/registry/projects", json=body, headers=w.auth(ADMIN)), 201)
    pid = w.ids["validated_project"] = live["id"]
    for to, who in (("submitted", w.auth(ADMIN)), ("validated", op)):
        _ok(
            client.post(
                f"/api/v1/registry/projects/{pid}/transitions", json={"to": to}, headers=who
            ),
            200,
        )
    reports = []
    for year in (2024, 2025):
        period = {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31", "claimed_t": 100}
        made = client.post(
            f"/api/v1/registry/projects/{pid}/reports", json=period, headers=w.auth(ADMIN)
        )
        reports.append(_ok(made, 201)["id"])
    w.ids["submitted_report"], w.ids["verified_report"] = reports
    verify = {"to": "verified", "verified_t": 100}
    _ok(
        client.post(f"/api/v1/registry/reports/{reports[1]}/transitions", json=verify, headers=op),
        200,
    )
    issued = client.post(
        f"/api/v1/registry/reports/{reports[1]}/issuances", json={"tonnes": 10}, headers=op
    )
    _ok(issued, 201)
    held = client.get(f"/api/v1/registry/participants/{account['id']}/holdings", headers=op)
    assert held.status_code == 200, held.get_json()
    w.ids["holding"] = held.get_json()[0]["id"]
    offered = client.post(
        f"/api/v1/registry/holdings/{w.ids['holding']}/offers",
        json={"tonnes": 1, "price_fen_per_t": 2000},
        headers=w.auth(ADMIN),
    )
    w.ids["offer"] = _ok(offered, 201)["id"]


def _market(client: FlaskClient, w: World, s: Session, op: dict[str, str]) -> None:
    """Beta, another project owner (its admin is none of the callers), holding 100 t and
    listing 20 t; Acme with funds, listing 2 t of its own, bidding for a block of Beta's units
    (its funds frozen), and named by Beta in an agreement to buy 5 t."""
    admin = f.user(s, "Beta管理员")
    beta_org = f.organisation(s, OrgKind.company, name="Beta林业", admin=admin)
    beta = f.bearer(f.sign_in(client, admin.phone))
    w.ids["beta_auth"] = beta
    w.ids["beta_org"] = beta_org.id
    account = client.post(
        "/api/v1/registry/participants",
        json={
            "organisation_id": beta_org.id,
            "uscc": "91110000600037341L",
            "legal_representative": "Beta法人",
            "contact_name": "Beta联系人",
            "contact_phone": "13912340002",
            "roles": ["project_owner"],
            "accept": [
                {"document": d.code, "version": d.version}
                for d in registry_catalogue.market_documents().values()
            ],
        },
        headers=beta,
    )
    beta_id = w.ids["beta_participant"] = _ok(account, 201)["id"]
    _diandian_account(client, s, op)
    body = {**w.ids["registry_project_body"], "owner_id": beta_id}
    pid = _ok(client.post("/api/v1/registry/projects", json=body, headers=beta), 201)["id"]
    for to, who in (("submitted", beta), ("validated", op)):
        transition = {"to": to}
        _ok(
            client.post(
                f"/api/v1/registry/projects/{pid}/transitions", json=transition, headers=who
            ),
            200,
        )
    period = {"period_start": "2025-01-01", "period_end": "2025-12-31", "claimed_t": 100}
    rid = _ok(
        client.post(f"/api/v1/registry/projects/{pid}/reports", json=period, headers=beta), 201
    )["id"]
    verify = {"to": "verified", "verified_t": 100}
    _ok(client.post(f"/api/v1/registry/reports/{rid}/transitions", json=verify, headers=op), 200)
    issuance = _ok(
        client.post(f"/api/v1/registry/reports/{rid}/issuances", json={"tonnes": 100}, headers=op),
        201,
    )
    w.ids["beta_issuance"] = issuance["id"]
    held = client.get(f"/api/v1/registry/participants/{beta_id}/holdings", headers=op).get_json()
    beta_holding = held[0]["id"]
    acme_id, acme = w.ids["participant"], w.auth(ADMIN)
    money = {"bank_reference": f"SBX-{acme_id}-1000000000000-world"}
    _ok(
        client.post(
            f"/api/v1/market/participants/{acme_id}/funds/deposits", json=money, headers=op
        ),
        201,
    )

    def listing(who: dict[str, str], seller: int, holding: int, tonnes: int) -> int:
        new = {
            "seller_id": seller,
            "holding_id": holding,
            "tonnes": tonnes,
            "price_fen_per_t": 1290,
            "min_lot_t": 1,
        }
        return int(_ok(client.post("/api/v1/market/listings", json=new, headers=who), 201)["id"])

    w.ids["beta_listing"] = listing(beta, beta_id, beta_holding, 20)
    w.ids["acme_listing"] = listing(acme, acme_id, w.ids["holding"], 2)
    bid = {
        "side": "buyer",
        "participant_id": acme_id,
        "counterparty_id": beta_id,
        "issuance_id": issuance["id"],
        "quantity_t": 100_000,
        "price_fen_per_t": 100,
    }
    w.ids["acme_block_bid"] = _ok(
        client.post("/api/v1/market/block-trades", json=bid, headers=acme), 201
    )["id"]
    agreement = {
        "side": "seller",
        "participant_id": beta_id,
        "counterparty_id": acme_id,
        "holding_id": beta_holding,
        "quantity_t": 5,
        "price_fen_per_t": 1290,
        "contract_reference": "HT-WORLD-1",
    }
    w.ids["beta_agreement"] = _ok(
        client.post("/api/v1/market/agreements", json=agreement, headers=beta), 201
    )["id"]


def _diandian_account(client: FlaskClient, s: Session, op: dict[str, str]) -> None:
    """点点's own exchange account (the operator organisation's) with funds, so an operator can
    restock the retirement inventory from Beta's listing."""
    org = s.scalars(
        select(Organisation.id)
        .where(Organisation.kind == OrgKind.operator)
        .order_by(Organisation.id)
    ).first()
    s.commit()  # ends the read, so it does not enclose (and lose) the requests below
    account = client.post(
        "/api/v1/registry/participants",
        json={
            "organisation_id": org,
            "uscc": "91330100799655058B",
            "legal_representative": "点点法人",
            "contact_name": "点点联系人",
            "contact_phone": "13912340003",
            "roles": ["buyer"],
            "accept": [
                {"document": d.code, "version": d.version}
                for d in registry_catalogue.market_documents().values()
            ],
        },
        headers=op,
    )
    own = _ok(account, 201)["id"]
    money = {"bank_reference": f"SBX-{own}-100000000-world"}
    deposit = client.post(
        f"/api/v1/market/participants/{own}/funds/deposits", json=money, headers=op
    )
    _ok(deposit, 201)


def _sponsor(client: FlaskClient, w: World, acme: int, op: dict[str, str]) -> None:
    """Acme sponsors rewards: a coffee coupon of 100 points, one already redeemed by the
    citizen (its code for the merchant rows)."""
    _ok(client.post(f"/api/v1/organisations/{acme}/sponsor", headers=op), 201)
    funding = {"amount_fen": 100}
    _ok(
        client.post(f"/api/v1/organisations/{acme}/sponsor/fundings", json=funding, headers=op), 201
    )
    now = datetime.now(UTC)
    reward = {
        "kind": "coupon",
        "title_zh": "咖啡券",
        "title_en": "Coffee",
        "price_points": 100,
        "stock": 100,
        "valid_from": (now - timedelta(days=1)).isoformat(),
        "valid_until": (now + timedelta(days=30)).isoformat(),
    }
    made = _ok(client.post(f"/api/v1/organisations/{acme}/rewards", json=reward, headers=op), 201)
    w.ids["reward"] = made["id"]
    got = client.post(
        f"/api/v1/rewards/{made['id']}/redemptions", headers=f.order_headers(w.tokens[CITIZEN])
    )
    w.ids["reward_code"] = _ok(got, 201)["code"]


# --- market data: a trade between Acme and Beta, an announcement -------------------------


def _market_data(client: FlaskClient, w: World, op: dict[str, str]) -> None:
    """Acme buys 1 t of Beta's listing (the trade whose 成交确认书 its parties read), and an
    operator publishes an announcement."""
    bought = client.post(
        f"/api/v1/market/listings/{w['beta_listing']}/purchases",
        json={"buyer_id": w["participant"], "quantity_t": 1},
        headers={**w.auth(ADMIN), "Idempotency-Key": "world-trade-1"},
    )
    w.ids["trade_number"] = _ok(bought, 201)["number"]
    notice = {"title_zh": "公告", "title_en": "Notice", "body_zh": "正文", "body_en": "Body"}
    made = client.post("/api/v1/market/announcements", json=notice, headers=op)
    w.ids["announcement"] = _ok(made, 201)["id"]


def _bank(client: FlaskClient, w: World, s: Session) -> None:
    """Gamma, a bank with an exchange account in the financial-institution role; its admin is
    none of the callers (`w["bank_auth"]` acts for it)."""
    admin = f.user(s, "Gamma信贷")
    org = f.organisation(s, OrgKind.company, name="Gamma银行", admin=admin)
    w.ids["bank_org"] = org.id
    w.ids["bank_auth"] = bank = f.bearer(f.sign_in(client, admin.phone))
    s.commit()
    account = client.post(
        "/api/v1/registry/participants",
        json={
            "organisation_id": org.id,
            "uscc": "91510100MA6CUDD03P",
            "legal_representative": "Gamma法人",
            "contact_name": "Gamma联系人",
            "contact_phone": "13912340004",
            "roles": ["financial_institution"],
            "accept": [
                {"document": d.code, "version": d.version}
                for d in registry_catalogue.market_documents().values()
            ],
        },
        headers=bank,
    )
    w.ids["bank_participant"] = _ok(account, 201)["id"]


# --- the 绿蓉融 database: listing applications, and Beta's listed project ------------------


def _listings(client: FlaskClient, w: World, op: dict[str, str]) -> None:
    """Acme's admins apply to list Acme as a green enterprise and its validated registry project
    as a green project (with an evidence file); Beta applies for a hydropower project the
    operator lists. Acme's ESG disclosure stays unpublished."""
    acme = w["acme"]
    apply = f"/api/v1/finance/organisations/{acme}/listing-applications"
    enterprise = {
        "subject": "enterprise",
        "kind": "green",
        "taxonomy_version": "2019",
        "taxonomy_code": "6.1",
        "statement": "提供碳中和咨询服务",
    }
    made = client.post(apply, json=enterprise, headers=w.auth(ADMIN))
    w.ids["acme_enterprise_application"] = _ok(made, 201)["id"]
    project = {
        "subject": "project",
        "kind": "green",
        "taxonomy_version": "2019",
        "taxonomy_code": "5.6",
        "statement": "天府绿道碳汇",
        "project_name_zh": "锦城绿道",
        "project_name_en": "Jincheng Greenway",
        "registry_project_id": w["validated_project"],
    }
    made = client.post(apply, json=project, headers=w.auth(ADMIN))
    app_id = w.ids["acme_project_application"] = _ok(made, 201)["id"]
    doc = client.post(
        f"/api/v1/finance/listing-applications/{app_id}/documents",
        data={"title": "项目证明", "file": (io.BytesIO(PDF), "proof.pdf")},
        headers=w.auth(ADMIN),
        content_type="multipart/form-data",
    )
    w.ids["acme_listing_document"] = _ok(doc, 201)["id"]
    hydro = {
        "subject": "project",
        "kind": "climate_investment",
        "taxonomy_version": "2019",
        "taxonomy_code": "3.2.4",
        "statement": "径流式水电站",
        "project_name_zh": "宝兴河水电站",
        "project_name_en": "Baoxing River hydropower",
        "province": "CN-SC",
        "annual_mwh": 12000,
    }
    made = client.post(
        f"/api/v1/finance/organisations/{w['beta_org']}/listing-applications",
        json=hydro,
        headers=w["beta_auth"],
    )
    beta_app = w.ids["beta_listed_project"] = _ok(made, 201)["id"]
    listed = client.post(
        f"/api/v1/finance/listing-applications/{beta_app}/transitions",
        json={"to": "listed"},
        headers=op,
    )
    _ok(listed, 200)


def _pledges(client: FlaskClient, w: World) -> None:
    """Acme pledges 2 t of its holding (8 t left after its listing) to Gamma, and Beta 5 t of
    its own to Acme (an institution too), both awaiting the pledgee's registration."""
    loan = {"loan_amount_fen": 10_000_000, "annual_rate_bps": 400, "term_months": 12}

    def pledge(who: dict[str, str], holding: int, pledgee: int, tonnes: int) -> int:
        made = client.post(
            f"/api/v1/finance/holdings/{holding}/pledges",
            json={"pledgee_id": pledgee, "tonnes": tonnes, **loan},
            headers={**who, "Idempotency-Key": f"world-pledge-{holding}-{pledgee}"},
        )
        return int(_ok(made, 201)["id"])

    w.ids["acme_pledge"] = pledge(w.auth(ADMIN), w["holding"], w["bank_participant"], 2)
    beta = w["beta_auth"]
    held = client.get(
        f"/api/v1/registry/participants/{w['beta_participant']}/holdings", headers=beta
    )
    assert held.status_code == 200, held.get_json()
    w.ids["beta_pledge"] = pledge(beta, held.get_json()[0]["id"], w["participant"], 5)


def _finance_products(client: FlaskClient, w: World, s: Session) -> None:
    """Gamma publishes a forestry loan that Beta applies to (Acme cannot see that application);
    Acme's account, an institution too, publishes a forestry loan that Beta applies to (Acme's
    people see that one) and keeps a draft."""
    beta_org = s.scalar(select(Organisation.id).where(Organisation.name == "Beta林业"))
    w.ids["beta_org"] = beta_org
    s.commit()  # end the read's savepoint: the requests below must not nest inside it
    loan = {
        "kind": "credit",
        "name_zh": "林业碳汇贷",
        "name_en": "Forest carbon loan",
        "description_zh": "以林业碳汇项目为对象的贷款。",
        "description_en": "Loans for forestry carbon projects.",
        "rate_min_bps": 300,
        "rate_max_bps": 450,
        "term_min_months": 6,
        "term_max_months": 60,
        "amount_min_fen": 10_000_00,
        "amount_max_fen": 10_000_000_00,
        "project_types": ["forestry"],
        "documents": ["营业执照"],
    }

    def product(participant: int, who: dict[str, str], publish: bool) -> int:
        made = client.post(
            f"/api/v1/finance/participants/{participant}/products", json=loan, headers=who
        )
        pid = int(_ok(made, 201)["id"])
        if publish:
            moved = client.post(
                f"/api/v1/finance/products/{pid}/transitions",
                json={"to": "published"},
                headers=who,
            )
            _ok(moved, 200)
        return pid

    acme = w.auth(ADMIN)
    w.ids["gamma_product"] = product(w["bank_participant"], w["bank_auth"], True)
    w.ids["acme_product"] = product(w["participant"], acme, True)
    w.ids["acme_draft_product"] = product(w["participant"], acme, False)

    def application(product_id: int) -> dict[str, Any]:
        body = {
            "amount_fen": 500_000_00,
            "term_months": 24,
            "project_type": "forestry",
            "description": "龙泉山林业碳汇项目",
            "product_ids": [product_id],
        }
        made = client.post(
            f"/api/v1/finance/organisations/{beta_org}/applications",
            json=body,
            headers={**w["beta_auth"], "Idempotency-Key": f"world-{product_id}"},
        )
        return _ok(made, 201)

    to_acme = application(w["acme_product"])
    w.ids["beta_application_acme"] = to_acme["id"]
    w.ids["beta_leg_acme"] = to_acme["legs"][0]["id"]
    w.ids["beta_application_gamma"] = application(w["gamma_product"])["id"]
