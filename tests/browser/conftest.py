"""Browser fixtures: the app served on 127.0.0.1 from a thread, and Debian's headless Chromium."""

import os
import shutil
import threading

import pytest
from admin_support import add_staff
from werkzeug.serving import make_server

from app import create_app
from tests.conftest import BASE_CONFIG

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTEFACTS = os.path.join(os.path.dirname(__file__), "..", "artefacts")


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium; CI installs it, so its absence is a failure, not a skip."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM}; install Debian's chromium.")


class LiveServer:
    """The app on a free loopback port, served by Werkzeug in a daemon thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path, seeded):
    """A fresh app on its own copy of the seeded database file, for serving to the browser."""
    shutil.copyfile(seeded, tmp_path / "bot.db")
    return create_app({**BASE_CONFIG, "DATABASE": str(tmp_path / "bot.db")})


@pytest.fixture
def live_server(live_app):
    """The live app's base URL, served for the length of one test."""
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A new page in a fresh browser context (no cookies or storage from other tests)."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artefacts():
    """The folder where browser tests save screenshots (kept out of git)."""
    os.makedirs(ARTEFACTS, exist_ok=True)
    return ARTEFACTS


@pytest.fixture
def partner_row(live_app):
    """Change (or add) a partner row in the live app's database; returns the updater."""
    import json

    import sqlite_utils

    def update(key="demo", **fields):
        for name in ("origins", "greeting", "colors"):
            if name in fields and not isinstance(fields[name], str):
                fields[name] = json.dumps(fields[name])
        conn = sqlite_utils.Database(live_app.config["DATABASE"])
        try:
            row = conn["partner"].get(key) if conn["partner"].count_where("key = ?", [key]) else {}
            conn["partner"].upsert({**row, "key": key, **fields}, pk="key")
        finally:
            conn.close()

    return update


@pytest.fixture
def host_page(page):
    """Serve html at url to the browser from the test itself (any origin, nothing fetched)."""

    def serve(url, html):
        page.route(
            url, lambda route: route.fulfill(status=200, content_type="text/html", body=html)
        )
        page.goto(url)
        return page

    return serve


class OtherSite:
    """Pages set by a test, served on another loopback port: a partner's website."""

    def __init__(self):
        self.pages = {}
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __call__(self, environ, start_response):
        html = self.pages.get(environ.get("PATH_INFO", ""))
        status = "200 OK" if html is not None else "404 Not Found"
        start_response(status, [("Content-Type", "text/html; charset=utf-8")])
        return [(html or "Not found").encode("utf-8")]

    def serve(self, path, html):
        """Serve html at path; its full URL."""
        self.pages[path] = html
        return self.url + path


@pytest.fixture
def other_site():
    """Another website (another origin) on loopback, for partner pages that embed the widget."""
    site = OtherSite()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.thread.join(timeout=5)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory, seeded):
    """One app for a whole module of tests that only chat (each browser context is a new
    conversation), on a copy of the seeded database: no per-test seeding and training."""
    path = tmp_path_factory.mktemp("shared") / "bot.db"
    shutil.copyfile(seeded, path)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(path),
            "TWILIO_AUTH_TOKEN": "test-token",
            "SECRET_KEY": "test",
            "PHONE_HASH_KEY": "test-hash-key",
            "RETRAIN_ON_CHANGE": "",
        }
    )
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def staff_server(live_app, live_server):
    """The live server with an admin, an editor and a viewer."""
    add_staff(live_app)
    return live_server
