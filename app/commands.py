"""CLI commands: flask create-admin, flask seed-demo, flask reset-2fa."""
from __future__ import annotations

import click
from flask import Flask

from app.services import accounts


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt="Navn")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin(email: str, name: str, password: str) -> None:
        """Create an administrator account."""
        if len(password) < 10:
            raise click.ClickException("Adgangskoden skal have mindst 10 tegn.")
        try:
            user = accounts.create_staff(email, name, "administrator", password=password)
        except accounts.EmailTaken:
            raise click.ClickException(f"Der findes allerede en bruger med {email}.") from None
        click.echo(f"Administrator oprettet: {user.email}")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def seed_demo(if_empty: bool) -> None:
        """Fill the database with realistic Danish demo data and print the demo logins."""
        from app.demo import DEMO_PASSWORD, database_is_empty, seed
        if if_empty and not database_is_empty():
            click.echo("Demodata findes allerede; intet ændret.")
        else:
            seed()
        click.echo("\nDemo-logins (adgangskode for alle: %s):" % DEMO_PASSWORD)
        from app.demo import DEMO_LOGINS
        for email, role in DEMO_LOGINS:
            click.echo(f"  {role:<28} {email}")
        click.echo("Medarbejdere sætter to-faktor-log-ind op første gang (enhver TOTP-app); "
                   "flask reset-2fa EMAIL nulstiller.")

    @app.cli.command("reset-2fa")
    @click.argument("email")
    def reset_2fa(email: str) -> None:
        """Remove a user's two-factor log-in (lost phone); they set it up again at the next log-in."""
        from app.services import two_factor
        from app.services.admin_audit import SetupError
        try:
            user = two_factor.reset_by_email(email)
        except SetupError as exc:
            raise click.ClickException(str(exc.message)) from None
        click.echo(f"To-faktor nulstillet for {user.email}; sættes op igen ved næste log-ind.")
