"""`flask orders reconcile|expire`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.core import db, uow
from backend.orders import reconcile, services
from backend.payments import providers

orders_cli = AppGroup("orders", help="Orders and payments.")


@orders_cli.command("reconcile")
def reconcile_cmd() -> None:
    """Settle paid-but-unretired orders, check stale payments, expire unpaid orders."""
    with uow.transaction(db.session()) as s:
        report = reconcile.reconcile(s, providers.rails())
    click.echo(str(report))
    if report.failed:
        raise SystemExit(1)


@orders_cli.command("expire")
def expire_cmd() -> None:
    """Expire unpaid orders past their hold, releasing their credits."""
    total, s = 0, db.session()
    while True:
        with uow.transaction(s):
            n = services.expire_due(s)
        if not n:
            break
        total += n
    click.echo(f"Expired {total} unpaid orders.")
