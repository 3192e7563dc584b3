"""`flask seed-demo [--if-empty]`: realistic Danish demo data in an empty database, and the demo logins."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoRefused, database_is_empty, seed


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Fill an empty database with realistic Danish demo data and print the demo logins."""
    if if_empty and not database_is_empty():
        click.echo("Demodata findes allerede; intet ændret.")
    else:
        _seed()
    click.echo("\nDemo-logins (adgangskode for alle: %s):" % DEMO_PASSWORD)
    for email, role in DEMO_LOGINS:
        click.echo(f"  {role:<28} {email}")
    click.echo("Medarbejdere sætter to-faktor-log-ind op første gang (enhver TOTP-app) via et link, der "
               "sendes ved log-ind: se instance/mail.log. flask reset-2fa EMAIL nulstiller.")


def _seed() -> None:
    """Seed, turning any failure into a message that says nothing was saved (seed is one unit of work)."""
    try:
        seed()
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        current_app.logger.exception("seed-demo failed")
        raise click.ClickException(
            f"Demodata kunne ikke lægges ind ({type(exc).__name__}: {exc}). Intet er gemt: databasen er "
            "tom som før, så du kan prøve igen.") from None
