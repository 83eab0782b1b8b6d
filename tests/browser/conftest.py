"""Browser tests of the console (SPEC §9): the real app on SQLite in a server thread, driven by
Playwright through Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH).

A missing browser (or playwright) is a skip, and a failure when REQUIRE_SERVICES=1 (CI).
Webhooks are processed inline (Huey immediate mode) by the real pipeline with the rules
extractor and the fixture directory. SAVE_SCREENSHOTS=1 writes docs/screenshots/*.png.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.http.signature import sign
from entrypoints.settings import REPO_ROOT, Settings
from tests.integration.conftest import migrate
from tests.integration.http.console_helpers import PASSWORD

SECRET = "browser-test-webhook-secret"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
USERS = {"admin": "admin", "olga": "operator", "rita": "reviewer", "vera": "viewer"}


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1: a missing browser is a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


class LiveApp:
    def __init__(self, app, base_url: str) -> None:
        self.app = app
        self.base_url = base_url
        self.container = app.extensions["container"]
        self.serial = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def post_webhook(self, body: dict) -> dict:
        raw = json.dumps(body).encode()
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        request = urllib.request.Request(
            self.url("/api/v1/webhooks/zendesk"),
            data=raw,
            headers={
                "Content-Type": "application/json",
                "X-Zendesk-Webhook-Signature": sign(SECRET, stamp, raw),
                "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def send_case(self, case: dict) -> None:
        self.serial += 1
        body = dict(case["payload"])
        body["message_id"] = f"<browser-{self.serial}-{uuid.uuid4().hex}@example>"
        body["comment_id"] = 990000 + self.serial
        assert self.post_webhook(body)["status"] == "accepted"


@pytest.fixture
def live_app(tmp_path) -> Iterator[LiveApp]:
    url = f"sqlite:///{tmp_path / 'console.sqlite3'}"
    migrate(url)
    settings = Settings(
        app_env="test",
        database_url=url,
        zendesk_webhook_secret=SECRET,
        huey_sqlite_path=str(tmp_path / "huey.sqlite3"),
        secret_key="browser-test-secret-key-0123456789abcdef",
        zendesk_subdomain="kanzlei-test",
        log_format="console",
        log_level="WARNING",
        recovery_grace_seconds=0,
    )
    container = build_container(settings)
    container.huey().immediate = True  # the webhook's hand-over runs the pipeline inline
    app = create_app(container)
    data = json.loads((REPO_ROOT / "tests/fixtures/directory.json").read_text(encoding="utf-8"))
    container.sql_directory().import_directory(data)
    for username, role in USERS.items():
        container.create_user()(username, role, PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveApp(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        container.engine().dispose()


@pytest.fixture
def page(browser, live_app):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page, live_app: LiveApp, username: str) -> None:
    page.goto(live_app.url("/console/"))
    assert "/console/login" in page.url  # anonymous → login page
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_label("Passwort").press("Enter")
    page.wait_for_url(live_app.url("/console/"))


def screenshot(page, name: str) -> None:
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def load_case(name: str) -> dict:
    cases = json.loads((REPO_ROOT / "tests/fixtures/creditor_emails.json").read_text("utf-8"))
    return next(c for c in cases["cases"] if c["name"] == name)


def seed_failed(live_app: LiveApp, n: int) -> list[str]:
    """Failed jobs as a permanent error leaves them (the pipeline itself rarely fails)."""
    from datetime import timedelta

    from domain.errors import ErrorInfo
    from domain.model import EmailJob
    from domain.retry_policy import RetryPolicy
    from domain.values import InboundEmail

    now = datetime.now(UTC)
    ids = []
    for i in range(n):
        live_app.serial += 1
        email = InboundEmail(
            ticket_id=70000000000000 + live_app.serial,
            from_email="buchhaltung@stoerung.example",
            received_at=now - timedelta(minutes=n - i),
            body_text=f"Forderung Nr. {i}: 100,00 EUR",
            subject=f"Störfall {i}",
            message_id=f"<failed-{uuid.uuid4().hex}@example>",
        )
        job = EmailJob(str(uuid.uuid4()), email, received_at=email.received_at)
        job.enqueue(now)
        job.start(now, timedelta(minutes=10))
        job.fail_attempt(
            ErrorInfo.permanent("ValueError", f"Betrag nicht lesbar in Zeile {i + 3}"),
            now,
            RetryPolicy(max_retries=0),
        )
        with live_app.container.unit_of_work() as uow:
            uow.jobs.add(job)
            uow.commit()
        ids.append(job.id)
    return ids


def open_reviews(live_app: LiveApp) -> list[str]:
    """Ids of the open reviews, oldest first (the pipeline opens one per needs_review job)."""
    import sqlalchemy as sa

    with live_app.container.engine().connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id FROM email_jobs WHERE review_status = 'open' ORDER BY received_at, id"
            )
        )
        return [row[0] for row in rows]
