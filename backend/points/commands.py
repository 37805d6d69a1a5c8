"""`flask points check`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.core import uow
from backend.points import ledger

points_cli = AppGroup("points", help="Carbon-inclusion points.")


@points_cli.command("check")
def check_cmd() -> None:
    """Verify the points ledger (balances equal transfers, sum zero, none negative)."""
    with uow.transaction(write=False) as s:
        found = ledger.violations(s)
    for v in found:
        click.echo(v, err=True)
    if found:
        raise SystemExit(1)
    click.echo("Points ledger invariants hold.")
