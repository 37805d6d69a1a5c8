"""Sign-in codes under concurrent use: the database, not Python, bounds attempts and use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.accounts import services
from backend.accounts.models import SignInCode, User
from backend.accounts.sms import SandboxSms
from backend.core import uow
from backend.core.errors import DomainError
from tests.factories import new_phone

CFG = services.AuthSettings(secret_key="concurrency", sandbox=True)
THREADS = 12


def _race(factory: sessionmaker[Session], fn: Callable[[Session], Any]) -> list[Any]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def run(i: int) -> None:
        with factory() as s:
            barrier.wait()
            try:
                with uow.transaction(s):  # what the request does around the service
                    results[i] = fn(s)
            except DomainError as exc:
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_code_signs_in_exactly_once(committing):
    phone = new_phone()
    with committing() as s, uow.transaction(s):
        code = services.request_code(s, CFG, SandboxSms(), phone).code
    results = _race(committing, lambda s: services.sign_in(s, CFG, phone, code))
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
