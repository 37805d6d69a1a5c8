"""Announcements (公告) of the exchange: operators publish them, in Chinese and English, and
withdraw them; anyone reads those in force, newest first. A withdrawn one is kept, hidden."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.principal import Principal
from backend.core.errors import Conflict, NotFound
from backend.market.models import Announcement

PAGE = 100


@dataclass(frozen=True)
class NewAnnouncement:
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


def in_force(s: Session) -> list[Announcement]:
    """The latest `PAGE` not withdrawn, newest first."""
    return list(
        s.scalars(
            select(Announcement)
            .where(Announcement.withdrawn_at.is_(None))
            .order_by(Announcement.published_at.desc(), Announcement.id.desc())
            .limit(PAGE)
        )
    )


def publish(s: Session, who: Principal, new: NewAnnouncement, now: datetime) -> Announcement:
    user = who.require_operator()
    a = Announcement(
        title_zh=new.title_zh,
        title_en=new.title_en,
        body_zh=new.body_zh,
        body_en=new.body_en,
        published_at=now,
        by_id=user.id,
    )
    s.add(a)
    s.flush()
    return a


def withdraw(s: Session, who: Principal, announcement_id: int, now: datetime) -> Announcement:
    """Withdraw it (409 if it is already): it is no longer shown."""
    user = who.require_operator()
    a = s.get(Announcement, announcement_id, with_for_update=True)
    if a is None:
        raise NotFound("market.no_such_announcement")
    if a.withdrawn_at is not None:
        raise Conflict("market.announcement_withdrawn")
    a.withdrawn_at, a.withdrawn_by_id = max(now, a.published_at), user.id
    s.flush()
    return a
