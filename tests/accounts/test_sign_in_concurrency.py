"""Sign-in codes under concurrent use: the database, not Python, bounds attempts and use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.accounts import legal, services
from backend.accounts.consent import Acceptance
from backend.accounts.models import SignInCode, User
from backend.accounts.sms import SandboxSms
from backend.core import uow
from tests.concurrency import together
from tests.factories import new_phone

CFG = services.AuthSettings(secret_key="concurrency", sandbox=True)
THREADS = 12


def _race(factory: sessionmaker[Session], fn: Callable[[Session], Any]) -> list[Any]:
    """`fn` in THREADS sessions at once, each in a unit of work as a request would run it."""

    def run(_i: int) -> Any:
        with factory() as s, uow.transaction(s):
            return fn(s)

    return together(THREADS, run)


def test_a_code_signs_in_exactly_once(committing):
    phone = new_phone()
    with committing() as s, uow.transaction(s):
        code = services.request_code(s, CFG, SandboxSms(), phone).code
    terms = [Acceptance(d, legal.version(d)) for d in legal.REQUIRED]  # a new account
    results = _race(committing, lambda s: services.sign_in(s, CFG, phone, code, terms))
    tokens = [r for r in results if isinstance(r, services.IssuedToken)]
    assert len(tokens) == 1
    with committing() as s:
        assert s.scalar(select(User).where(User.phone == phone)) is not None


def test_concurrent_guesses_never_exceed_the_limit(committing):
    phone = new_phone()
    with committing() as s, uow.transaction(s):
        code = services.request_code(s, CFG, SandboxSms(), phone).code
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    results = _race(committing, lambda s: services.sign_in(s, CFG, phone, wrong))
    reasons = sorted(r.extra.get("reason") for r in results)
    assert reasons.count("wrong") == CFG.max_attempts
    assert reasons.count("locked") == THREADS - CFG.max_attempts
    with committing() as s:
        stored = s.scalars(select(SignInCode).where(SignInCode.phone == phone)).one()
        assert stored.attempts == CFG.max_attempts
