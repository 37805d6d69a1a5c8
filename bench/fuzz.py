"""The long Schemathesis run: every operation of the served document, positive and negative data,
each check run on each response, then the neutralisation story state machine with two users.

Prints a table per check (operations it ran on, examples, failures) and exits 1 on any failure.
The CI version is tests/fuzz/test_schemathesis.py (a few examples per operation).

    .venv/bin/python bench/fuzz.py [--examples 200] [--scenarios 200]
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/diandian_bench_fuzz \
        .venv/bin/python bench/fuzz.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import schemathesis  # noqa: E402
from harness import database_url  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import CHECKS, load_all_checks  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402

from backend.accounts.models import OrgKind  # noqa: E402
from backend.app import create_app  # noqa: E402
from backend.core.migrate import upgrade  # noqa: E402
from tests import factories  # noqa: E402
from tests.fuzz.test_schemathesis import (  # noqa: E402
    CONFIG,
    OWNED_PARAMS,
    bearer,
    explicitly_documented_status,
    story_machine,
)


class Tally:
    def __init__(self) -> None:
        self.operations: dict[str, set[str]] = defaultdict(set)
        self.examples: dict[str, int] = defaultdict(int)
        self.failures: dict[str, int] = defaultdict(int)
        self.first: dict[str, str] = {}

    def record(self, check: str, operation: str, failure: str | None) -> None:
        self.operations[check].add(operation)
        self.examples[check] += 1
        if failure is not None:
            self.failures[check] += 1
            self.first.setdefault(check, f"{operation}: {failure}")


def validate_each(tally: Tally, case: Any, response: Any, headers: dict, app: Any) -> None:
    """Every check on its own, so a failure is counted against the check that found it."""
    checks = [*CHECKS.get_all(), explicitly_documented_status]
    for check in checks:
        name = getattr(check, "__name__", type(check).__name__)
        try:
            case.validate_response(
                response, checks=[check], headers=headers, transport_kwargs={"app": app}
            )
        except FailureGroup as exc:
            tally.record(name, case.operation.label, str(exc).splitlines()[0][:160])
        except AssertionError as exc:
            tally.record(name, case.operation.label, str(exc)[:160])
        else:
            tally.record(name, case.operation.label, None)


def fuzz_test(tally: Tally, app: Any, strategy: Any, headers: dict, examples: int) -> Any:
    """A Hypothesis test calling the app with each generated case and checking the response."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(app=app, headers=headers)
        validate_each(tally, case, response, headers, app)

    return run


class World:
    """The app on a fresh database, with a project in stock, two citizens and a company admin."""

    def __init__(self) -> None:
        tmp = Path(tempfile.mkdtemp(prefix="dd-fuzz-"))
        url = database_url(tmp)
        upgrade(url)
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(tmp),
                "PWA_DIST": str(tmp),
                "SECRET_KEY": "bench-fuzz",
                "RATELIMIT_ENABLED": False,
                "LOG_LEVEL": "CRITICAL",
            }
        )
        (tmp / "index.html").write_text("<!doctype html><title>点点</title>")
        self.client = self.app.test_client()
        with self.app.app_context():
            s = self.app.extensions["db"].sessionmaker()
            project = factories.project(s)
            self.stock = factories.Stock(project, factories.lot(s, project, 100_000, price=5000))
            a, b, admin = (factories.user(s, n) for n in ("市民甲", "市民乙", "企业管理员"))
            self.phones = {"a": a.phone, "b": b.phone, "admin": admin.phone}
            self.org_id = factories.organisation(s, OrgKind.company, admin=admin).id
            s.close()

    def sign_in_all(self) -> dict[str, Any]:
        """Fresh tokens: the fuzzed POST /auth/sign-out revokes the token it is called with."""
        return {
            **{who: factories.sign_in(self.client, phone) for who, phone in self.phones.items()},
            "org_id": self.org_id,
        }


