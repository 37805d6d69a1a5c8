"""docs/configuration.md's environment table agrees with what the code reads.

The table has one row per variable: `| variable | read by | default | meaning |`. "read by" is
either the `Config` setting the variable fills (`Config.from_env`), or the file that reads the
variable itself (gunicorn.conf.py, a module under backend/, a test fixture). The default cell
starts with the default in backticks, as one would write it in the environment, or with
"unset". Nothing here knows the list of settings: what `Config.from_env` reads is recorded
while it runs, and what other files read is found in their source, so a new setting fails
these tests until its row is written.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from backend.core.config import ROOT, Config, ConfigError

DOC = ROOT / "docs" / "configuration.md"
HEADER = ("variable", "read by", "default", "meaning")
# Files scanned for variables read outside Config; every one found must have a row.
SCANNED = [ROOT / "gunicorn.conf.py", *sorted((ROOT / "backend").rglob("*.py"))]
# Values tried to find which settings a variable fills (a flag needs "0" or "1").
PROBES = ("12345", "0", "1", "probe")


@dataclass(frozen=True)
class Row:
    variable: str
    read_by: str
    default: str | None  # None: unset


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _code(cell: str) -> str:
    found = re.fullmatch(r"`([^`]+)`", cell)
    assert found, f"{cell!r} should be one name in backticks"
    return found.group(1)


def _default(variable: str, cell: str) -> str | None:
    if cell.lower().startswith("unset"):
        return None
    found = re.match(r"`([^`]*)`", cell)
    assert found, f"the default of {variable} should start with `value` or 'unset': {cell!r}"
    return found.group(1)


def table() -> list[Row]:
    """The rows of the page's environment table."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(
        (i for i, line in enumerate(lines) if tuple(_cells(line)) == HEADER and "|" in line),
        None,
    )
    assert start is not None, f"{DOC} has no table headed {' | '.join(HEADER)}"
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        variable, read_by, default, _meaning = _cells(line)
        name = _code(variable)
        rows.append(Row(name, _code(read_by), _default(name, default)))
    names = [r.variable for r in rows]
    assert len(names) == len(set(names)), "a variable has two rows"
    return rows


SETTINGS = {f.name for f in fields(Config) if f.name != "extra"}


def config_rows() -> list[Row]:
    return [r for r in table() if r.read_by in SETTINGS]


def file_rows() -> list[Row]:
    return [r for r in table() if r.read_by not in SETTINGS]


class RecordingEnviron(dict[str, str]):
    """An environment that remembers every name looked up in it."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.seen: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return super().__contains__(key)


def from_env(env: dict[str, str]) -> tuple[dict[str, Any], set[str]]:
    """`Config.from_env` in exactly `env`: its settings (paths relative to the repository, as
    the table writes them) and the names it looked up."""
    environ = RecordingEnviron(env)
    with mock.patch.object(os, "environ", environ):
        cfg = Config.from_env()
    root = f"{ROOT}{os.sep}"
    settings = {
        name: value.replace(root, "") if isinstance(value, str) else value
        for name, value in ((n, getattr(cfg, n)) for n in SETTINGS)
    }
    return settings, environ.seen


DEFAULTS, READ = from_env({})


def filled_by(variable: str) -> set[str]:
    """The settings that change when `variable` is set."""
    for probe in PROBES:
        try:
            settings, _ = from_env({variable: probe})
        except ConfigError:
            continue
        changed = {name for name in SETTINGS if settings[name] != DEFAULTS[name]}
        if changed:
            return changed
    return set()


def test_the_page_has_the_table_and_config_reads_the_environment():
    assert len(config_rows()) >= 20
    assert {"DATABASE_URL", "DIANDIAN_SANDBOX", "SECRET_KEY"} <= READ


def test_every_variable_config_reads_has_a_row():
    documented = {r.variable for r in config_rows()}
    missing = sorted(READ - documented)
    assert not missing, f"Config.from_env reads {missing}: add their rows to {DOC.name}"


@pytest.mark.parametrize("row", config_rows(), ids=lambda r: r.variable)
def test_each_config_row_names_a_variable_that_fills_its_setting(row: Row):
    assert row.variable in READ, f"Config.from_env does not read {row.variable}"
    filled = filled_by(row.variable)
    assert row.read_by in filled, f"{row.variable} fills {sorted(filled)}, not {row.read_by}"


@pytest.mark.parametrize("row", config_rows(), ids=lambda r: r.variable)
def test_each_config_default_is_what_config_uses_when_unset(row: Row):
    if row.default is None:
        # Unset: the setting is empty then, or another variable gives it its default.
        others = [r.variable for r in config_rows() if r.read_by == row.read_by and r != row]
        assert not DEFAULTS[row.read_by] or others, (
            f"{row.variable} is documented unset, but {row.read_by} defaults to "
            f"{DEFAULTS[row.read_by]!r}"
        )
        return
    settings, _ = from_env({row.variable: row.default})
    assert settings == DEFAULTS, (
        f"setting {row.variable}={row.default!r} is not the same as leaving it unset: "
        f"{ {k: settings[k] for k in SETTINGS if settings[k] != DEFAULTS[k]} }"
    )


def _string_constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _reads_a_variable(func: ast.AST) -> bool:
    """`os.environ.get`, `environ.get`, `os.getenv` or `getenv`."""
    if isinstance(func, ast.Attribute):
        return (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"
    return isinstance(func, ast.Name) and func.id == "getenv"


def _looked_up(node: ast.AST) -> Iterator[ast.AST]:
    """The name argument of `os.environ.get(X)`, `os.getenv(X)`, `os.environ[X]`, `X in
    os.environ`."""
    if isinstance(node, ast.Call) and node.args and _reads_a_variable(node.func):
        yield node.args[0]
    elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        if _is_environ(node.value):
            yield node.slice
    elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
        yield node.left


def env_reads(path: Path) -> set[str]:
    """The variables a Python file reads by name (a literal, or a module-level constant)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _string_constants(tree)
    names = set()
    for node in ast.walk(tree):
        for arg in _looked_up(node):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
            elif isinstance(arg, ast.Name) and arg.id in constants:
                names.add(constants[arg.id])
    return names


def test_every_variable_read_outside_config_has_a_row():
    documented = {r.variable for r in table()}
    missing = sorted(
        f"{name} ({path.relative_to(ROOT)})"
        for path in SCANNED
        for name in env_reads(path)
        if name not in documented
    )
    assert not missing, f"read from the environment but not in {DOC.name}: {missing}"


@pytest.mark.parametrize("row", file_rows(), ids=lambda r: r.variable)
def test_each_file_row_names_a_file_that_reads_the_variable(row: Row):
    path = ROOT / row.read_by
    assert path.is_file(), f"{row.variable}: {row.read_by} is neither a Config setting nor a file"
    if path.suffix == ".py":
        assert row.variable in env_reads(path), f"{row.read_by} does not read {row.variable}"
    else:
        assert f"${row.variable}" in path.read_text(encoding="utf-8").replace("$$", "$")


def test_the_scan_finds_what_it_should():
    """The scanner itself: the forms of reading a variable it must see."""
    assert {"PORT", "WEB_CONCURRENCY", "REDIS_URL"} <= env_reads(ROOT / "gunicorn.conf.py")
    # a module-level constant naming the variable (the fonts' directory)
    assert "CERTIFICATE_FONT_DIR" in set().union(*(env_reads(p) for p in SCANNED))
