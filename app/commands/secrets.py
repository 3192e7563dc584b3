"""`flask rotate-totp-key`: re-encrypt every stored TOTP secret with the first key of TOTP_ENCRYPTION_KEYS."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.secret_box import SecretUnreadable
from app.services.accounts import two_factor


@click.command("rotate-totp-key")
@with_appcontext
def rotate_totp_key() -> None:
    """Put the new key first in TOTP_ENCRYPTION_KEYS (keep the old one after it), run this, then drop the old."""
    try:
        count = two_factor.reencrypt_secrets()
    except SecretUnreadable as exc:
        raise click.ClickException(f"{exc}. Nothing was changed.") from None
    click.echo(f"{count} TOTP-nøgler krypteret igen med den første nøgle i TOTP_ENCRYPTION_KEYS. "
               "Den gamle nøgle kan nu fjernes fra listen.")
