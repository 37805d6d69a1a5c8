"""Managing an organisation's webhook endpoints: register, change, rotate the secret, delete,
and look at (or redo) deliveries. Organisation admins, the organisation's API keys with the
`webhooks:manage` scope, and operators; everyone else sees 404."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from backend.accounts.models import Role
from backend.accounts.principal import Principal
from backend.core import cursors, secretbox
from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from backend.partners.webhooks import delivery, targets
from backend.partners.webhooks.events import EVENT_TYPES
from backend.partners.webhooks.models import WebhookDelivery, WebhookEndpoint

SCOPE = "webhooks:manage"
MAX_ENDPOINTS = 16  # per organisation
LOGGED = (selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.log))


@dataclass(frozen=True)
class NewEndpoint:
    url: str
    events: list[str]
    description: str = ""
    organisation_id: int | None = None  # needed only when the caller has several


@dataclass(frozen=True)
class Changes:
    """What to change in an endpoint; None leaves it as it is."""

    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class WithSecret:
    """An endpoint and its signing secret, shown only when it is made."""

    endpoint: WebhookEndpoint
    secret: str


@dataclass(frozen=True)
class Endpoints:
    items: list[WebhookEndpoint]


@dataclass(frozen=True)
class Deliveries:
    """A page of an endpoint's deliveries, newest first."""

    items: list[WebhookDelivery] = field(default_factory=list)
    next_cursor: str | None = None


class TooManyEndpoints(Conflict):
    slug, title = "too-many-endpoints", "The organisation has as many endpoints as it may"


def _authorize(who: Principal, organisation_id: int) -> None:
    if who.anonymous:
        raise Unauthenticated("accounts.sign_in_or_api_key")
    who.authorize_owner(None, organisation_id, scope=SCOPE)


def _organisation(who: Principal, requested: int | None) -> int:
    """The organisation a new endpoint belongs to: the one named, the API key's, or the only
    one the user administers."""
    if who.anonymous:
        raise Unauthenticated("accounts.sign_in_or_api_key")
    org = requested
    if org is None and who.api_key is not None:
        org = who.api_key.organisation_id
    if org is None and not who.operator:
        administered = [o for o, roles in who.roles.items() if Role.admin in roles]
        if len(administered) == 1:
            org = administered[0]
    if org is None:
        raise ValidationFailed("organisation_id", "partners.webhooks.name_organisation")
    _authorize(who, org)
    return org


def _events(names: list[str]) -> list[str]:
    """The subscribed types, deduplicated, in the documented order."""
    return [t for t in EVENT_TYPES if t in names]


def _new_secret(secret_key: str) -> tuple[str, str]:
    secret = "whsec_" + secrets.token_urlsafe(32)
    return secret, secretbox.seal(secret_key, delivery.SEAL_PURPOSE, secret)


def create(s: Session, who: Principal, new: NewEndpoint, settings: delivery.Settings) -> WithSecret:
    """Register an endpoint; its signing secret is returned this once."""
    org = _organisation(who, new.organisation_id)
    url = targets.vet(new.url, settings.allow_private, settings.timeout_s)
    secret, sealed = _new_secret(settings.secret_key)
    count = s.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == org)
    )
    if count is not None and count >= MAX_ENDPOINTS:
        raise TooManyEndpoints("partners.webhooks.too_many", params={"max": MAX_ENDPOINTS})
    now = utcnow()
    endpoint = WebhookEndpoint(
        id=random_id("we_"),
        organisation_id=org,
        url=url,
        events=_events(new.events),
        description=new.description,
        enabled=True,
        secret_sealed=sealed,
        created_at=now,
        updated_at=now,
    )
    s.add(endpoint)
    s.flush()
    return WithSecret(endpoint, secret)


def get(s: Session, who: Principal, endpoint_id: str) -> WebhookEndpoint:
    """An endpoint its organisation may manage; 404 for everyone else."""
    if who.anonymous:
        raise Unauthenticated("accounts.sign_in_or_api_key")
    endpoint = s.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("partners.webhooks.no_endpoint")
    _authorize(who, endpoint.organisation_id)
    return endpoint


def listing(s: Session, who: Principal, organisation_id: int | None) -> Endpoints:
    """The endpoints of one organisation, or of every organisation the user administers."""
    if who.anonymous:
        raise Unauthenticated("accounts.sign_in_or_api_key")
    if organisation_id is None and who.api_key is not None:
        organisation_id = who.api_key.organisation_id
    if organisation_id is not None:
        _authorize(who, organisation_id)
        orgs = [organisation_id]
    elif who.operator:
        raise ValidationFailed("organisation_id", "partners.webhooks.operators_name")
    else:
        orgs = [o for o, roles in who.roles.items() if Role.admin in roles]
    return Endpoints(
        list(
            s.scalars(
                select(WebhookEndpoint)
                .where(WebhookEndpoint.organisation_id.in_(orgs))
                .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
            )
        )
    )


def update(
    s: Session,
    who: Principal,
    endpoint_id: str,
    changes: Changes,
    settings: delivery.Settings,
) -> WebhookEndpoint:
    """Change the URL, the events, the description or whether it is enabled."""
    endpoint = get(s, who, endpoint_id)
    if changes.url is not None:
        endpoint.url = targets.vet(changes.url, settings.allow_private, settings.timeout_s)
    if changes.events is not None:
        endpoint.events = _events(changes.events)
    if changes.description is not None:
        endpoint.description = changes.description
    if changes.enabled is not None:
        endpoint.enabled = changes.enabled
    endpoint.updated_at = utcnow()
    s.flush()
    return endpoint


def delete(s: Session, who: Principal, endpoint_id: str) -> None:
    """Remove an endpoint with its deliveries; its pending retries stop."""
    s.delete(get(s, who, endpoint_id))
    s.flush()


def rotate(
    s: Session,
    who: Principal,
    endpoint_id: str,
    previous_valid_hours: int,
    settings: delivery.Settings,
) -> WithSecret:
    """A new signing secret, returned this once; the current one keeps signing beside it for
    `previous_valid_hours` (0: revoked now). A secret rotated out earlier is dropped."""
    endpoint = get(s, who, endpoint_id)
    secret, sealed = _new_secret(settings.secret_key)
    now = utcnow()
    if previous_valid_hours > 0:
        endpoint.previous_secret_sealed = endpoint.secret_sealed
        endpoint.previous_secret_expires_at = now + timedelta(hours=previous_valid_hours)
    else:
        endpoint.previous_secret_sealed = endpoint.previous_secret_expires_at = None
    endpoint.secret_sealed, endpoint.updated_at = sealed, now
    s.flush()
    return WithSecret(endpoint, secret)


def deliveries(
    s: Session, who: Principal, endpoint_id: str, limit: int, cursor: str | None
) -> Deliveries:
    """The endpoint's deliveries, newest first, each with its attempts."""
    get(s, who, endpoint_id)
    q = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id).options(*LOGGED)
    rows, following = cursors.newest_first(
        s, q, WebhookDelivery.created_at, WebhookDelivery.id, limit, cursor
    )
    return Deliveries(rows, following)


def redeliver(s: Session, who: Principal, endpoint_id: str, delivery_id: str) -> WebhookDelivery:
    """Queue one more attempt, made soon by the worker and logged as manual; a 2xx marks the
    delivery succeeded. Nothing is sent inside the request."""
    get(s, who, endpoint_id)
    found = s.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).options(*LOGGED)
    )
    if found is None or found.endpoint_id != endpoint_id:
        raise NotFound("partners.webhooks.no_delivery")
    delivery.request_manual(s, delivery_id)
    return found
