"""E-mail rendering and delivery adapters (log file in development, SMTP in production)."""
from __future__ import annotations

import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _

from app.models.outbox import OutboxMessage

SUBJECTS = {
    "confirm_email": lambda p: _("Bekræft din e-mailadresse"),
    "reset_password": lambda p: _("Nulstil din adgangskode"),
    "two_factor_enabled": lambda p: _("To-faktor-log-ind er slået til på din bruger"),
    "staff_welcome": lambda p: _("Du er oprettet som medarbejder i Foreningsstøtte"),
    "case_update": lambda p: _("Nyt i jeres sag %(number)s", number=p.get("case_number", "")),
    "case_update_staff": lambda p: _("Sag %(number)s: %(state)s", number=p.get("case_number", ""),
                                     state=_(p.get("state_staff", ""))),
    "case_assigned": lambda p: _("Du har fået sag %(number)s", number=p.get("case_number", "")),
    "association_invite": lambda p: _("Du er inviteret til bestyrelsen i %(name)s", name=p.get("association", "")),
    "approval_requested": lambda p: _("Anmodning om godkendelse: %(name)s", name=p.get("association", "")),
    "approval_decided": lambda p: _("Svar på anmodning om godkendelse: %(name)s", name=p.get("association", "")),
    "booking_confirmed": lambda p: _("Lokalebooking bekræftet: %(name)s", name=p.get("association", "")),
    "booking_cancelled": lambda p: _("Lokalebooking aflyst: %(name)s", name=p.get("association", "")),
    "allocation_published": lambda p: _("Sæsonfordelingen er offentliggjort: %(round)s", round=p.get("round", "")),
    "payout_paid": lambda p: _("Udbetaling i sag %(number)s", number=p.get("case_number", "")),
    "repayment_claim": lambda p: _("Krav om tilbagebetaling i sag %(number)s", number=p.get("case_number", "")),
    "decision_notice": lambda p: _("Der er en afgørelse i jeres sag %(number)s", number=p.get("case_number", "")),
    "meeting_agenda": lambda p: _("Dagsorden: %(committee)s %(date)s", committee=p.get("committee", ""),
                                  date=p.get("date_text", "")),
    "reply_reminder": lambda p: _("Husk at svare i sag %(number)s", number=p.get("case_number", "")),
    "report_reminder": lambda p: _("Husk afrapporteringen i sag %(number)s", number=p.get("case_number", "")),
    "application_receipt": lambda p: _("Kvittering: vi har modtaget jeres ansøgning %(number)s",
                                       number=p.get("case_number", "")),
}


def render_notice(msg: OutboxMessage) -> EmailMessage:
    """Build the e-mail for an outbox row, in the recipient's language."""
    config = current_app.config
    with force_locale(msg.locale):
        subject = SUBJECTS[msg.template](msg.payload)
        body = render_template(f"email/{msg.template}.txt", **msg.payload,
                               municipality=config["MUNICIPALITY_NAME"])
    email = EmailMessage()
    email["Subject"] = f"{subject} – {config['MUNICIPALITY_NAME']}"
    email["From"] = config["MAIL_SENDER"]
    email["To"] = msg.recipient
    email["Date"] = formatdate(localtime=True)
    # The same id on every attempt lets a receiver recognise a re-sent duplicate.
    email["Message-ID"] = f"<outbox-{msg.id}@foreningsstotte.local>"
    email["X-Outbox-Id"] = str(msg.id)
    email.set_content(body)
    if msg.payload.get("ics"):
        # Booking notices carry the times as a calendar file the recipient can add in one click.
        email.add_attachment(msg.payload["ics"].encode("utf-8"), maintype="text", subtype="calendar",
                             filename="booking.ics", params={"method": "PUBLISH"})
    return email


class EmailAdapter:
    """The outbox's "email" channel."""

    def deliver(self, msg: OutboxMessage, on_accepted: Callable[[], None]) -> None:
        send_notice(msg, on_accepted)


def send_notice(msg: OutboxMessage, on_accepted: Callable[[], None] = lambda: None) -> None:
    """Deliver through the configured backend; `on_accepted` runs as soon as the message is out."""
    email = render_notice(msg)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        send_smtp(email, on_accepted)
    elif backend == "log":
        append_to_log(email)
        on_accepted()
    else:
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")


def send_smtp(email: EmailMessage, on_accepted: Callable[[], None] = lambda: None) -> None:
    """Send through the configured SMTP server."""
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
        # Before QUIT: the gap between the server's acceptance and the caller's record of it is
        # the one moment a crash makes the message go out twice.
        on_accepted()
    finally:
        _close(smtp)


def _close(smtp: smtplib.SMTP) -> None:
    # Once the message is accepted a failed QUIT changes nothing.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def append_to_log(email: EmailMessage) -> None:
    """Development: append the message to the mail log file."""
    path = Path(current_app.config["MAIL_LOG_PATH"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(email.as_string())
        fh.write(SEPARATOR)


SEPARATOR = "\n" + "=" * 72 + "\n"


def read_log(path: str) -> list[EmailMessage]:
    """Parse the development mail log, newest last."""
    from email import message_from_string, policy
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [message_from_string(chunk, policy=policy.default) for chunk in text.split(SEPARATOR) if chunk.strip()]
