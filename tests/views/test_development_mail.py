"""Development e-mails: links on the host and port the app is served on, and a mail log a person can read."""
import re
from email.message import EmailMessage

import pytest

from app import create_app
from app.extensions import db
from app.models import OutboxMessage, User
from app.services.delivery.links import public_base_url
from app.services.delivery.mail import append_to_log, read_log
from config import DevelopmentConfig, ProductionConfig
from tests.conftest import PG_URL, _migrate, own_database, release_database

GOOD = "en-god-adgangskode-42"
SERVED_ON = "http://127.0.0.1:5123"


@pytest.fixture
def dev_app(database_template, tmp_path, monkeypatch):
    """The development configuration (the embedded default: SQLite, also in the PostgreSQL pass, since only
    there do links follow the request) without PUBLIC_BASE_URL."""
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    if PG_URL:
        url = f"sqlite:///{tmp_path / 'dev.sqlite'}"
        _migrate(url, tmp_path)
    else:
        url = own_database(database_template, tmp_path, "dev")
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False, ARGON2_FAST=True,
                     MAIL_LOG_PATH=str(tmp_path / "mail.log"), UPLOAD_FOLDER=str(tmp_path / "files"))
    yield app
    with app.app_context():
        if PG_URL:  # its own SQLite file: nothing shared to empty
            db.session.remove()
            db.engine.dispose()
        else:
            release_database(db)


def _sign_up(client, base_url: str, email: str = "karen@example.dk"):
    return client.post("/konto/opret", base_url=base_url, data={
        "full_name": "Karen Holm", "email": email, "password": GOOD, "password_again": GOOD})


def test_development_links_follow_the_host_and_port_the_app_is_served_on(dev_app):
    client = dev_app.test_client()
    assert _sign_up(client, SERVED_ON).status_code == 302
    with dev_app.app_context():
        msg = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "confirm_email"))
        link = msg.payload["link"]
        assert link.startswith(SERVED_ON + "/konto/"), link
        assert msg.status == "delivered", msg.last_error
    [mail] = read_log(dev_app.config["MAIL_LOG_PATH"])
    assert link in mail.get_content()
    # The link works where it points.
    client.get(link)
    with dev_app.app_context():
        assert db.session.scalar(db.select(User.email_confirmed_at).where(User.email == "karen@example.dk"))


def test_development_without_a_request_uses_the_default(dev_app):
    with dev_app.app_context():
        assert public_base_url() == "http://127.0.0.1:5000"


def test_a_configured_address_wins_over_the_request(app, client):
    app.config["PUBLIC_BASE_URL"], app.config["PUBLIC_BASE_URL_FROM_REQUEST"] = "https://stoette.kommune.dk/", False
    assert _sign_up(client, SERVED_ON).status_code == 302
    msg = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "confirm_email"))
    assert msg.payload["link"].startswith("https://stoette.kommune.dk/konto/"), msg.payload["link"]


def test_production_never_takes_links_from_the_host_header(monkeypatch):
    for var in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PUBLIC_BASE_URL", "TOTP_ENCRYPTION_KEYS"):
        monkeypatch.delenv(var, raising=False)
    app = create_app(ProductionConfig, SECRET_KEY="real", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x/y",
                     TOTP_ENCRYPTION_KEYS=("dGVzdC10b3RwLWtleS1mb3ItdGhlLXBvc3RncmVzcWw=",),
                     REDIS_URL="redis://127.0.0.1:6379/0", PUBLIC_BASE_URL="https://stoette.kommune.dk")
    from app.services.accounts.accounts import public_link
    with app.test_request_context("/konto/opret", base_url="http://angriber.example:8080", method="POST"):
        assert public_base_url() == "https://stoette.kommune.dk"
        assert public_link("auth.confirm", "t0ken").startswith("https://stoette.kommune.dk/konto/")


def test_the_mail_log_is_readable_text_with_whole_links(dev_app):
    client = dev_app.test_client()
    _sign_up(client, SERVED_ON, email="søren@example.dk")
    log = open(dev_app.config["MAIL_LOG_PATH"], encoding="utf-8").read()
    assert "Subject: Bekræft din e-mailadresse – Eksempel Kommune" in log
    assert "From: Foreningsstøtte <no-reply@kommune.example>" in log and "To: søren@example.dk" in log
    assert log.startswith("=" * 72 + "\n")
    text = log.replace("=" * 72 + "\n", "")
    assert "=C3" not in text and "=\n" not in text and "base64" not in text and "quoted-printable" not in text
    links = re.findall(r"^http\S+$", log, flags=re.MULTILINE)
    assert len(links) == 1 and links[0].startswith(SERVED_ON + "/konto/")
    with dev_app.app_context():
        assert db.session.scalar(db.select(OutboxMessage.payload).where(
            OutboxMessage.template == "confirm_email"))["link"] == links[0]


def test_the_mail_log_lists_attachments_by_name_and_size(app):
    email = EmailMessage()
    email["Subject"], email["From"], email["To"] = "Lokalebooking bekræftet: Ø", "a@example.dk", "b@example.dk"
    email["X-Outbox-Id"] = "7"
    email.set_content("Se tiderne her:\nhttps://x.example/" + "lang-" * 30 + "\n")
    email.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="text", subtype="calendar",
                         filename="booking.ics")
    append_to_log(email)
    append_to_log(email)
    text = open(app.config["MAIL_LOG_PATH"], encoding="utf-8").read()
    assert "Attachment: booking.ics (text/calendar, 32 bytes)" in text and "VCALENDAR" not in text
    first, second = read_log(app.config["MAIL_LOG_PATH"])
    assert first["Subject"] == "Lokalebooking bekræftet: Ø" and second["X-Outbox-Id"] == "7"
    assert first.get_content() == email.get_body().get_content()
    assert first["Attachment"] == "booking.ics (text/calendar, 32 bytes)"


def test_a_log_written_in_the_old_raw_format_still_reads(app):
    email = EmailMessage()
    email["Subject"], email["To"] = "Bekræft din e-mailadresse", "a@example.dk"
    email.set_content("Åbn linket:\nhttps://x.example/" + "lang-" * 30 + "\n")
    with open(app.config["MAIL_LOG_PATH"], "w", encoding="utf-8") as fh:
        fh.write(email.as_string() + "\n" + "=" * 72 + "\n")
    append_to_log(email)
    old, new = read_log(app.config["MAIL_LOG_PATH"])
    assert old["Subject"] == new["Subject"] == "Bekræft din e-mailadresse"
    assert old.get_content() == new.get_content() == email.get_content()
