"""Mitta as a newcomer deploys it: the static export behind a plain nginx, and `make run` behind
Caddy over HTTPS. On each, a real Chromium phone saves the pack, finds the app installable, and
opens pages with the servers gone."""
import ssl
import urllib.request

import pytest

from conftest import ROOT, LiveServer, airplane_mode, free_port
from static_server import Caddy, Nginx
from test_install import assert_installable, persistent_phone
from test_offline import assert_every_page_opens, expected_pages

pytestmark = pytest.mark.browser

def test_the_static_export_on_nginx_saves_installs_and_opens_every_page_offline(
        static_site, playwright_instance, phone_profile, tmp_path):
    build, port, app = static_site
    nginx = Nginx(build, tmp_path / "nginx", port).start()
    context = persistent_phone(playwright_instance, phone_profile, tmp_path / "profile")
    try:
        page = context.new_page()
        page.goto(nginx.url + "/km/")
        assert_installable(context, page, nginx.url, "km")
        nginx.stop()
        airplane_mode(context, True)
        assert nginx.process.poll() is not None, "nginx is really gone"
        pages = expected_pages(app.test_client(), "km")
        # Every page is saved and opens with nginx gone (one of each shape by navigating, the
        # rest through the worker); tests/test_export.py shows nginx answers every URL with
        # Flask's bytes.
        assert_every_page_opens(page, nginx.url, pages)
    finally:
        context.close()
        nginx.stop()


def headers_of(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, context=ssl._create_unverified_context(), timeout=10) as answer:
        return answer.headers


def test_make_run_behind_caddy_over_https(playwright_instance, phone_profile, tmp_path):
    server = LiveServer(tmp_path, env={"MITTA_TRUSTED_PROXY": "127.0.0.1", "MITTA_HSTS": "true"}).start()
    https_port, http_port = free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    caddy = Caddy(ROOT / "deploy" / "Caddyfile", tmp_path / "caddy", ready_url=base + "/en/about/", env={
        "MITTA_DOMAIN": "127.0.0.1", "MITTA_UPSTREAM": f"127.0.0.1:{server.port}", "MITTA_CADDY_ADMIN": "off",
        "MITTA_HTTPS_PORT": str(https_port), "MITTA_HTTP_PORT": str(http_port)})
    (tmp_path / "caddy").mkdir()
    context = None
    try:
        caddy.start()
        # HSTS over HTTPS only: through Caddy, yes; to the same server over plain HTTP, no, and a
        # client cannot claim HTTPS with a header waitress was not told to believe.
        assert headers_of(base + "/en/about/")["Strict-Transport-Security"] == "max-age=31536000"
        assert "Strict-Transport-Security" not in headers_of(server.url + "/en/about/")
        assert "Strict-Transport-Security" not in headers_of(server.url + "/en/about/", {"Forwarded": "proto=https"})
        assert headers_of(base + "/en/about/")["Content-Security-Policy"] == headers_of(
            server.url + "/en/about/")["Content-Security-Policy"]
        # Caddy's own CA is not the phone's: the browser is told to accept it.
        context = persistent_phone(playwright_instance, phone_profile, tmp_path / "profile",
                                   args=["--ignore-certificate-errors"])
        page = context.new_page()
        page.goto(base + "/en/")
        assert page.evaluate("() => window.isSecureContext") is True
        assert_installable(context, page, base, "en")  # saved: the service worker is installed
        assert page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).active.state") == "activated"
        pages = expected_pages(server_client(), "en")
        some = {path: pages[path] for path in ("/en/", "/en/emergency/", "/en/guide/", "/en/about/")}
        caddy.stop()
        server.stop()
        airplane_mode(context, True)
        assert_every_page_opens(page, base, some)
    finally:
        if context:
            context.close()
        caddy.stop()
        server.stop()


def server_client():
    from conftest import make_app
    return make_app().test_client()
