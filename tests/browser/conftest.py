"""Browser fixtures: the app served on 127.0.0.1 from a thread, and Debian's headless Chromium."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app

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
def live_app(tmp_path):
    """A fresh app on its own database file, for serving to the browser."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "bot.db"),
            "TWILIO_AUTH_TOKEN": "test-token",
            "SECRET_KEY": "test",
            "PHONE_HASH_KEY": "test-hash-key",
        }
    )


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
