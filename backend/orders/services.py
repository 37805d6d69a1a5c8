"""Order use cases: place (reserve and price), start the payment, read, list, cancel, the
sandbox payment, expiry.

Services take a Session, the caller's Principal, typed requests and a PaymentProvider; they
import nothing from Flask, raise DomainErrors, and flush: the caller owns the transaction.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from backend.accounts import wechat_login
from backend.accounts.models import Role
from backend.accounts.principal import Principal
from backend.core import cursors, uow
from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
    field_error,
)
from backend.credits import inventory
from backend.credits.models import Lot, Project
from backend.footprint import claims
from backend.footprint import purpose as purposes
from backend.footprint import services as footprints
from backend.footprint.models import Footprint
from backend.footprint.purpose import Purpose, PurposeKind
from backend.idempotency import store as idempotency
from backend.orders import holds, pricing, reasons, settlement
from backend.orders.models import Order, OrderEvent, OrderStatus
from backend.orders.states import IllegalTransition
from backend.payments.models import Payment, PaymentStatus
from backend.payments.provider import (
    Payer,
    PaymentProvider,
    PaymentRequest,
    ProviderError,
    payer_for,
)

S = OrderStatus
MAX_PAGE = 100


@dataclass(frozen=True)
class OrderSettings:
    fee_bps: int = 0
    ttl: timedelta = timedelta(minutes=30)
    unpaid: holds.UnpaidLimits = field(default_factory=holds.UnpaidLimits)
    wechatpay_appid: str = ""  # JSAPI payers' openids are theirs under this app

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> OrderSettings:
        return cls(
            fee_bps=cfg["ORDER_FEE_BPS"],
            ttl=timedelta(seconds=cfg["ORDER_TTL_SECONDS"]),
            unpaid=holds.UnpaidLimits(
                cfg["ORDER_UNPAID_MAX_COUNT"], cfg["ORDER_UNPAID_MAX_MASS_G"]
            ),
            wechatpay_appid=cfg["WECHATPAY_APPID"],
        )


@dataclass(frozen=True)
class OrderRequest:
    """What to buy (exactly one of a footprint, a mass or a spend cap), for whom and why."""

    beneficiary: str
    footprint_id: str | None = None
    mass_g: int | None = None
    amount: int | None = None
    preferences: dict[str, Any] = field(default_factory=dict)
    purpose: str | Purpose = ""  # what the buyer wrote, or a purpose a domain sets (a court's)
    note: str = ""
    organisation_id: int | None = None
    judicial: bool = False
    provider: str | None = None  # a payment rail the order offers; default: the first
    channel: str | None = None  # the way to pay at the provider (WeChat Pay: jsapi, h5, native;
    # Alipay: wap, page)
    openid: str | None = None  # the payer's WeChat openid (WeChat Pay's JSAPI)


class AlreadyNeutralised(Conflict):
    slug, title = "already-neutralised", "This footprint already has an order"


class SandboxDisabled(Forbidden):
    slug, title = "sandbox-disabled", "The sandbox payment is disabled"


def create(s: Session, who: Principal, req: OrderRequest, *how: Any, **client: Any) -> Order:
    """`created`'s order alone (`how`: the provider, the settings and the claim; `client`: the
    user agent and the IP address)."""
    order: Order = created(s, who, req, *how, **client)[0]
    return order


def created(
    s: Session,
    who: Principal,
    req: OrderRequest,
    provider: PaymentProvider,
    settings: OrderSettings,
    claim: idempotency.Claim | None = None,
    *,
    user_agent: str = "",
    ip: str = "",
) -> tuple[Order, Payment | None]:
    """Place the order, then start its payment (one order per idempotency claim). The way to
    pay is settled first, so a way the provider cannot take is refused before anything is
    written. Returns the order, and its payment when this transaction made it and nothing
    else changed it since (a sandbox order placed now), so the response need not read it back;
    else None."""
    payer = settle_payer(s, who, provider, settings, Payer(req.channel, req.openid, user_agent, ip))
    if claim is not None and claim.resource_id is not None:
        return start_payment(s, get(s, who, claim.resource_id), provider, claim, payer), None
    order, payment = _place(s, who, req, provider, settings)
    order = start_payment(s, order, provider, claim, payer)
    return order, payment if provider.sandbox else None


def settle_payer(
    s: Session, who: Principal, provider: PaymentProvider, settings: OrderSettings, payer: Payer
) -> Payer:
    """The way `provider` will take this payer (422 naming the field it cannot do). WeChat Pay's
    JSAPI needs the payer's openid: when the request names none, a person signed in through
    WeChat has theirs under WECHATPAY_APPID."""
    if payer.openid is None and provider.name == "wechatpay" and who.user is not None:
        found = wechat_login.openid_for(s, who.user.id, settings.wechatpay_appid)
        payer = replace(payer, openid=found)
    return payer_for(provider, payer)


def place(
    s: Session,
    who: Principal,
    req: OrderRequest,
    provider: PaymentProvider,
    settings: OrderSettings,
) -> Order:
    """Reserve the credits and freeze the price in the caller's transaction. A sandbox payment
    starts here too; a remote one starts in `start_payment`, once this is committed."""
    return _place(s, who, req, provider, settings)[0]


def _place(
    s: Session,
    who: Principal,
    req: OrderRequest,
    provider: PaymentProvider,
    settings: OrderSettings,
) -> tuple[Order, Payment]:
    user_id, org_id = _owner(who, req.organisation_id)
    prefs = inventory.Preferences.from_dict(req.preferences)
    footprint = _footprint(s, who, req.footprint_id)
    field_name = "footprint_id" if footprint else "mass_g" if req.amount is None else "amount"
    order_id, now = random_id("ord_"), utcnow()
    if footprint is not None:
        _claim(s, who, footprint.id, order_id, now)
    mass = footprint.mass_g if footprint else req.mass_g or _affordable(s, prefs, req, settings)
    purpose = _purpose(footprint, req.purpose)
    if not req.judicial:
        holds.check_cap(s, user_id, org_id, mass, settings.unpaid, now)
    held, mass, price = _hold(s, req, prefs, mass, order_id, settings, now)
    if price.total < provider.minimum_amount:
        raise ValidationFailed(
            field_name, "orders.below_minimum", total=price.total, minimum=provider.minimum_amount
        )
    order = Order(
        id=order_id,
        status=S.awaiting_payment,
        user_id=user_id,
        organisation_id=org_id,
        api_key_id=who.api_key.id if who.api_key else None,
        footprint_id=footprint.id if footprint else None,
        mass_g=mass,
        amount_cap=req.amount,
        credits_amount=price.credits,
        fee_amount=price.fee,
        amount=price.total,
        currency="CNY",
        lines=json.dumps(held.lines, ensure_ascii=False),
        preferences=json.dumps(req.preferences or {}, sort_keys=True),
        beneficiary=req.beneficiary,
        purpose=purpose.column_text(),
        purpose_detail=json.dumps(purpose.as_dict(), ensure_ascii=False),
        note=req.note,
        judicial=req.judicial,
        reservation_id=held.id,
        provider=provider.name,
        refund_reason="",
        created_at=now,
        updated_at=now,
        expires_at=held.expires_at,
    )
    payment = Payment(
        order_id=order_id,
        provider=provider.name,
        amount=price.total,
        currency="CNY",
        status=PaymentStatus.pending,
        last_error="",
        created_at=now,
        updated_at=now,
    )
    if provider.sandbox:  # nothing remote: one transaction does it all
        payment.reference = provider.start(_request(order)).reference
    s.add_all([order, payment])
    s.add(OrderEvent(order_id=order_id, from_status=None, to_status=S.awaiting_payment, at=now))
    s.flush()
    return order, payment


def _claim(s: Session, who: Principal, footprint_id: str, order_id: str, now: datetime) -> None:
    """Claim the footprint and all it includes for the order, or 409: it already has an order,
    it includes a footprint that has one, or it is part of an event that has one."""
    found = claims.claim(s, footprint_id, order_id, now)
    if found is None:
        return
    if found.footprint_id == found.root_id == footprint_id:
        raise AlreadyNeutralised(
            "orders.already_neutralised",
            errors=[field_error("footprint_id", "orders.already_neutralised")],
            order_id=found.reference,
        )
    raise claims.refusal(s, who, footprint_id, found, "footprint_id")


@dataclass(frozen=True)
class _Held:
    id: int
    expires_at: datetime
    lines: list[dict[str, Any]]


class _PricesMoved(Exception):
    """Under a spend cap, the held credits now cost more than the cap."""


def _hold(
    s: Session,
    req: OrderRequest,
    prefs: inventory.Preferences,
    mass: int,
    order_id: str,
    settings: OrderSettings,
    now: datetime,
) -> tuple[_Held, int, pricing.Price]:
    """Hold the order's mass and price it; under a spend cap, plan again if prices moved."""
    if req.amount is None:
        return _priced(s, req, prefs, mass, order_id, settings, now)
    for _ in range(inventory.MAX_ATTEMPTS):
        try:
            with uow.savepoint(s):
                return _priced(s, req, prefs, mass, order_id, settings, now)
        except _PricesMoved:
            mass = _affordable(s, prefs, req, settings)
    raise Conflict("orders.prices_changed")


