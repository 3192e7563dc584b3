"""`flask create-admin` and `flask reset-2fa EMAIL`: the first administrator, and a way back in after a lost phone."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.services.accounts import accounts, password_policy, two_factor
from app.services.journals.audit import SetupError


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt="Navn")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    refusal = password_policy.problem(password, min_length=int(current_app.config["PASSWORD_MIN_LENGTH"]),
                                      email=email, name=name)
    if refusal is not None:
        raise click.ClickException(str(refusal))
    try:
        user = accounts.create_staff(email, name, "administrator", password=password)
    except accounts.EmailTaken:
        raise click.ClickException(f"Der findes allerede en bruger med {email}.") from None
    click.echo(f"Administrator oprettet: {user.email}")


@click.command("reset-2fa")
@click.argument("email")
@with_appcontext
def reset_2fa(email: str) -> None:
    """Remove a user's two-factor log-in (lost phone); they set it up again at the next log-in."""
    try:
        user = two_factor.reset_by_email(email)
    except SetupError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"To-faktor nulstillet for {user.email}; sættes op igen ved næste log-ind.")
