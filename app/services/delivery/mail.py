"""E-mail rendering and delivery adapters (log file in development, SMTP in production)."""
from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, ngettext

from app import clock
from app.models.outbox import OutboxMessage

SUBJECTS = {
    "confirm_email": lambda p: _("Bekræft din e-mailadresse"),
    "reset_password": lambda p: _("Nulstil din adgangskode"),
    "signup_attempt": lambda p: _("Nogen forsøgte at oprette en bruger med din e-mailadresse"),
    "two_factor_enabled": lambda p: _("To-faktor-log-ind er slået til på din bruger"),
    "two_factor_enrol": lambda p: _("Sæt to-faktor-log-ind op"),
    "staff_welcome": lambda p: _("Du er oprettet som medarbejder i Foreningsstøtte"),
    "case_update": lambda p: _("Nyt i jeres sag %(number)s", number=p.get("case_number", "")),
    "case_update_staff": lambda p: _("Sag %(number)s: %(state)s", number=p.get("case_number", ""),
                                     state=_(p.get("state_staff", ""))),
    "meeting_decided_staff": lambda p: ngettext(
        "%(committee)s har afgjort %(num)s af dine sager", "%(committee)s har afgjort %(num)s af dine sager",
        p.get("count", 0), committee=p.get("committee", "")),
    "case_assigned": lambda p: _("Du har fået sag %(number)s", number=p.get("case_number", "")),
    "association_invite": lambda p: _("Du er inviteret til bestyrelsen i %(name)s", name=p.get("association", "")),
    "association_join_request": lambda p: _("%(name)s vil med i bestyrelsen i %(association)s", name=p.get("name", ""),
                                            association=p.get("association", "")),
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
    "annual_report_reminder": lambda p: _("Husk den årlige indberetning for %(year)s", year=p.get("year", "")),
    "annual_report_question": lambda p: _("Spørgsmål til jeres årlige indberetning for %(year)s",
                                          year=p.get("year", "")),
    "application_receipt": lambda p: _("Kvittering: vi har modtaget jeres ansøgning %(number)s",
                                       number=p.get("case_number", "")),
    "digital_post_fallback": lambda p: _("Sag %(number)s: afgørelsen kunne ikke sendes med Digital Post",
                                         number=p.get("case_number", "")),
    "outbox_failures": lambda p: _("Beskeder, der ikke kunne sendes (%(count)s)", count=p.get("count", 0)),
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
    email["Date"] = format_datetime(clock.local_now())
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

    @contextmanager
    def batch(self) -> Iterator[Connection]:
        """Many e-mails over one SMTP connection (the outbox's batches); it writes nothing to the database."""
        connection = Connection()
        try:
            yield connection
        finally:
            connection.close()


class Connection:
    """One SMTP session for many e-mails: opened by the first, reopened after an error, QUIT at the end.

    The same ledger as one e-mail a session: each `on_accepted` runs the moment the server has taken that
    e-mail, before the next is sent. Only the connect, STARTTLS and login are shared.
    """

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def deliver(self, msg: OutboxMessage, on_accepted: Callable[[], None]) -> None:
        if current_app.config["MAIL_BACKEND"] != "smtp":
            send_notice(msg, on_accepted)  # the log file (development): nothing to share
            return
        email = render_notice(msg)
        if self._smtp is None:
            self._smtp = _connect()
        try:
            self._smtp.send_message(email)
        except BaseException:
            self.close()  # a refused message or a broken line: the next e-mail starts a session of its own
            raise
        on_accepted()

    def close(self) -> None:
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            _close(smtp)


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
    smtp = _connect()
    try:
        smtp.send_message(email)
        # Before QUIT: the gap between the server's acceptance and the caller's record of it is
        # the one moment a crash makes the message go out twice.
        on_accepted()
    finally:
        _close(smtp)


def _connect() -> smtplib.SMTP:
    """An SMTP session with the configured server, after STARTTLS and login when configured."""
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    # Once the message is accepted a failed QUIT changes nothing.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def append_to_log(email: EmailMessage) -> None:
    """Development: append the message to the mail log file, as text a person can read and click."""
    path = Path(current_app.config["MAIL_LOG_PATH"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(log_entry(email))


SEPARATOR = "=" * 72
# Transfer details, not content: the log holds the decoded text.
_UNLOGGED_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}
ATTACHMENT = "Attachment"  # one pseudo-header per attachment: name (type, size)


def log_entry(email: EmailMessage) -> str:
    """A separator line, the decoded headers, the attachments by name and size, a blank line, the text."""
    lines = [SEPARATOR]
    lines += [f"{name}: {' '.join(str(value).split())}" for name, value in email.items()
              if name.lower() not in _UNLOGGED_HEADERS]
    for part in email.iter_attachments():
        size = len(part.get_payload(decode=True) or b"")
        lines.append(f"{ATTACHMENT}: {part.get_filename() or '?'} ({part.get_content_type()}, {size} bytes)")
    body = email.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return "\n".join(lines) + "\n\n" + text.rstrip("\n") + "\n\n"


def read_log(path: str) -> list[EmailMessage]:
    """Parse the development mail log, newest last (attachments come back as their `Attachment` lines)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    chunks = re.split(rf"^{SEPARATOR}\n", text, flags=re.MULTILINE)
    return [_parse_entry(chunk) for chunk in chunks if chunk.strip()]


def _parse_entry(chunk: str) -> EmailMessage:
    head, _sep, text = chunk.partition("\n\n")
    if re.search(r"^(MIME-Version|Content-Transfer-Encoding):", head, flags=re.MULTILINE | re.IGNORECASE):
        # A log written before the log was made readable: the raw message.
        return message_from_string(chunk.removesuffix("\n"), policy=policy.default)
    email = EmailMessage()
    for line in head.splitlines():
        name, _colon, value = line.partition(": ")
        email[name] = value
    email.set_content(text.removesuffix("\n\n") + "\n")
    return email
