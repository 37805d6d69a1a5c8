"""Schemathesis against the served OpenAPI document, in-process through the WSGI app.

Every operation is fuzzed with positive and negative data and checked with every Schemathesis
check (server errors, status codes, content types, response schemas and headers, negative data
rejected, positive data accepted, missing auth, unsupported methods, Allow headers). Then a state
machine follows the document's links (footprint → order → confirm → certificate) for user A, and
replays every order request as user B, who must get 404.

Bounded for CI: FUZZ_EXAMPLES examples per operation (default 10), FUZZ_STEPS state-machine
scenarios (default 15), derandomized so a failure reproduces. `bench/fuzz.py` is the long run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind
from backend.app import create_app
from backend.web.limiter import limiter
from tests import factories

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
STEPS = int(os.environ.get("FUZZ_STEPS", "15"))

# Schemathesis' positive_data_acceptance expects schema-valid data to be accepted. 422 is this
# API's answer to data that is schema-valid but semantically wrong, which JSON Schema cannot say:
# ids that name nothing ("No such court"), cursors the API did not mint, cross-field rules
# (vintage_from <= vintage_to, "exactly one of footprint_id, mass_g or amount"), and text with
# control characters. Any other 4xx (400, 405, 415...) for schema-valid data still fails.
POSITIVE_OK = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_OK}}}
)


def served_document_app() -> Flask:
    """An app that only serves the document (no database touched): the same create_app as the
    app under test, so the same document (tests/contract checks it is the committed one).

    The schema is loaded at import because Schemathesis' `from_fixture` does not run on pytest
    9.2 (it reads `request.node._nodeid`); calls go to the test's `app` fixture instead."""
    tmp = tempfile.mkdtemp(prefix="fuzz-doc-")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/unused.sqlite3",
            "INSTANCE_PATH": tmp,
            "SECRET_KEY": "fuzz-document",
            "TESTING": True,
            "LOG_LEVEL": "WARNING",
        }
    )


schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", served_document_app(), config=CONFIG
)

# Signed partner callbacks: a fuzzed call cannot carry a valid signature, so it is rejected; the
# rejection must be a status the operation lists explicitly, not only the `default` response.
SIGNED = {
    "POST /api/v1/payments/stripe/webhook",
    "POST /api/v1/points/actions",
    "POST /api/v1/points/actions/reversals",
    "GET /api/v1/partners/wechat/{account}",
    "POST /api/v1/partners/wechat/{account}",
}


def explicitly_documented_status(ctx: Any, response: Any, case: Any) -> bool | None:
    """For signed operations: the status is one of the operation's listed responses."""
    if case.operation.label not in SIGNED or case.method.upper() != case.operation.method.upper():
        return None  # another operation, or a probe with a method the path does not have
    listed = {str(code) for code in case.operation.definition.raw.get("responses", {})}
    status = response.status_code
    if status == 401 and case.operation.definition.raw.get("security"):
        return True  # the operation's `security` says a missing or bad credential is a 401
    if str(status) not in listed and f"{str(status)[0]}XX" not in listed:
        raise AssertionError(
            f"{case.operation.label} answered {status}, which it does not list "
            f"(listed: {sorted(listed)})"
        )
    return True


@pytest.fixture
def people(client: FlaskClient, db_session: Session, stock: factories.Stock) -> Iterator[dict]:
    """Citizens A and B (signed in) and the admin of a company, with stock to buy from.

    Rate limits are off while fuzzing (their own tests prove them): otherwise most examples of
    the sign-in operations would only see 429."""
    a = factories.user(db_session, "市民甲")
    b = factories.user(db_session, "市民乙")
    admin = factories.user(db_session, "企业管理员")
    org = factories.organisation(db_session, OrgKind.company, admin=admin)
    out = {
        "a": factories.sign_in(client, a.phone),
        "b": factories.sign_in(client, b.phone),
        "admin": factories.sign_in(client, admin.phone),
        "org_id": org.id,
    }
    limiter.enabled = False
    try:
        yield out
    finally:
        limiter.enabled = True


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _path_is_positive(case: Any) -> bool:
    component = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    return component is None or component.mode == GenerationMode.POSITIVE


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation(case: Any, app: Flask, people: dict) -> None:
    token = people["a"]
    if "org_id" in (case.path_parameters or {}):
        # Organisation operations as that organisation's admin, on its own id (a random id is a
        # plain 404); a negative path example keeps its generated value.
        token = people["admin"]
        if _path_is_positive(case):
            case.path_parameters["org_id"] = people["org_id"]
    case.call_and_validate(
        app=app, headers=bearer(token), additional_checks=[explicitly_documented_status]
    )


