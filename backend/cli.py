"""Flask commands: `flask db …`, `flask seed-demo`, `flask create-operator`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from backend import demo
from backend.accounts import services
from backend.certificates.commands import certificates_cli
from backend.core import db, public_url, uow
from backend.core.errors import DomainError
from backend.core.migrate import db_cli
from backend.credits.commands import credits_cli
from backend.finance.commands import finance_cli
from backend.footprint import services as footprint_services
from backend.market.commands import market_cli
from backend.orders.commands import orders_cli
from backend.points.commands import points_cli
from backend.registry.commands import registry_cli
from backend.worker import worker_cmd


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when data already exists.")
@with_appcontext
def seed_demo_cmd(if_empty: bool) -> None:
    """Load demo organisations and people."""
    with uow.transaction(db.session()) as s:
        if not demo.is_empty(s):
            if if_empty:
                click.echo("Database already has data; demo seed skipped.")
                return
            raise click.ClickException("The database is not empty; refusing to seed demo data.")
        counts = demo.seed_demo(s)
    click.echo("Seeded demo data: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    click.echo(f"Sign in as the demo operator with phone {demo.OPERATOR_PHONE}.")


@click.command("create-operator")
@click.option("--phone", required=True, help="The operator's phone (E.164 or mainland).")
@click.option("--name", default="Operator", show_default=True, help="Display name.")
@click.option("--organisation", default="点点运营中心 Diandian Operations", show_default=True)
@with_appcontext
def create_operator_cmd(phone: str, name: str, organisation: str) -> None:
    """Bootstrap the first operator (safe to run again)."""
    try:
        with uow.transaction(db.session()) as s:
            user = services.ensure_operator(s, phone, name, organisation)
    except DomainError as exc:
        raise click.BadParameter(exc.words("zh"), param_hint="--phone") from exc
    click.echo(f"Operator {user.phone} (user {user.id}) is an admin of the operator organisation.")


@click.command("replay-footprints")
@with_appcontext
def replay_footprints_cmd() -> None:
    """Recalculate every stored footprint with its own factor set; fail on any difference."""
    with uow.transaction(write=False) as s:
        checked, differ = footprint_services.replay_all(s)
    for fid, stored, again in differ:
        click.echo(f"{fid}: stored {stored} g, replayed {again} g")
    click.echo(f"{checked} footprints replayed, {len(differ)} differ.")
    if differ:
        raise SystemExit(1)


@click.command("banner")
@click.option("--port", type=int, default=None, help="The port served on (default: PORT).")
@with_appcontext
def banner_cmd(port: int | None) -> None:
    """Say where the service listens, where its links point, and in which mode."""
    cfg = current_app.config
    local = public_url.local_url({"PORT": port or cfg["PORT"]})
    click.echo(f"Diandian is serving at {local}/  (API docs: /api/v1/docs)")
    if cfg["PUBLIC_BASE_URL"]:
        click.echo(f"Links and QR codes point at {public_url.base_url(cfg)} (PUBLIC_BASE_URL).")
    else:
        click.echo(
            f"Links and QR codes point at the address each request comes to ({local} from "
            "this machine), and the worker's at "
            f"{public_url.local_url(cfg)}. Set PUBLIC_BASE_URL to fix one."
        )
    if cfg["SANDBOX"]:
        click.echo(
            "SANDBOX mode: sign-in codes come back in the API response and payments are "
            "simulated. Set DIANDIAN_SANDBOX=0 and real keys for live mode."
        )
    else:
        click.echo("LIVE mode.")
    if cfg["PAYMENT_PROVIDER"] == "sandbox":
        click.echo("Payments: SANDBOX, no real money (POST /api/v1/orders/{id}/confirm pays).")
    else:
        click.echo("Payments: Stripe (webhook: POST /api/v1/payments/stripe/webhook).")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_demo_cmd)
    app.cli.add_command(create_operator_cmd)
    app.cli.add_command(banner_cmd)
    app.cli.add_command(replay_footprints_cmd)
    app.cli.add_command(credits_cli)
    app.cli.add_command(orders_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(points_cli)
    app.cli.add_command(registry_cli)
    app.cli.add_command(market_cli)
    app.cli.add_command(finance_cli)
    app.cli.add_command(worker_cmd)
