"""`flask credits import|check|expire`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from backend.core import db, uow
from backend.core.clock import utcnow
from backend.credits import checks, importer, inventory

credits_cli = AppGroup("credits", help="Credit inventory.")


@credits_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_cmd(path: Path) -> None:
    """Import lots from a CSV file: every row, or none."""
    try:
        with uow.transaction(db.session()) as s:
            lots = importer.import_lots(s, path.read_text(encoding="utf-8-sig"))
    except importer.ImportRejected as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(exc.errors)} errors; nothing was imported.") from None
    tonnes = sum(lot.tonnes for lot in lots)
    click.echo(f"Imported {len(lots)} lots, {tonnes} t.")


@credits_cli.command("check")
def check_cmd() -> None:
    """Verify every inventory invariant and that allocated units are retired at their registry
    within REGISTRY_RETIREMENT_DAYS; exit 1 on any violation or overdue unit."""
    days = current_app.config["REGISTRY_RETIREMENT_DAYS"]
    with uow.transaction(write=False) as s:
        found = checks.violations(s)
        late = checks.overdue(s, days=days, now=utcnow())
    for v in (*found, *late):
        click.echo(v, err=True)
    if found or late:
        raise SystemExit(1)
    click.echo(f"Inventory invariants hold; no unit is past its {days}-day registry deadline.")


@credits_cli.command("expire")
def expire_cmd() -> None:
    """Release reservations past their expiry (run from cron)."""
    total = 0
    while True:
        with uow.transaction(db.session()) as s:
            n = inventory.expire_due(s)
        if not n:
            break
        total += n
    click.echo(f"Released {total} expired reservations.")