def fuzz_operations(
    world: World, schema: Any, tally: Tally, examples: int, errors: list[str]
) -> tuple[int, list[str]]:
    """Every operation, positive and negative data: (operations, those with nothing to negate)."""
    app = world.app
    skipped: list[str] = []  # nothing to negate: no parameters, or unconstrained strings
    operations = [r.ok() for r in schema.get_all_operations()]
    for operation in operations:
        people = world.sign_in_all()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            owner = "admin" if "{org_id}" in operation.path else "a"
            headers = bearer(people[owner])
            fixed = {"org_id": people["org_id"]} if owner == "admin" else None

            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)
            run = fuzz_test(tally, app, strategy, headers, examples)
            try:
                run()
            except Unsatisfiable:
                skipped.append(f"{operation.label} ({mode.value})")
            except Exception as exc:  # a generation error is a finding too
                errors.append(f"{operation.label} ({mode.value}): {exc!r}"[:200])
        print(f"  {operation.label}", file=sys.stderr)
    return len(operations), skipped


def two_users(world: World, tally: Tally, story: dict[str, int], statuses: dict[str, int]) -> type:
    """The story state machine for A, each of A's objects it reaches asked for again by B."""
    app = world.app
    people = world.sign_in_all()
    base = story_machine(app, world.stock)

    class TwoUsers(base):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"app": app, "headers": bearer(people["a"])}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            validate_each(tally, case, response, kwargs["headers"], app)

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            story["steps"] += 1
            statuses[f"{case.method} {case.path} {response.status_code}"] += 1
            if case.path.endswith("/confirm") and response.status_code == 200:
                story["retired"] += response.json().get("status") == "retired"
            if OWNED_PARAMS & set(case.path_parameters or {}) and response.status_code < 300:
                other = case.call(app=app, headers=bearer(people["b"]))
                story["cross_user"] += 1
                story["cross_user_failures"] += other.status_code != 404

    return TwoUsers


def run_story(machine: type, scenarios: int, errors: list[str]) -> None:
    # Short independent runs: the database keeps what earlier scenarios made, and in one long
    # run Hypothesis eventually meets a choice prefix that now leads elsewhere and stops with
    # "flaky precondition or empty bundle" (a property of the harness, not of the API).
    for _ in range(max(1, scenarios // 10)):
        try:
            machine.run(  # type: ignore[attr-defined]
                settings=settings(
                    max_examples=10,
                    stateful_step_count=10,
                    deadline=None,
                    database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
            )
        except Exception:
            errors.append("state machine: " + traceback.format_exc().splitlines()[-1][:200])


def report(tally: Tally, story: dict[str, int], statuses: dict[str, int]) -> None:
    print("\n| check | operations | examples | failures |\n| --- | ---: | ---: | ---: |")
    for name in sorted(tally.examples):
        print(
            f"| {name} | {len(tally.operations[name])} | {tally.examples[name]} "
            f"| {tally.failures[name]} |"
        )
    print(
        f"\nstory: {story['steps']} steps, {story['retired']} orders retired, "
        f"{story['cross_user']} of A's objects requested by B, "
        f"{story['cross_user_failures']} not 404"
    )
    print("story responses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=200, help="per operation and mode")
    parser.add_argument("--scenarios", type=int, default=200, help="state machine scenarios")
    args = parser.parse_args()

    world = World()
    load_all_checks()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world.app, config=CONFIG)
    tally = Tally()
    errors: list[str] = []
    started = time.perf_counter()
    n_operations, skipped = fuzz_operations(world, schema, tally, args.examples, errors)
    fuzz_seconds = time.perf_counter() - started

    # The story: footprint → order → confirm → certificate for A; B gets 404 on A's objects.
    story = {"steps": 0, "cross_user": 0, "cross_user_failures": 0, "retired": 0}
    statuses: dict[str, int] = defaultdict(int)
    machine = two_users(world, tally, story, statuses)
    started = time.perf_counter()
    run_story(machine, args.scenarios, errors)
    story_seconds = time.perf_counter() - started

    print(
        f"\n{n_operations} operations, {args.examples} examples per operation and mode, "
        f"{fuzz_seconds:.0f} s; state machine {args.scenarios} scenarios, {story_seconds:.0f} s"
    )
    report(tally, story, statuses)
    print(f"no negative data possible for {len(skipped)}: " + ", ".join(skipped))
    for name, first in sorted(tally.first.items()):
        print(f"FAIL {name}: {first}")
    for error in errors:
        print(f"ERROR {error}")
    failed = sum(tally.failures.values()) + story["cross_user_failures"] + len(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
