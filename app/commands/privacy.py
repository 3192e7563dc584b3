"""`flask anonymise-expired [--dry-run]`: the retention job by hand."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app import clock
from app.services.privacy import retention


@click.command("anonymise-expired")
@click.option("--dry-run", is_flag=True, help="Vis hvad der ville blive anonymiseret; ændr intet.")
@with_appcontext
def anonymise_expired(dry_run: bool) -> None:
    """Anonymise personal data in records past their retention period (RETENTION_YEARS)."""
    run = retention.anonymise_expired(clock.now(), dry_run=dry_run)
    for item in run.items:
        click.echo(f"{item.kind:<10} {item.id:>8}  {item.rule:<22} {clock.local(item.ended_at).date().isoformat()}")
    counts = run.counts()
    verb = "ville blive anonymiseret" if dry_run else "anonymiseret"
    click.echo(f"{counts['case']} sager, {counts['user']} brugere og {counts['invitation']} invitationer {verb}.")
