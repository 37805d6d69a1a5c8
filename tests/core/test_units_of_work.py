"""Who owns the transaction: the route, command or job through `core/uow.py`, never a service.

The rules (docs/architecture.md, "Units of work"), checked on the source:
- `commit()` and `rollback()` are called only in `core/uow.py`;
- a module that marks transaction boundaries (`uow.step`, `uow.abandon`) has a row in the
  architecture page's table of multi-transaction use cases, and every row names such a module.
And on the running app: a request is one unit of work, rolled back whole when it fails.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.core import uow
from backend.core.db import session
from backend.core.jobs.models import Job

ROOT = Path(__file__).resolve().parents[2]
BACKEND = ROOT / "backend"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
OWNER = BACKEND / "core" / "uow.py"


def _calls(path: Path) -> list[tuple[str, str]]:
    """(receiver, method) of every call `x.commit()`, `x.rollback()`, `uow.step()`, ..."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            name = receiver.id if isinstance(receiver, ast.Name) else ""
            out.append((name, node.func.attr))
    return out


def _modules() -> list[tuple[str, Path]]:
    return [
        (str(p.relative_to(BACKEND)), p)
        for p in sorted(BACKEND.rglob("*.py"))
        if "migrations" not in p.parts
    ]


def test_only_the_unit_of_work_commits_or_rolls_back():
    offenders = sorted(
        rel
        for rel, path in _modules()
        if path != OWNER and any(method in {"commit", "rollback"} for _, method in _calls(path))
    )
    assert offenders == [], f"commit/rollback outside core/uow.py: {offenders}"


def _documented_steps() -> set[str]:
    text = ARCHITECTURE.read_text()
    section = text.split("### Use cases with more than one transaction", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([\w/]+\.py)` \|", section, flags=re.MULTILINE))


def test_every_multi_transaction_use_case_is_documented_and_every_row_is_real():
    stepping = {
        rel
        for rel, path in _modules()
        if any(r == "uow" and m in {"step", "abandon"} for r, m in _calls(path))
    }
    documented = _documented_steps()
    assert stepping - documented == set(), "add these to docs/architecture.md"
    assert documented - stepping == set(), "these rows name modules that no longer step"


def test_a_request_that_fails_leaves_nothing_behind(app: Flask, db_session):
    """A view that writes, then raises: its write is rolled back with it."""
    before = db_session.scalar(select(func.count()).select_from(Job))

    def writes_then_fails() -> None:
        session().add(Job(kind="test", ref="half-written", max_attempts=1))
        session().flush()
        raise RuntimeError("the use case failed after writing")

    view = uow.in_transaction(writes_then_fails)
    with app.test_request_context("/", method="POST"), pytest.raises(RuntimeError):
        view()
    assert db_session.scalar(select(func.count()).select_from(Job)) == before


def test_a_request_that_succeeds_is_committed(app: Flask, db_session):
    def writes() -> str:
        session().add(Job(kind="test", ref="whole", max_attempts=1))
        return "ok"

    with app.test_request_context("/", method="POST"):
        assert uow.in_transaction(writes)() == "ok"
    assert db_session.scalar(select(Job.ref).where(Job.kind == "test")) == "whole"