# --- stateful: the links from a footprint to its certificate ---------------------------------

STORY = r"^/api/v1/(footprints|orders|certificates)(/|$)"
# Path parameters naming what user A owns (certificates are public by design).
OWNED_PARAMS = {"order_id", "footprint_id"}


def test_neutralisation_links_are_in_the_document() -> None:
    links = schema.raw_schema["paths"]["/api/v1/footprints"]["post"]["responses"]["201"]["links"]
    assert links["OrderFootprint"]["requestBody"]["footprint_id"] == "$response.body#/id"
    confirm = schema.raw_schema["paths"]["/api/v1/orders/{order_id}/confirm"]["post"]
    assert "GetCertificate" in confirm["responses"]["200"]["links"]


# A story needs a first object: random bodies rarely make a footprint or an order the stock can
# fill, so a positive POST starts from one that can (the links then carry its id on).
MEETING = {"kind": "meeting", "meeting": {"attendees": 50, "days": 1, "city": "成都"}}


def story_machine(app: Flask, stock: factories.Stock) -> Any:
    """The state machine over the footprint, order and certificate operations, positive data
    only (test_every_operation sends the negative data)."""
    config = schemathesis.Config.from_dict(
        {
            "generation": {"mode": "positive"},
            "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_OK}},
        }
    )
    story = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    # Without the order list: its inferred links drew most steps away from the story.
    operations = story.include(path_regex=STORY).exclude(method="GET", path="/api/v1/orders")
    base = operations.as_state_machine()

    class Story(base):  # type: ignore[misc,valid-type]
        def before_call(self, case: Any) -> None:
            super().before_call(case)
            if case.method != "POST" or not isinstance(case.body, dict):
                return
            if case.path == "/api/v1/footprints":
                case.body = dict(MEETING)
            elif case.path == "/api/v1/orders":
                # The link gives footprint_id; Schemathesis merges it into a generated body
                # whose mass_g/amount would make it "exactly one of" invalid.
                size = (
                    {"footprint_id": case.body["footprint_id"]}
                    if "footprint_id" in case.body
                    else {"mass_g": 1_000_000}
                )
                case.body = {**size, "beneficiary": "张三", "preferences": stock.prefs}
            elif case.path.endswith("/confirm"):
                # A generated outcome is "declined" as often as not; whether any payment of a
                # short story succeeds then hangs on the seed (which any schema change moves).
                case.body = {}

    return Story


def test_neutralisation_story_with_two_users(
    app: Flask, people: dict, stock: factories.Stock, db_session: Session
) -> None:
    base = story_machine(app, stock)
    seen = {"steps": 0, "cross_user_checks": 0, "retired": 0}
    connection = db_session.connection()

    class TwoUsers(base):  # type: ignore[misc,valid-type]
        """Each example starts from the same database: what one story wrote is rolled back
        before the next, or Hypothesis finds the same choices leading elsewhere (a footprint
        already ordered, a key already used) and reports FlakyStrategyDefinition."""

        def __init__(self) -> None:
            super().__init__()
            self.example = connection.begin_nested()

        def teardown(self) -> None:
            self.example.rollback()
            super().teardown()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"app": app, "headers": bearer(people["a"])}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            # As call_and_validate does: the checks are told which headers we sent, so
            # ignored_auth knows the token is ours and probes without it (expecting 401).
            case.validate_response(
                response,
                headers=kwargs.get("headers"),
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            seen["steps"] += 1
            if case.path.endswith("/confirm") and response.status_code == 200:
                seen["retired"] += response.json().get("status") == "retired"
            owned = OWNED_PARAMS & set(case.path_parameters or {})
            if owned and 200 <= response.status_code < 300:
                # User A's order or footprint: user B sees nothing, and cannot act on it.
                other = case.call(app=app, headers=bearer(people["b"]))
                seen["cross_user_checks"] += 1
                assert other.status_code == 404, (case.method, case.formatted_path, other.text)

    TwoUsers.run(
        settings=settings(
            max_examples=STEPS,
            stateful_step_count=8,
            # No shrinking: the database keeps what earlier scenarios made, so a replay is not
            # the same run (Hypothesis would report a FlakyStrategyDefinition, not the failure).
            phases=[Phase.explicit, Phase.generate],
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # The links were followed: A's orders were reached (and checked against B).
    assert seen["steps"] > STEPS
    assert seen["cross_user_checks"] > 0, seen
    assert seen["retired"] > 0, seen