def _priced(
    s: Session,
    req: OrderRequest,
    prefs: inventory.Preferences,
    mass: int,
    order_id: str,
    settings: OrderSettings,
    now: datetime,
) -> tuple[_Held, int, pricing.Price]:
    held = _reserve(s, prefs, mass, order_id, settings.ttl, now, judicial=req.judicial)
    lines = _lines(s, held)
    price = pricing.price(sum(line["amount"] for line in lines), settings.fee_bps)
    if req.amount is not None and price.total > req.amount:
        raise _PricesMoved
    return _Held(held.id, held.expires_at, lines), mass, price


def _reserve(
    s: Session,
    prefs: inventory.Preferences,
    mass_g: int,
    order_id: str,
    ttl: timedelta,
    now: datetime,
    *,
    judicial: bool,
) -> inventory.Held:
    """Hold the credits; a judicial order short of stock first expires unpaid consumer holds."""
    try:
        return inventory.hold(s, prefs, mass_g, reference=order_id, ttl=ttl, now=now)
    except inventory.InsufficientInventory as short:
        shortfall = mass_g - int(short.extra["available_g"])
        if not judicial or not holds.make_room(s, prefs, shortfall, now):
            raise
    return inventory.hold(s, prefs, mass_g, reference=order_id, ttl=ttl, now=now)


