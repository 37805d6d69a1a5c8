"""A merchant of the sponsor honours a redemption code, once: `reward_honours` is UNIQUE on the
redemption and append-only, so of two merchants racing on one code exactly one succeeds; the
other (and anyone after) gets 409 with the first honour's time. Only the sponsor's own members
(and operators) can look a code up or honour it; other sponsors' codes do not exist for them.
Every refused honour is recorded (`reward_code_refusals`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import Conflict, DomainError, NotFound
from backend.points.models import CodeRefusal, Honour, Reward, RewardRedemption
from backend.points.rewards import normalise_code

HONOURS = cast(Table, Honour.__table__)


class AlreadyHonoured(Conflict):
    slug, title = "already-honoured", "This code was already honoured"


@dataclass(frozen=True)
class CodeView:
    """What a merchant sees of a code before honouring it: the item, never the person."""

    code: str
    reward_id: str
    title_zh: str
    title_en: str
    points: int
    redeemed_at: datetime
    honoured_at: datetime | None


def _find(s: Session, sponsor_id: int, code: str) -> RewardRedemption:
    found = s.scalar(
        select(RewardRedemption).where(
            RewardRedemption.code == normalise_code(code),
            RewardRedemption.sponsor_id == sponsor_id,
        )
    )
    if found is None:
        raise NotFound("points.unknown_code")
    return found


def _honoured_at(s: Session, redemption_id: str) -> datetime | None:
    return s.scalar(select(HONOURS.c.honoured_at).where(HONOURS.c.redemption_id == redemption_id))


def look_up(s: Session, sponsor_id: int, code: str) -> CodeView:
    red = _find(s, sponsor_id, code)
    reward = s.get_one(Reward, red.reward_id)
    return CodeView(
        code=red.code or "",
        reward_id=reward.id,
        title_zh=reward.title_zh,
        title_en=reward.title_en,
        points=red.points,
        redeemed_at=red.created_at,
        honoured_at=_honoured_at(s, red.id),
    )


def honour_recorded(s: Session, sponsor_id: int, code: str, by_user_id: int) -> CodeView:
    """`honour`, for a request: a refusal (an unknown code, another sponsor's, one already
    honoured) is recorded with who tried which code and why, and raised; the attempt is rolled
    back and the record committed on its own."""
    try:
        return honour(s, sponsor_id, code, by_user_id)
    except DomainError as refusal:
        uow.abandon(s)
        s.add(
            CodeRefusal(
                sponsor_id=sponsor_id,
                actor_id=by_user_id,
                code=normalise_code(code)[:40],
                reason=refusal.slug,
                message=refusal.code,
                at=utcnow(),
            )
        )
        uow.step(s)
        raise


def honour(s: Session, sponsor_id: int, code: str, by_user_id: int) -> CodeView:
    """Honour the code for its sponsor, once ever; 409 `already-honoured` with the first time."""
    red = _find(s, sponsor_id, code)
    now = utcnow()
    row = s.execute(
        upsert(s, HONOURS)
        .values(
            redemption_id=red.id, sponsor_id=sponsor_id, honoured_by_id=by_user_id, honoured_at=now
        )
        .on_conflict_do_nothing(index_elements=["redemption_id"])
        .returning(HONOURS.c.id)
    ).first()
    if row is None:
        first = _honoured_at(s, red.id)
        assert first is not None  # noqa: S101 - the conflict means a row exists
        raise AlreadyHonoured(
            "points.already_honoured",
            params={"at": first.isoformat()},
            honoured_at=first.isoformat(),
        )
    return look_up(s, sponsor_id, code)
