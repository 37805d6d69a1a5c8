"""Log lines: text by default, one JSON object per line with LOG_FORMAT=json."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask, g

from backend.core.config import Config, ConfigError
from backend.web import request_ids


@pytest.fixture
def root_handler() -> Iterator[logging.Handler]:
    """The handler `configure_logging` installs on the root logger, as text again afterwards."""
    level = logging.getLogger().level
    request_ids.configure_logging("INFO")
    (ours,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, request_ids.RequestIdFilter) for f in h.filters)
    ]
    yield ours
    request_ids.configure_logging(logging.getLevelName(level), "text")


def lines(handler: logging.Handler, emit: object) -> list[str]:
    """What `handler`'s formatter and filters make of the records logged by `emit()`."""
    out = io.StringIO()
    capture = logging.StreamHandler(out)
    capture.setFormatter(handler.formatter)
    for f in handler.filters:
        capture.addFilter(f)
    log = logging.getLogger("diandian.test")
    log.addHandler(capture)
    try:
        emit()  # type: ignore[operator]
    finally:
        log.removeHandler(capture)
    return out.getvalue().splitlines()


def test_json_lines_carry_the_request_id_and_the_exception(
    app: Flask, root_handler: logging.Handler
) -> None:
    request_ids.configure_logging("INFO", "json")
    log = logging.getLogger("diandian.test")

    def emit() -> None:
        with app.test_request_context("/"):
            g.request_id = "req-42"
            log.warning("order %s 已退款", "ord_1", extra={"order_id": "ord_1"})
            try:
                raise ValueError("bad mass")
            except ValueError:
                log.exception("settling failed")

    first, second = (json.loads(line) for line in lines(root_handler, emit))
    assert first["level"] == "WARNING"
    assert first["logger"] == "diandian.test"
    assert first["message"] == "order ord_1 已退款"
    assert first["request_id"] == "req-42"
    assert first["order_id"] == "ord_1"
    assert first["time"].endswith("+00:00")
    assert "exception" not in first
    assert second["level"] == "ERROR"
    assert "ValueError: bad mass" in second["exception"]


def test_text_stays_the_default(root_handler: logging.Handler) -> None:
    assert Config().LOG_FORMAT == "text"
    (line,) = lines(root_handler, lambda: logging.getLogger("diandian.test").warning("hello"))
    assert line.endswith(" WARNING [-] diandian.test: hello")


def test_an_unknown_log_format_is_refused(tmp_path) -> None:
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        Config(INSTANCE_PATH=str(tmp_path), LOG_FORMAT="yaml").finalise()


def test_log_format_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert Config.from_env().LOG_FORMAT == "json"