def _affordable(
    s: Session, prefs: inventory.Preferences, req: OrderRequest, settings: OrderSettings
) -> int:
    budget = pricing.credits_budget(req.amount or 0, settings.fee_bps)
    mass = pricing.affordable_mass(s.execute(prefs.lots(*inventory.PLAN_COLUMNS)), budget)
    if mass == 0:
        raise ValidationFailed("amount", "orders.too_small")
    return mass


def _purpose(fp: Footprint | None, given: str | Purpose) -> Purpose:
    """The purpose a domain set; else the footprint's kind and route, named as the buyer wrote
    it or as the footprint is; else what the buyer wrote, as written."""
    if isinstance(given, Purpose):
        return given
    if fp is not None:
        return purposes.of_footprint(fp, given or None)
    return Purpose(PurposeKind.custom, given)


def _footprint(s: Session, who: Principal, footprint_id: str | None) -> Footprint | None:
    if footprint_id is None:
        return None
    try:
        fp = footprints.get(s, who, footprint_id)
    except NotFound:
        raise ValidationFailed("footprint_id", "orders.no_such_footprint") from None
    if fp.mass_g <= 0:
        raise ValidationFailed("footprint_id", "orders.zero_footprint")
    return fp


def _lines(s: Session, held: inventory.Held) -> list[dict[str, Any]]:
    """The price breakdown by lot, frozen on the order."""
    info = {
        row.id: row
        for row in s.execute(
            select(
                Lot.id,
                Lot.project_id,
                Lot.standard,
                Lot.vintage,
                Project.name_zh,
                Project.name_en,
                Project.type,
                Project.province,
            )
            .join(Project, Project.id == Lot.project_id)
            .where(Lot.id.in_([line.lot_id for line in held.lines]))
        )
    }
    out = []
    for line in held.lines:
        lot = info[line.lot_id]
        out.append(
            {
                "lot_id": line.lot_id,
                "project_id": lot.project_id,
                "project_name_zh": lot.name_zh,
                "project_name_en": lot.name_en,
                "project_type": str(lot.type),
                "province": lot.province,
                "standard": str(lot.standard),
                "vintage": lot.vintage,
                "mass_g": line.mass_g,
                "price_fen_per_t": line.price_fen_per_t,
                "amount": pricing.line_amount(line.mass_g, line.price_fen_per_t),
            }
        )
    return out


def _owner(who: Principal, org_id: int | None) -> tuple[int | None, int | None]:
    if who.api_key is not None:
        if org_id is not None and org_id != who.api_key.organisation_id:
            raise ValidationFailed("organisation_id", "orders.api_key_organisation")
        who.authorize_org(who.api_key.organisation_id, scope="orders:write")
        return None, who.api_key.organisation_id
    user = who.require_user()
    if org_id is not None and org_id not in who.roles:
        raise ValidationFailed("organisation_id", "orders.not_a_member")
    return user.id, org_id


