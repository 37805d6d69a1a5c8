"""`flask orders reconcile|expire`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.core import db
from backend.orders import context, reconcile, services

orders_cli = AppGroup("orders", help="Orders and payments.")


@orders_cli.command("reconcile")
def reconcile_cmd() -> None:
    """Settle paid-but-unretired orders, check stale payments, expire unpaid orders."""
    report = reconcile.reconcile(db.session(), context.current())
    click.echo(str(report))
    if report.failed:
        raise SystemExit(1)


@orders_cli.command("expire")
def expire_cmd() -> None:
    """Expire unpaid orders past their hold, releasing their credits."""
    total = 0
    while n := services.expire_due(db.session()):
        total += n
    click.echo(f"Expired {total} unpaid orders.")
