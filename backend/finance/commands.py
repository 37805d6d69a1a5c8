"""`flask finance …`: the green-finance commands (a click group others add to), starting with
`flask finance check`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.core import uow
from backend.finance import pledge_checks
from backend.market import checks as market_checks

finance_cli = AppGroup("finance", help="Green finance: pledges, institutions, applications.")


@finance_cli.command("check")
def check_cmd() -> None:
    """Verify the pledges (custody holds exactly the open pledges' units, each closed pledge its
    return or enforcement transfer), and the market's and registry's invariants with them."""
    with uow.transaction(write=False) as s:
        found = [*pledge_checks.violations(s), *market_checks.violations(s)]
    for v in found:
        click.echo(v, err=True)
    if found:
        raise SystemExit(1)
    click.echo("Finance invariants hold.")
