"""gunicorn.conf.py's hooks for Prometheus' multiprocess mode."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT


def test_a_new_run_starts_from_an_empty_metrics_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "prom"
    shared.mkdir()
    (shared / "histogram_123.db").write_bytes(b"stale")
    (shared / "gauge_livesum_123.db").write_bytes(b"stale")
    (shared / "keep.txt").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    conf["child_exit"](None, SimpleNamespace(pid=123))
    assert sorted(p.name for p in shared.iterdir()) == ["histogram_123.db", "keep.txt"]
    conf["on_starting"](None)
    assert [p.name for p in shared.iterdir()] == ["keep.txt"]


def test_the_hooks_do_nothing_without_a_metrics_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    conf["on_starting"](None)
    conf["child_exit"](None, SimpleNamespace(pid=1))
    assert list(tmp_path.iterdir()) == []
