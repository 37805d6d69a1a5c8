"""Consent (PIPL): what a person has agreed to, recording their answers, and refusing to act for
someone who has not accepted the texts in force.

- The 用户协议 and 隐私政策 (`REQUIRED`) are accepted before an account is made (sign-in sends
  the acceptance with the code), and again at each new version: until then the API answers
  403 `consent-required` to everything but reading and answering the texts, exporting one's
  data, deleting one's account and signing out (`consent_exempt` views).
- Sensitive personal information (`SENSITIVE`) gets a separate consent, asked and required
  where it is used: judicial records when ordering through a court's purchase link (courts),
  precise travel data when a partner reports a trip (points). Those may be withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts import legal
from backend.accounts.legal import REQUIRED, SENSITIVE, Document
from backend.accounts.models import Consent, User
from backend.core.clock import utcnow
from backend.core.db import among
from backend.core.errors import DomainError, ValidationFailed
from backend.core.messages import Coded

F = TypeVar("F", bound=Callable[..., Any])
EXEMPT = "_consent_exempt"
# A text's title in a message, by its code (the same words as the text's own title).
TITLES: dict[Document, str] = {
    Document.terms: "accounts.document.terms",
    Document.privacy: "accounts.document.privacy",
    Document.judicial: "accounts.document.judicial",
    Document.travel: "accounts.document.travel",
}


class ConsentRequired(DomainError):
    """403 naming each text to accept, with its version and title (the PWA shows them)."""

    status, slug, title = 403, "consent-required", "Your consent is needed"

    def __init__(self, code: str, documents: Sequence[Document]) -> None:
        super().__init__(
            code,
            params={"titles": [Coded(TITLES[d]) for d in documents]},
            documents=[
                {"document": d.value, "version": legal.version(d), "title": legal.text(d).title}
                for d in documents
            ],
        )


@dataclass(frozen=True)
class Acceptance:
    """A person's "I agree" to one version of one text."""

    document: Document
    version: str


@dataclass(frozen=True)
class Standing:
    """Where a person stands with one text: the version in force and their latest answer."""

    document: Document
    version: str
    answer: Consent | None

    @property
    def title(self) -> str:
        return legal.text(self.document).title

    @property
    def required(self) -> bool:
        return self.document in REQUIRED

    @property
    def sensitive(self) -> bool:
        return self.document in SENSITIVE

    @property
    def in_force(self) -> bool:
        """Accepted, at the version in force, and not withdrawn since."""
        a = self.answer
        return a is not None and a.accepted and a.version == self.version

    @property
    def answered_at(self) -> datetime | None:
        return self.answer.at if self.answer else None

    @property
    def accepted_version(self) -> str | None:
        return self.answer.version if self.answer and self.answer.accepted else None


def consent_exempt(view: F) -> F:
    """Mark a view that acts for a person who has not accepted the texts in force."""
    setattr(view, EXEMPT, True)
    return view


def _latest(s: Session, user_ids: Iterable[int], documents: Iterable[Document]) -> list[Consent]:
    newest = (
        select(func.max(Consent.id))
        .where(Consent.user_id.in_(list(user_ids)), Consent.document.in_(list(documents)))
        .group_by(Consent.user_id, Consent.document)
    )
    return list(s.scalars(select(Consent).where(Consent.id.in_(newest))))


def standing(s: Session, user: User) -> list[Standing]:
    """Every text, with the person's latest answer to it."""
    latest = {c.document: c for c in _latest(s, [user.id], Document)}
    return [Standing(d, legal.version(d), latest.get(d)) for d in Document]


def missing(s: Session, user_id: int, documents: Sequence[Document]) -> list[Document]:
    """Which of `documents` the person has not accepted in their version in force."""
    latest = {c.document: c for c in _latest(s, [user_id], documents)}
    return [d for d in documents if not Standing(d, legal.version(d), latest.get(d)).in_force]


def require(s: Session, user_id: int, *documents: Document) -> None:
    """403 `consent-required` unless the person's consent to each of `documents` is in force."""
    lacking = missing(s, user_id, documents)
    if lacking:
        raise ConsentRequired("accounts.consent_needed", lacking)


def holders(s: Session, user_ids: Iterable[int], document: Document) -> set[int]:
    """The people among `user_ids` whose consent to `document` is in force."""
    newest = (
        select(func.max(Consent.id))
        .where(among(s, Consent.user_id, set(user_ids)), Consent.document == document)
        .group_by(Consent.user_id)
    )
    in_force = select(Consent.user_id).where(
        Consent.id.in_(newest), Consent.accepted, Consent.version == legal.version(document)
    )
    return set(s.scalars(in_force))  # Core rows, not objects: a partner's batch names 1,000


def check_new_account(accept: Sequence[Acceptance]) -> None:
    """A new person must accept the texts in force before their account is made."""
    given = {(a.document, a.version) for a in accept}
    lacking = [d for d in REQUIRED if (d, legal.version(d)) not in given]
    if lacking:
        raise ConsentRequired("accounts.consent_new_account", lacking)


def accept(s: Session, user: User, answers: Sequence[Acceptance]) -> None:
    """Record each acceptance (one already in force is not recorded twice). An acceptance of
    a version no longer in force is refused, naming the version to read."""
    stale = [a.document for a in answers if a.version != legal.version(a.document)]
    if stale:
        raise ConsentRequired("accounts.consent_text_changed", stale)
    now = utcnow()
    lacking = set(missing(s, user.id, [a.document for a in answers]))
    for a in answers:
        if a.document in lacking:
            s.add(
                Consent(
                    user_id=user.id, document=a.document, version=a.version, accepted=True, at=now
                )
            )
            lacking.discard(a.document)
    s.flush()


def accept_current(s: Session, user: User, documents: Sequence[Document] = REQUIRED) -> None:
    """Accept the versions in force (accounts made by a command or the demo seed)."""
    accept(s, user, [Acceptance(d, legal.version(d)) for d in documents])


def withdraw(s: Session, user: User, document: Document) -> Standing:
    """Withdraw a separate consent; the terms and privacy policy end with the account."""
    if document not in SENSITIVE:
        raise ValidationFailed("document", "accounts.consent_not_withdrawable")
    latest = next(x for x in standing(s, user) if x.document == document).answer
    if latest is not None and latest.accepted:
        s.add(
            Consent(
                user_id=user.id,
                document=document,
                version=legal.version(document),
                accepted=False,
                at=utcnow(),
            )
        )
        s.flush()
    return next(x for x in standing(s, user) if x.document == document)
