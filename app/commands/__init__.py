"""Every `flask` command of ours, registered in one place: `flask --help` lists them all.

accounts: create-admin, reset-2fa · secrets: rotate-totp-key · demo: seed-demo · privacy: anonymise-expired ·
files: files move-to-object-store, files copy-to-bucket, files check
"""
from __future__ import annotations

from flask import Flask

from app.commands import accounts, demo, files, privacy, secrets

COMMANDS = (accounts.create_admin, accounts.reset_2fa, secrets.rotate_totp_key, demo.seed_demo,
            privacy.anonymise_expired, files.files_cli)


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI, each at the top level (`flask <command>`)."""
    for command in COMMANDS:
        app.cli.add_command(command)
