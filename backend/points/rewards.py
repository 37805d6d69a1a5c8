"""The rewards catalogue and redeeming points for an item.

A redemption is one transaction: the item's stock goes down by one (a conditional UPDATE; the
CHECK keeps it from going below zero), the points move wallet -> redeemed, and the citizen gets
a random redemption code (UNIQUE) for a merchant to honour. An offset instead takes its grams
from the sponsor's funded credits of its project (never below zero) and retires them through
the wallet's redemption, with a personal certificate of exactly those grams.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session, joinedload

from backend.accounts.models import User
from backend.certificates.issuing import Issuer
from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.credits import inventory
from backend.idempotency import store as idempotency
from backend.points import ledger, sponsors, wallet
from backend.points.methodology import Methodology
from backend.points.models import (
    Reward,
    RewardKind,
    RewardRedemption,
    Sponsor,
    SponsorCredits,
    TransferKind,
)

REWARDS = cast(Table, Reward.__table__)
CREDITS = cast(Table, SponsorCredits.__table__)
# Crockford's base32: no I, L, O or U, so a code read aloud or typed is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 random bits
STATUSES = ("upcoming", "on_offer", "ended")
TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class OutOfStock(Conflict):
    slug, title = "out-of-stock", "This reward is out of stock"


class NotOnOffer(Conflict):
    slug, title = "not-on-offer", "This reward is not on offer now"


@dataclass(frozen=True)
class NewReward:
    kind: RewardKind
    title_zh: str
    title_en: str
    price_points: int
    stock: int
    valid_from: datetime
    valid_until: datetime
    project_id: int | None = None  # offsets: the sponsor's credits they retire


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A code as typed or scanned: case, spaces and dashes do not matter, nor O/0 and I/L/1."""
    return "".join(c for c in typed.upper().translate(TYPOS) if c.isalnum())


def create(s: Session, sponsor_id: int, new: NewReward) -> Reward:
    """Add an item to a sponsor's catalogue; an offset must name a project it funded."""
    sponsors.get(s, sponsor_id)
    if new.valid_until <= new.valid_from:
        raise ValidationFailed("valid_until", "points.valid_until_after_from")
    if (new.kind == RewardKind.offset) != (new.project_id is not None):
        raise ValidationFailed("project_id", "points.offset_needs_project")
    if new.project_id is not None and s.get(SponsorCredits, (sponsor_id, new.project_id)) is None:
        raise ValidationFailed("project_id", "points.offset_not_funded")
    reward = Reward(id=random_id("rwd_"), sponsor_id=sponsor_id, created_at=utcnow(), **vars(new))
    s.add(reward)
    s.flush()
    return reward


def catalogue(s: Session, now: datetime | None = None) -> list[Reward]:
    """Every item on offer now, out of stock included (so the app can say so), cheapest first."""
    now = now or utcnow()
    return list(
        s.scalars(
            select(Reward)
            .options(joinedload(Reward.sponsor).joinedload(Sponsor.organisation))
            .where(Reward.valid_from <= now, Reward.valid_until > now)
            .order_by(Reward.price_points, Reward.id)
        )
    )


def of_sponsor(s: Session, sponsor_id: int) -> list[Reward]:
    """Every item the sponsor ever offered, ended ones included, newest first."""
    sponsors.get(s, sponsor_id)
    return list(
        s.scalars(
            select(Reward)
            .options(joinedload(Reward.sponsor).joinedload(Sponsor.organisation))
            .where(Reward.sponsor_id == sponsor_id)
            .order_by(Reward.created_at.desc(), Reward.id)
        )
    )


def get(s: Session, reward_id: str) -> Reward:
    reward = s.get(Reward, reward_id)
    if reward is None:
        raise NotFound("points.no_such_reward")
    return reward


def status(reward: Reward, now: datetime | None = None) -> str:
    """`upcoming`, `on_offer` or `ended`, as the catalogue would show it now."""
    now = now or utcnow()
    if now >= reward.valid_until:
        return "ended"
    return "upcoming" if now < reward.valid_from else "on_offer"


def withdraw(s: Session, reward: Reward) -> Reward:
    """End the offer now, for good (an item not yet on offer never will be); codes already
    given out stay good to honour. Withdrawing an ended item changes nothing."""
    now = utcnow()
    if reward.valid_until > now:
        reward.valid_from = min(reward.valid_from, now - timedelta(seconds=1))
        reward.valid_until = now
        s.flush()
    return reward


def mine(s: Session, user_id: int) -> list[RewardRedemption]:
    """A person's redemptions, newest first."""
    return list(
        s.scalars(
            select(RewardRedemption)
            .where(RewardRedemption.user_id == user_id)
            .order_by(RewardRedemption.created_at.desc(), RewardRedemption.id.desc())
        )
    )


def redeem(
    s: Session,
    user: User,
    reward_id: str,
    issuer: Issuer,
    m: Methodology,
    *,
    claim: idempotency.Claim | None = None,
) -> RewardRedemption:
    """Spend the item's price on one of it, in the caller's transaction (all or nothing)."""
    if claim is not None and claim.resource_id is not None:
        return s.get_one(RewardRedemption, claim.resource_id)
    reward = get(s, reward_id)
    now = utcnow()
    if not reward.valid_from <= now < reward.valid_until:
        raise NotOnOffer("points.not_on_offer")
    taken = s.execute(
        update(REWARDS)
        .where(REWARDS.c.id == reward.id, REWARDS.c.stock >= 1)
        .values(stock=REWARDS.c.stock - 1)
        .returning(REWARDS.c.id)
    ).first()
    if taken is None:
        raise OutOfStock("points.out_of_stock")
    rid, price = random_id("rr_"), reward.price_points
    row = RewardRedemption(
        id=rid, reward_id=reward.id, sponsor_id=reward.sponsor_id, user_id=user.id, points=price
    )
    if reward.project_id is not None:
        row.certificate_number = _offset(s, user, reward, issuer, m)
    else:
        ledger.transfer(s, TransferKind.redeem, user.id, price, reference=rid)
        row.code = new_code()
    row.created_at = now
    s.add(row)
    idempotency.record_resource(s, claim, rid)
    s.flush()
    return row


def _offset(s: Session, user: User, reward: Reward, issuer: Issuer, m: Methodology) -> str:
    """Take the grams from the sponsor's credits, then retire them with a certificate."""
    assert reward.project_id is not None  # noqa: S101 - the caller checks
    grams = reward.price_points * m.point_grams
    left = s.execute(
        update(CREDITS)
        .where(
            CREDITS.c.sponsor_id == reward.sponsor_id,
            CREDITS.c.project_id == reward.project_id,
            CREDITS.c.left_g >= grams,
        )
        .values(left_g=CREDITS.c.left_g - grams)
        .returning(CREDITS.c.left_g)
    ).first()
    if left is None:
        raise OutOfStock("points.sponsor_credits_spent")
    request = wallet.RedemptionRequest(points=reward.price_points, mass_g=grams)
    held = inventory.draw(
        s, sponsors.holder(reward.sponsor_id), reward.project_id, grams, reference=reward.id
    )
    return wallet.redeem(s, user, issuer, m, request, held=held).certificate_number