def _request(order: Order, payer: Payer | None = None) -> PaymentRequest:
    return PaymentRequest(
        order_id=order.id,
        amount=order.amount,
        currency=order.currency,
        description=f"Diandian carbon neutrality {order.mass_g} g CO2e for {order.beneficiary}",
        idempotency_key=f"{order.id}:start",
        payer=payer or Payer(),
        expires_at=order.expires_at,
    )


def start_payment(
    s: Session,
    order: Order,
    provider: PaymentProvider,
    claim: idempotency.Claim | None = None,
    payer: Payer | None = None,
) -> Order:
    """Create the provider's payment once the order and its hold are committed (no lock is
    held while the provider is called), the idempotency claim noting the order so that a retry
    after a crash resumes it. Nothing to do for a sandbox payment (the request's one
    transaction stores its response with it)."""
    if provider.sandbox or order.status != S.awaiting_payment:
        return order
    payment = payment_of(s, order.id)
    if payment.reference is not None:
        return order
    idempotency.record_resource(s, claim, order.id)
    uow.step(s)
    try:
        started = provider.start(_request(order, payer))
    except ProviderError:
        settlement.close_unpaid(s, order.id, S.cancelled, reasons.PROVIDER_FAILED)
        uow.step(s)
        raise
    payment.reference, payment.client_secret = started.reference, started.client_secret
    payment.updated_at = utcnow()
    return order


def payment_of(s: Session, order_id: str) -> Payment:
    return s.scalars(select(Payment).where(Payment.order_id == order_id)).one()


def get(s: Session, who: Principal, order_id: str) -> Order:
    """An order for its owner, their organisation's admins (or API key) and operators; else 404."""
    if who.anonymous:
        raise Unauthenticated("orders.sign_in")
    order = s.get(Order, order_id)
    if order is None:
        raise NotFound("orders.no_such_order")
    who.authorize_owner(order.user_id, order.organisation_id, scope="orders:read")
    return order


@dataclass(frozen=True)
class PaymentView:
    """An order's payment, with what the customer needs to pay it now."""

    provider: str
    sandbox: bool
    status: str
    reference: str | None
    last_error: str
    instructions: dict[str, Any]


@dataclass(frozen=True)
class OrderView:
    """An order as the API shows it (OrderSchema): the order, its payment, its history."""

    order: Order
    payment: PaymentView
    events: Sequence[OrderEvent] | None = None


def views(
    s: Session,
    orders: Sequence[Order],
    rails: Mapping[str, PaymentProvider],
    *,
    history: bool = False,
    known: Sequence[Payment] = (),
) -> list[OrderView]:
    """The API's view of orders (their payments read in one query), with how to pay an unpaid
    one through its provider, while that provider is configured. `known` are payments as this
    transaction left them (changed through the ORM only), which need no second read."""
    payments = {p.order_id: p for p in known}
    ids = [o.id for o in orders if o.id not in payments]
    if ids:
        payments.update(
            (p.order_id, p) for p in s.scalars(select(Payment).where(Payment.order_id.in_(ids)))
        )
    out = []
    for order in orders:
        p = payments[order.id]
        provider = rails.get(p.provider)
        unpaid = order.status == S.awaiting_payment and provider is not None
        payment = PaymentView(
            provider=p.provider,
            sandbox=p.provider == "sandbox",
            status=p.status.value,
            reference=p.reference,
            last_error=p.last_error,
            instructions=provider.instructions(order.id, p.reference, p.client_secret)
            if unpaid and provider is not None
            else {},
        )
        out.append(OrderView(order, payment, events(s, order.id) if history else None))
    return out


@dataclass(frozen=True)
class OrderPage:
    items: list[OrderView]
    next_cursor: str | None


def view(
    s: Session,
    order: Order,
    rails: Mapping[str, PaymentProvider],
    *,
    history: bool = True,
    payment: Payment | None = None,
) -> OrderView:
    return views(s, [order], rails, history=history, known=[payment] if payment else ())[0]


class ProviderGone(Conflict):
    slug, title = "payment-provider-unavailable", "The order's payment provider is not configured"


def rail_of(s: Session, order_id: str, rails: Mapping[str, PaymentProvider]) -> PaymentProvider:
    """The provider an order's payment went through (409 if it is no longer configured)."""
    name = s.scalar(select(Payment.provider).where(Payment.order_id == order_id))
    if name is None:
        raise NotFound("orders.no_such_order")
    if name not in rails:
        raise ProviderGone("orders.provider_gone", params={"provider": name})
    return rails[name]


