"""A WeChat OAuth state is used once, however many requests bring it back at the same moment
(PostgreSQL)."""

from __future__ import annotations

from typing import Any

from backend.accounts import wechat_login
from backend.core import uow
from tests.concurrency import together

THREADS = 8
SETTINGS = wechat_login.WechatSettings(
    "test-secret", "https://diandian.example", oa_appid="wx_app", oa_secret="secret"
)


def test_a_state_is_used_once_under_concurrent_replays(committing):
    started = wechat_login.start(SETTINGS)

    def use(_i: int) -> Any:
        with committing() as s, uow.transaction(s):
            wechat_login.check_state(s, SETTINGS, started.state, started.browser, None)
            return "used"

    results = together(THREADS, use)
    assert results.count("used") == 1
    refused = [r for r in results if isinstance(r, wechat_login.WechatStateRefused)]
    assert len(refused) == THREADS - 1
    assert {r.extra["reason"] for r in refused} == {"replayed"}
