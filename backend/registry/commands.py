"""`flask registry check`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.core import uow
from backend.registry import checks

registry_cli = AppGroup("registry", help="The CDCER registry.")


@registry_cli.command("check")
def check_cmd() -> None:
    """Verify the registry: issued within verified, no shared units, holdings equal transfers."""
    with uow.transaction(write=False) as s:
        found = checks.violations(s)
    for v in found:
        click.echo(v, err=True)
    if found:
        raise SystemExit(1)
    click.echo("Registry invariants hold.")
