"""Completing the real second log-in step in tests: enrol through the e-mailed link when asked, then give an app code.

Used by AuthActions.login (tests/conftest.py), so staff log-ins in every test go through two-factor.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp
import sqlalchemy as sa

from app import clock

CODE_PATH = "/konto/to-faktor"
SETUP_PATH = "/konto/to-faktor/opsaet"


def asks_for_second_step(resp) -> bool:
    """True when the password step redirected to the code or enrolment page."""
    return resp.status_code == 302 and urlsplit(resp.location).path in (CODE_PATH, SETUP_PATH)


def fresh_code(email: str) -> str:
    """A code the app accepts now for `email`: its current step, else the next, else (already both used)
    the current one again after moving the stored last step back, where a person would wait 30 seconds."""
    from app.extensions import db
    from app.models import User
    user_id, secret, last = db.session.execute(
        sa.select(User.id, User.totp_secret, User.totp_last_step).where(User.email == email.lower())).one()
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock.timestamp())
    for step in (now, now + 1):  # never now - 1: a step boundary during the request would make it too old
        if last is None or step > last:
            return totp.generate_otp(step)
    db.session.execute(sa.update(User).where(User.id == user_id).values(totp_last_step=now - 1))
    db.session.commit()
    return totp.generate_otp(now)


def enrolment_link(email: str) -> str:
    """The path of the newest enrolment link e-mailed to `email` (read from the outbox, as the mail would carry it)."""
    from app.extensions import db
    from app.models.outbox import OutboxMessage
    msg = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "two_factor_enrol",
                                                           OutboxMessage.recipient == email.lower())
                            .order_by(OutboxMessage.id.desc()).limit(1))
    assert msg is not None, f"no enrolment link was sent to {email}"
    return urlsplit(msg.payload["link"]).path


def shown_secret(client) -> str:
    """Open the set-up page (after an enrolment link) and read the key it shows as text."""
    page = client.get(SETUP_PATH).get_data(as_text=True)
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def complete(client, email: str, resp):
    """Follow the second step the log-in asked for; returns the code step's redirect, as a log-in did before.

    Not enrolled yet: open the link the log-in e-mailed, read the secret the real page shows; the service
    confirms it (the page's own answer is the recovery codes, a 200, which tests/auth/test_two_factor.py
    covers); then the code step as usual.
    """
    from app.models.user import find_user_by_email
    if not find_user_by_email(email).two_factor_enabled:
        from app.services.accounts import two_factor
        link = enrolment_link(email)
        assert client.post(link).location == SETUP_PATH
        secret = shown_secret(client)
        two_factor.confirm_enrolment(find_user_by_email(email), pyotp.TOTP(secret).at(clock.timestamp()))
    return client.post(CODE_PATH, data={"code": fresh_code(email)})
