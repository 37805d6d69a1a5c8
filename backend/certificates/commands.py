"""`flask certificates new-key`: a signing key for CERTIFICATE_SIGNING_KEYS."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.certificates.signing import new_key_pair

certificates_cli = AppGroup("certificates", help="Certificate signing keys.")


@certificates_cli.command("new-key")
@click.argument("kid")
def new_key_cmd(kid: str) -> None:
    """Print a new Ed25519 key: its CERTIFICATE_SIGNING_KEYS entry and, for after rotation,
    its CERTIFICATE_VERIFY_KEYS entry."""
    seed, public = new_key_pair()
    click.echo(f"CERTIFICATE_SIGNING_KEYS entry (secret): {kid}:{seed}")
    click.echo(f"CERTIFICATE_VERIFY_KEYS entry (public):  {kid}:{public}")
