"""An attempt ends at its deadline (WEBHOOK_TIMEOUT_SECONDS), however slowly the receiver
trickles its answer: header lines, body bytes, over plain HTTP or TLS."""

from __future__ import annotations

import contextlib
import time

import pytest
import requests

from backend.partners.webhooks import transport
from tests.partners.webhooks.test_transport import NAME, self_signed
from tests.partners.webhooks.trickle import BODY, HEADERS, Trickler, elapsed

DEADLINE_S = 1.0
SLACK_S = 1.0  # thread start-up and a busy machine (without the deadline: 20 s)


def post(url: str) -> transport.Outcome:
    return transport.post(url, b"{}", {"Content-Type": "application/json"}, DEADLINE_S, True)


def test_a_header_line_every_200_ms_cannot_hold_an_attempt_past_its_deadline():
    with Trickler(HEADERS) as slow:
        started = time.monotonic()
        out = post(slow.url())
        took = elapsed(started)
    assert DEADLINE_S - 0.05 <= took < DEADLINE_S + SLACK_S
    assert out.status_code is None  # the head never completed: no answer, not a 200
    assert (out.error, out.error_params) == (transport.TIMED_OUT, {"seconds": "1"})
    assert not out.ok


def test_a_trickled_body_ends_at_the_deadline_with_the_status_that_came_in_time():
    with Trickler(BODY) as slow:
        started = time.monotonic()
        out = post(slow.url())
        took = elapsed(started)
    assert took < DEADLINE_S + SLACK_S
    assert out.status_code == 200
    assert out.excerpt == "x" * len(out.excerpt)
    assert len(out.excerpt) <= transport.EXCERPT_BYTES


def test_over_tls_the_pinned_connection_ends_at_the_deadline_too(tmp_path):
    cert, key = self_signed(tmp_path, NAME)
    with Trickler(HEADERS, tls=(cert, key)) as slow, requests.Session() as http:
        started = time.monotonic()
        with transport.Deadline(DEADLINE_S) as deadline:
            http.mount("https://", transport.PinnedAdapter("127.0.0.1", deadline))
            # cut short, the head either fails or ends early; transport.post() sees `passed`
            with contextlib.suppress(requests.ConnectionError):
                http.post(slow.url(NAME, "https"), data=b"{}", verify=str(cert), timeout=5)
        took = elapsed(started)
    assert slow.connected.is_set()  # the handshake and the request went through
    assert deadline.passed
    assert took < DEADLINE_S + SLACK_S


@pytest.mark.parametrize("every_s", [0.05, 0.5])
def test_the_deadline_holds_for_fast_and_slow_trickles(every_s):
    with Trickler(HEADERS, every_s=every_s) as slow:
        started = time.monotonic()
        out = post(slow.url())
    assert elapsed(started) < DEADLINE_S + SLACK_S
    assert out.status_code is None
