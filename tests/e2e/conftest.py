"""Real-browser tests: Debian's Chromium driven by Playwright against the app on a free port.

The app runs in a thread with its own migrated SQLite database and the demo data, with CSRF on.
Screenshots go to test-artifacts/screenshots/ (desktop 1280 px and phone 360 px).
"""
from __future__ import annotations

import shutil
import socket
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# Two-factor: staff log-ins enrol on first use, through the link the log-in e-mails (read from the live
# app's outbox, as the mail would carry it). The secrets shown on the enrolment page are kept per
# (server, e-mail), and the last step used, since the server refuses a code's step twice. A wider
# window than production's lets a journey log the same person in several times a minute.
TOTP_WINDOW = 10
TOTP_SECRETS: dict[tuple[str, str], str] = {}
_TOTP_LAST_STEP: dict[tuple[str, str], int] = {}
LIVE_APPS: dict = {}  # base URL -> the Flask app behind it, for tests that need to add a row


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_MIGRATED: list[bytes] = []  # the empty database at the migrations' head, made once per test process


def _migrated_database(path: Path, upgrade) -> None:
    """Bring the new database at `path` to the migrations' head: by running them the first time in this process,
    then by writing what they made (each demo server of a browser file, and one per day, would run them again)."""
    if _MIGRATED:
        from app.extensions import db
        db.engine.dispose()
        path.write_bytes(_MIGRATED[0])
        return
    upgrade(revision="heads")
    from app.extensions import db
    db.engine.dispose()
    _MIGRATED.append(path.read_bytes())


def serve_demo(tmp: Path, **settings):
    """Seed the demo into a new SQLite database under `tmp` and serve it on a free port: (base URL, server).

    `settings` are added to the app's configuration (e.g. Digital Post and the ESDH pointed at stand-ins)."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server
    from app import create_app
    from app.demo import seed
    from config import TestingConfig
    port = _free_port()
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'e2e.sqlite'}", SERVER_NAME=None,
                     WTF_CSRF_ENABLED=True, RATELIMIT_LOGIN="1000 per minute", MAIL_LOG_PATH=str(tmp / "mail.log"),
                     UPLOAD_FOLDER=str(tmp / "files"), PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
                     TWO_FACTOR_VALID_WINDOW=TOTP_WINDOW, **settings)
    with app.app_context():
        _migrated_database(tmp / "e2e.sqlite", upgrade)
        seed()
    base = f"http://127.0.0.1:{port}"
    LIVE_APPS[base] = app
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return base, server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The demo app served on 127.0.0.1:<free port>; yields its base URL."""
    base, server = serve_demo(tmp_path_factory.mktemp("e2e"))
    yield base
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (make test does).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK", is_mobile=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def check_a11y(page, context: str = "") -> None:
    """Run axe-core on the page; fail on any serious or critical violation, naming rule and element."""
    page.wait_for_load_state("load")
    # Evaluated through DevTools, not as an inline <script>: the site's CSP (rightly) blocks those.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    if bad:
        lines = [f"{v['id']} ({v['impact']}): {v['help']} -> " + ", ".join(n["target"][0] for n in v["nodes"][:5])
                 for v in bad]
        pytest.fail(f"axe violations on {page.url} {context}:\n" + "\n".join(lines))


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base: str, email: str, password: str = "demo-adgangskode") -> None:
    """Log in through the real form; for staff also the second step (enrolment by the e-mailed link on first
    log-in, else a code)."""
    page.goto(f"{base}/konto/log-ind")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    path = page.url.split("?")[0].removeprefix(base)
    if path == "/konto/to-faktor" and page.get_by_role("heading", name="Tjek din e-mail").count():
        open_enrolment_link(page, base, email)
        enrol(page, base, email)
    elif path == "/konto/to-faktor":
        page.get_by_label("Kode", exact=True).fill(totp_code(base, email))
        with page.expect_navigation():
            page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()


def enrolment_link(base: str, email: str) -> str:
    """The newest enrolment link the live app e-mailed to `email`."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models.outbox import OutboxMessage
    with LIVE_APPS[base].app_context():
        msg = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "two_factor_enrol",
                                                               OutboxMessage.recipient == email)
                                .order_by(OutboxMessage.id.desc()).limit(1))
        link = msg.payload["link"]
        db.session.remove()
    return link


def open_enrolment_link(page, base: str, email: str) -> None:
    """Open the link from the e-mail and use it: the set-up page with the QR code follows."""
    page.goto(enrolment_link(base, email))
    with page.expect_navigation():
        page.get_by_role("button", name="Fortsæt").click()
    page.wait_for_url("**/konto/to-faktor/opsaet")


def enrol(page, base: str, email: str) -> None:
    """On the enrolment page: read the key shown as text, type a code, continue past the recovery codes."""
    TOTP_SECRETS[(base, email)] = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Kode fra appen").fill(totp_code(base, email))
    page.get_by_role("button", name="Bekræft").click()
    page.get_by_role("link", name="Jeg har gemt koderne – fortsæt").click()
    page.wait_for_load_state()


def totp_code(base: str, email: str) -> str:
    """A code the live server accepts now: a later step than the last one used, within its window."""
    import time

    import pyotp

    from app import clock
    key = (base, email)
    totp = pyotp.TOTP(TOTP_SECRETS[key])
    while True:
        now = totp.timecode(clock.timestamp())
        step = max(now, _TOTP_LAST_STEP.get(key, -1) + 1)
        if step <= now + TOTP_WINDOW:
            _TOTP_LAST_STEP[key] = step
            return totp.generate_otp(step)
        time.sleep(totp.interval - clock.timestamp() % totp.interval + 0.1)  # what a person would do: wait