def events(s: Session, order_id: str) -> Sequence[OrderEvent]:
    return s.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
    ).all()


def listing(
    s: Session,
    who: Principal,
    *,
    organisation_id: int | None = None,
    status: OrderStatus | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[Order], str | None]:
    """My orders, or an organisation's (its admins, its API key, operators); newest first."""
    q = select(Order)
    if who.api_key is not None:
        who.authorize_org(who.api_key.organisation_id, scope="orders:read")
        q = q.where(Order.organisation_id == who.api_key.organisation_id)
    elif organisation_id is not None:
        who.authorize_org(organisation_id, roles=[Role.admin])
        q = q.where(Order.organisation_id == organisation_id)
    else:
        q = q.where(Order.user_id == who.require_user().id)
    if status is not None:
        q = q.where(Order.status == status)
    return cursors.newest_first(s, q, Order.created_at, Order.id, limit, cursor)


def cancel(s: Session, who: Principal, order_id: str, provider: PaymentProvider) -> Order:
    """Cancel an unpaid order and release its credits (again: no effect)."""
    order = get(s, who, order_id)
    _require_write(who)
    if order.status != S.cancelled:
        settlement.close_unpaid(s, order_id, S.cancelled, reasons.CANCELLED_BY_CUSTOMER)
        # if the provider cannot be reached, the reconciler stops the payment later
        with contextlib.suppress(ProviderError):
            settlement.stop_payment(s, provider, order_id)
    s.refresh(order)
    return order


def _require_write(who: Principal) -> None:
    if who.api_key is not None:
        who.authorize_org(who.api_key.organisation_id, scope="orders:write")


def abandon(s: Session, order_id: str) -> None:
    """Cancel an order whose payment was never started (its request died before that)."""
    if payment_of(s, order_id).reference is None:
        settlement.close_unpaid(s, order_id, S.cancelled, reasons.NEVER_STARTED)


def confirm_sandbox(
    s: Session, who: Principal, order_id: str, sandbox: PaymentProvider | None, *, succeed: bool
) -> Order:
    """Play the customer paying (when the sandbox is the payment rail): the order is paid, then
    retired at once, in one transaction (there is no remote money to record first)."""
    return confirmed(s, who, order_id, sandbox, succeed=succeed)[0]


def confirmed(
    s: Session, who: Principal, order_id: str, sandbox: PaymentProvider | None, *, succeed: bool
) -> tuple[Order, Payment]:
    """`confirm_sandbox`, with the payment as it left it (changed through the ORM only).

    The order and its payment are read once, locked, before the owner is checked (a caller who
    may not see the order gets the same 404 as for one that does not exist, and holds the row
    only for that answer)."""
    if sandbox is None or not sandbox.sandbox:
        raise SandboxDisabled("orders.sandbox_disabled")
    if who.anonymous:
        raise Unauthenticated("orders.sign_in")
    order, payment = settlement.lock(s, order_id)
    who.authorize_owner(order.user_id, order.organisation_id, scope="orders:read")
    _require_write(who)
    if order.status in (S.paid, S.retired):
        return order, payment
    if order.status != S.awaiting_payment:
        raise IllegalTransition(order.id, order.status, S.paid)
    if not succeed:
        payment.last_error, payment.updated_at = reasons.SANDBOX_DECLINED, utcnow()
        return order, payment
    settlement.pay_and_settle(s, (order, payment), sandbox)
    return order, payment  # kept in step by the transitions, no second read


def note_certificate(s: Session, order_id: str, number: str) -> None:
    """Record the number of the certificate issued for the order's retirement (and on the order
    this session holds, if it holds it)."""
    s.execute(update(Order).where(Order.id == order_id).values(certificate_number=number))
    held = s.identity_map.get(identity_key(Order, order_id))
    if held is not None:
        set_committed_value(held, "certificate_number", number)


def expire_due(s: Session, now: datetime | None = None, limit: int = 100) -> int:
    """Expire unpaid orders past their hold and release it; returns how many."""
    now = now or utcnow()
    due = s.scalars(
        select(Order.id)
        .where(Order.status == S.awaiting_payment, Order.expires_at <= now)
        .order_by(Order.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for order_id in due:
        try:
            with uow.savepoint(s):
                settlement.close_unpaid(s, order_id, S.expired, reasons.NOT_PAID_IN_TIME, now)
        except IllegalTransition:
            continue  # paid or cancelled meanwhile
    return len(due)
