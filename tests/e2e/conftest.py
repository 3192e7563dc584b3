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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The demo app served on 127.0.0.1:<free port>; yields its base URL."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server
    from app import create_app
    from app.demo import seed
    from config import TestingConfig
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'e2e.sqlite'}", SERVER_NAME=None,
                     WTF_CSRF_ENABLED=True, RATELIMIT_LOGIN="1000 per minute", MAIL_LOG_PATH=str(tmp / "mail.log"),
                     UPLOAD_FOLDER=str(tmp / "files"), PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    with app.app_context():
        upgrade(revision="heads")
        seed()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
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
    page.add_script_tag(path=str(AXE))
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
    """Log in through the real form."""
    page.goto(f"{base}/konto/log-ind")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
