"""The layers of docs/architecture.md hold, and `lint-imports` (run by `make lint`) fails the
moment a domain imports one above it or a new package takes no layer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "lint-imports"


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(  # noqa: S603 - our own lint-imports on our own copy
        [LINT, "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the backend and its contract, to break."""
    shutil.copytree(
        ROOT / "backend", tmp_path / "backend", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_its_layers():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KEPT" in done.stdout


def test_a_lower_domain_importing_a_higher_one_breaks_the_contract(tree: Path):
    models = tree / "backend" / "credits" / "models.py"
    models.write_text(models.read_text() + "\nfrom backend.orders import models as _orders\n")
    done = lint(tree)
    assert done.returncode == 1
    assert "backend.credits is not allowed to import backend.orders" in done.stdout


def test_a_package_with_no_layer_breaks_the_contract(tree: Path):
    (tree / "backend" / "lending").mkdir()
    (tree / "backend" / "lending" / "__init__.py").write_text('"""Unplaced."""\n')
    done = lint(tree)
    assert done.returncode == 1
    assert "backend.lending" in done.stdout
