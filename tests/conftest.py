"""Fixtures: the app, a test client, a live server (the real WSGI server in its own process) and
a real Chromium in phone emulation."""
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from server import create_app

ROOT = Path(__file__).resolve().parent.parent
# Every test app and test server runs on this clock, never the real one: "Checked on", "may be out
# of date" and "open now" would otherwise change with the calendar. 09:00 in Cambodia, a Tuesday,
# nine days after the content's newest check.
TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path():
    for candidate in (os.environ.get("MITTA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None  # Playwright's own build, installed by scripts/ensure_chromium.py


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`python -m server.serve` (waitress) on a free port; stop() kills it like a lost network."""

    def __init__(self, tmp_dir, env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tmp_dir) / f"server-{self.port}.log"
        self.env = {**os.environ, "PORT": str(self.port), "HOST": "127.0.0.1",
                    "MITTA_CLOCK": TODAY.isoformat(), **(env or {})}
        self.process = None
        self.command = [sys.executable, "-m", "server.serve"]

    def start(self, wait=30):
        """`wait`: seconds to start, the offline pack built (longer for a grown directory)."""
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env,
            stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log_text())
            try:
                urllib.request.urlopen(self.url + "/en/about/", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.log_text())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._log.close()

    def log_text(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")


class WholeAnswerClient(FlaskClient):
    """A test client that reads every answer whole and closes it, as a browser would: a static
    file's handle is then never left open (pytest makes that ResourceWarning an error)."""

    def open(self, *args, buffered=True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


Flask.test_client_class = WholeAnswerClient  # every app a test makes, the offline pack's twin too


def make_app(config=None):
    """A test app: TESTING on, the clock pinned to TODAY, and `config` on top."""
    # DB: the database the autouse fixture `reports_db` gave this test (servers it starts inherit
    # MITTA_DB from the environment); a test app reads no environment of its own.
    return create_app({"TESTING": True, "CLOCK": lambda: TODAY, "DB": os.environ.get("MITTA_DB"),
                       **(config or {})})


@pytest.fixture(autouse=True)
def reports_db(tmp_path, monkeypatch):
    """Problem reports go to this test's own database, never the project's instance/ folder
    (servers started by the test inherit it)."""
    path = tmp_path / "reports.sqlite3"
    monkeypatch.setenv("MITTA_DB", str(path))
    return path


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask's CLI runner: `runner.invoke(command, args)` runs a command as `flask` would."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live")).start()
    yield server
    server.stop()


@pytest.fixture
def own_server(tmp_path):
    """A server this test alone may stop or restart."""
    server = LiveServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)
    yield browser
    browser.close()


def airplane_mode(context, on=True):
    """The phone goes into (or out of) airplane mode: no request reaches the network, and every
    page's navigator.onLine says so, with the browser's own `offline`/`online` events.

    Playwright's set_offline cuts the network, but Chromium 150 starts each new document with
    navigator.onLine true even in an offline context (a page the service worker answers says
    "online"). So each document, as it loads, is also told the phone's state through CDP's
    Network.overrideNetworkState, which sets navigator.onLine and blocks nothing: going back
    online, the network is open again by the time the `online` event reaches the page."""
    context.set_offline(on)
    state = context.__dict__.setdefault("_mitta_airplane", {"sessions": {}})
    state["on"] = on

    def tell(page):
        if page.is_closed():
            return
        if page not in state["sessions"]:
            state["sessions"][page] = context.new_cdp_session(page)
        state["sessions"][page].send("Network.overrideNetworkState", {
            "offline": state["on"], "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    def watch(page):
        page.on("domcontentloaded", lambda _: state["on"] and tell(page))

    if not state.get("watching"):
        state["watching"] = True
        context.on("page", watch)
        for page in context.pages:
            watch(page)
    for page in context.pages:
        tell(page)


@pytest.fixture(scope="session")
def phone_profile(playwright_instance):
    """Pixel 5 emulation: a small Android phone."""
    return dict(playwright_instance.devices["Pixel 5"])


@pytest.fixture
def phone(browser, phone_profile):
    """A page in a fresh (incognito) phone-sized context."""
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def narrow_phone(browser, phone_profile):
    """A page on the narrowest phone we support: 320 px wide."""
    context = browser.new_context(**dict(phone_profile, viewport={"width": 320, "height": 640}))
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_javascript(browser, phone_profile):
    """A page on a phone with JavaScript turned off: everything must still work."""
    context = browser.new_context(**phone_profile, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def static_site(tmp_path_factory):
    """`flask export` (what `make static` runs) into a temporary build/, its nginx.conf written for
    a free loopback port: (folder, port, the app it was exported from)."""
    app = make_app()
    build, port = tmp_path_factory.mktemp("static") / "build", free_port()
    result = app.test_cli_runner().invoke(args=["export", str(build), "--listen", f"127.0.0.1:{port}"])
    assert result.exit_code == 0, result.output
    return build, port, app


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Hypothesis: a short search inside `make test`; `make fuzz` (--hypothesis-profile=fuzz) a long one.
# No example database: a run never depends on what an earlier run on this machine found.
settings.register_profile("default", max_examples=1000, deadline=None, database=None,
                          print_blob=True)
settings.register_profile("fuzz", parent=settings.get_profile("default"),
                          max_examples=int(os.environ.get("FUZZ_EXAMPLES", "50000")))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
