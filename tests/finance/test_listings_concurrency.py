"""On PostgreSQL, through the API with real commits: an organisation's admins send the same
application from many clients at once; the partial unique index lets exactly one through, the
others get a clean 409; and two operators deciding one application at once: one wins."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from backend.accounts.models import OrgKind
from backend.accounts.services import AuthSettings, issue_token
from backend.finance.listing_models import ListingApplication, ListingEvent
from tests import factories as f
from tests.concurrency import together
from tests.finance.green_support import enterprise

THREADS = 12
AUTH = AuthSettings(secret_key="test-secret", sandbox=True)


def test_many_identical_applications_at_once_make_exactly_one(app, committing) -> None:
    with app.extensions["db"].sessions_from(committing):
        with committing() as s:
            admin = f.user(s, "并发管理员")
            org = f.organisation(s, OrgKind.company, name="并发企业", admin=admin)
            # tokens as sign-in issues them (many sign-ins from one address are rate-limited)
            tokens = [issue_token(s, AUTH, admin).access_token for _ in range(THREADS)]
            operator = f.bearer(f.operator_token(app.test_client(), s))
            s.commit()

        def go(i: int) -> tuple[int, str | None]:
            resp = app.test_client().post(
                f"/api/v1/finance/organisations/{org.id}/listing-applications",
                json=enterprise(),
                headers=f.bearer(tokens[i]),
            )
            return resp.status_code, resp.get_json().get("code")

        results = together(THREADS, go)
        statuses = Counter(r for r in results if isinstance(r, tuple))
        assert statuses == {(201, None): 1, (409, "finance.application_open"): THREADS - 1}, results
        with committing() as s:
            [made] = s.scalars(
                select(ListingApplication).where(ListingApplication.organisation_id == org.id)
            ).all()
            app_id = made.id

        def decide(i: int) -> int:
            body = {"to": "listed"} if i % 2 else {"to": "rejected", "reason": "材料不足"}
            return int(
                app.test_client()
                .post(
                    f"/api/v1/finance/listing-applications/{app_id}/transitions",
                    json=body,
                    headers=operator,
                )
                .status_code
            )

        decided = Counter(together(THREADS, decide))
        assert decided == {200: 1, 409: THREADS - 1}, decided
        with committing() as s:
            events = s.scalar(select(func.count()).where(ListingEvent.application_id == app_id))
            assert events == 2  # submitted, then the one decision
