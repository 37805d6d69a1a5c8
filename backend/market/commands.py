"""`flask market check`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.core import uow
from backend.market import checks

market_cli = AppGroup("market", help="The market: funds, listings, trades.")


@market_cli.command("check")
def check_cmd() -> None:
    """Verify funds against their entries, every trade's legs, escrow, and the registry."""
    with uow.transaction(write=False) as s:
        found = checks.violations(s)
    for v in found:
        click.echo(v, err=True)
    if found:
        raise SystemExit(1)
    click.echo("Market invariants hold.")
