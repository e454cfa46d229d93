"""`make static`: the whole site as files, served by a plain nginx with the generated nginx.conf,
answers every URL with the bytes and the headers the Flask server answers."""
import gzip
import shutil
import subprocess
import urllib.error
import urllib.request

import brotli
import pytest

from conftest import make_app
from routes import examples
from server import export, offline, security
from server.pack import content_day
from static_server import Nginx

COMPARED = ("Content-Security-Policy", *security.HEADERS, "Strict-Transport-Security", "Cache-Control", "Access-Control-Allow-Origin")


@pytest.fixture(scope="module")
def nginx(static_site, tmp_path_factory):
    build, port, _ = static_site
    server = Nginx(build, tmp_path_factory.mktemp("nginx"), port).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def flask_at_pack_time(static_site):
    """A fresh app on the pack's clock: what the Flask server answers for each URL."""
    model = static_site[2].extensions["content"]
    clock = content_day(model)
    return make_app({"CLOCK": lambda: clock}).test_client()


def fetch(url, headers=None):
    try:
        answer = urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10)
    except urllib.error.HTTPError as error:
        answer = error
    with answer:
        return answer.status, answer.headers, answer.read()


def test_nginx_answers_every_url_with_flasks_bytes_and_headers(static_site, nginx, flask_at_pack_time):
    build, _, app = static_site
    flask = flask_at_pack_time
    with app.app_context():
        site = export.urls(app, offline.pack())
    # Every page and file a route of the app answers is in the export (the API lists that need a
    # page number are not: tests/routes.py has the URLs independently of the exporter).
    listed = {u for found in examples(app).values() for u in found if "?" not in u}
    wanted = {u for u in listed if flask.get(u).status_code == 200}
    assert not wanted - set(site), sorted(wanted - set(site))[:10]

    wrong, served = [], 0
    for url in site:
        ours = flask.get(url)
        status, headers, body = fetch(nginx.url + url)
        if url in export.LISTS and ours.get_json()["total_pages"] > 1:
            # Its next pages need `?page=`, which a file cannot answer: not exported, so "not
            # found" rather than a list that looks whole.
            assert status == 404, url
            continue
        served += 1
        if (status, body) != (200, ours.get_data()):
            wrong.append((url, status, len(body), len(ours.get_data())))
            continue
        for name in COMPARED:
            if headers.get(name) != ours.headers.get(name):
                wrong.append((url, name, headers.get(name), ours.headers.get(name)))
    assert not wrong, f"{len(wrong)} of {served} differ, e.g. {wrong[:5]}"
    assert served > 600

    # Not found, redirects and what only a server can refuse, as Flask does.
    for path in ("/km/no-such-page/", "/en/no-such-page/", "/api/v1/no-such-thing", "/xx/no-such-page/"):
        status, headers, body = fetch(nginx.url + path)
        ours = flask.get(path)
        assert (status, body) == (404, ours.get_data()), path
        assert all(headers.get(n) == ours.headers.get(n) for n in ("Content-Security-Policy", *security.HEADERS)), path
    assert fetch(nginx.url + "/api/v1/services?page=2")[0] == 404  # never page 1 as if it were page 2
    assert fetch(nginx.url + "/nginx.conf")[0] == 404 and fetch(nginx.url + "/_headers")[0] == 404
    for language, home in (("en-GB,en;q=0.9", "/en/"), ("km", "/km/"), ("", "/km/")):
        request = urllib.request.Request(nginx.url + "/", headers={"Accept-Language": language})
        opener = urllib.request.build_opener(NoRedirect)
        status, headers, _ = fetch_with(opener, request)
        ours = flask.get("/", headers={"Accept-Language": language})
        assert (status, headers["Location"]) == (ours.status_code, ours.headers["Location"]) == (302, home)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def fetch_with(opener, request):
    try:
        answer = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        answer = error
    with answer:
        return answer.status, answer.headers, answer.read()


def test_nginx_sends_the_precompressed_siblings(static_site, nginx):
    build, _, app = static_site
    css = app.extensions["assets"].by_name["css/app.css"]
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        status, headers, body = fetch(nginx.url + css.url, {"Accept-Encoding": coding})
        assert headers["Content-Encoding"] == coding and "Accept-Encoding" in headers["Vary"]
        assert decode(body) == css.body and body == css.encoded[coding]
        status, headers, body = fetch(nginx.url + "/km/", {"Accept-Encoding": coding})
        assert headers["Content-Encoding"] == coding
        assert decode(body) == (build / "km" / "index.html").read_bytes()
    assert "Content-Encoding" not in fetch(nginx.url + css.url)[1]


def test_the_configurations_follow_security_py(static_site, tmp_path):
    app = static_site[2]
    base = export.secure_headers(app)
    assert base["Content-Security-Policy"] == app.extensions["csp"] and "sha256-" in base["Content-Security-Policy"]
    changed = {**base, "Content-Security-Policy": base["Content-Security-Policy"] + "; upgrade-insecure-requests"}
    csp = changed["Content-Security-Policy"]
    assert f"Content-Security-Policy: {csp}\n" in export.headers_file(changed)
    assert f'add_header Content-Security-Policy "{csp}" always;' in export.nginx_conf(tmp_path, "80", {}, changed)
    assert f'Content-Security-Policy "{csp}"' in export.caddyfile(tmp_path, changed)


def test_the_generated_caddyfile_is_valid(static_site, tmp_path):
    result = subprocess.run([shutil.which("caddy") or "/usr/bin/caddy", "adapt", "--adapter", "caddyfile",
                             "--config", str(static_site[0] / "Caddyfile")],
                            capture_output=True, text=True, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
