"""`make static`: the whole site as files, served by a plain nginx with the generated nginx.conf
and by Caddy with the generated Caddyfile, answers every URL with the bytes, the headers and the
validator the Flask server answers; `_headers` and `_redirects` (Netlify, Cloudflare Pages) read
back, by the documented syntax, to the same headers and to files that exist."""
import gzip
import re
import urllib.error
import urllib.request
from fnmatch import fnmatchcase

import brotli
import pytest

from conftest import make_app
from routes import examples
from server import export, offline, security
from server.pack import content_day
from conftest import free_port
from static_server import Nginx, caddy_for_export

COMPARED = ("Content-Security-Policy", *security.HEADERS, "Strict-Transport-Security", "Cache-Control", "Access-Control-Allow-Origin")
# The ETag is the one validator everywhere (server/compress.py): no Last-Modified from any server.
VALIDATORS = ("ETag", "Last-Modified")


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def server(request, static_site, tmp_path_factory):
    """The export served by a plain nginx with its nginx.conf, or by Caddy with its Caddyfile."""
    build, port, _ = static_site
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "nginx":
        started = Nginx(build, tmp, port).start()
    else:
        started = caddy_for_export(build, tmp, free_port()).start()
    yield started
    started.stop()


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


def test_the_server_answers_every_url_with_flasks_bytes_headers_and_validator(static_site, server, flask_at_pack_time):
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
        status, headers, body = fetch(server.url + url)
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
        # A phone revalidating with the validator it was given is told "not modified" by both.
        given = [name for name in VALIDATORS if name in headers]
        if given != [name for name in VALIDATORS if name in ours.headers] or given != ["ETag"]:
            wrong.append((url, "validators", given))
            continue
        again = fetch(server.url + url, {"If-None-Match": headers["ETag"]})
        ours_again = flask.get(url, headers={"If-None-Match": ours.headers["ETag"]})
        if (again[0], again[2], ours_again.status_code) != (304, b"", 304):
            wrong.append((url, "revalidated", again[0], ours_again.status_code))
    assert not wrong, f"{len(wrong)} of {served} differ, e.g. {wrong[:5]}"
    assert served > 600

    # Not found, redirects and what only a server can refuse, as Flask does.
    for path in ("/km/no-such-page/", "/en/no-such-page/", "/api/v1/no-such-thing", "/xx/no-such-page/"):
        status, headers, body = fetch(server.url + path)
        ours = flask.get(path)
        assert (status, body) == (404, ours.get_data()), path
        assert all(headers.get(n) == ours.headers.get(n) for n in ("Content-Security-Policy", *security.HEADERS)), path
    assert fetch(server.url + "/api/v1/services?page=2")[0] == 404  # never page 1 as if it were page 2
    assert all(fetch(server.url + "/" + name)[0] == 404 for name in export.CONFIGS)
    # A date is never compared: the file times are no dates (export.write_file), and Flask has none.
    long_after = {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    assert fetch(server.url + "/km/", long_after)[0] == flask.get("/km/", headers=long_after).status_code == 200
    for language, home in (("en-GB,en;q=0.9", "/en/"), ("km", "/km/"), ("", "/km/")):
        request = urllib.request.Request(server.url + "/", headers={"Accept-Language": language})
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


def test_the_server_sends_the_precompressed_siblings(static_site, server):
    build, _, app = static_site
    css = app.extensions["assets"].by_name["css/app.css"]
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        status, headers, body = fetch(server.url + css.url, {"Accept-Encoding": coding})
        assert headers["Content-Encoding"] == coding and "Accept-Encoding" in headers["Vary"]
        assert decode(body) == css.body and body == css.encoded[coding]
        status, headers, body = fetch(server.url + "/km/", {"Accept-Encoding": coding})
        assert headers["Content-Encoding"] == coding
        assert decode(body) == (build / "km" / "index.html").read_bytes()
        # Each encoding is its own representation with its own validator, and revalidates.
        again = fetch(server.url + "/km/", {"Accept-Encoding": coding, "If-None-Match": headers["ETag"]})
        assert again[0] == 304 and again[1]["ETag"] == headers["ETag"]
    assert "Content-Encoding" not in fetch(server.url + css.url)[1]
    # Another 404 page the same way ("not found" answers are files too).
    status, headers, body = fetch(server.url + "/en/no-such-page/", {"Accept-Encoding": "br"})
    assert status == 404 and brotli.decompress(body) == (build / "en" / "404.html").read_bytes()


def test_a_files_validator_depends_on_its_bytes_alone(static_site, tmp_path):
    """Exported again unchanged, every file keeps its time, so nginx's and Caddy's ETags (size
    and time) stay the same and a phone's revalidation still answers 304 after a re-upload."""
    build, _, app = static_site
    export.write_file(tmp_path / "again.html", (build / "km" / "index.html").read_bytes())
    assert (tmp_path / "again.html").stat().st_mtime == (build / "km" / "index.html").stat().st_mtime
    export.write_file(tmp_path / "changed.html", (build / "km" / "index.html").read_bytes() + b" ")
    assert (tmp_path / "changed.html").stat().st_mtime != (build / "km" / "index.html").stat().st_mtime


def test_the_configurations_follow_security_py(static_site, tmp_path):
    app = static_site[2]
    base = export.secure_headers(app)
    assert base["Content-Security-Policy"] == app.extensions["csp"] and "sha256-" in base["Content-Security-Policy"]
    changed = {**base, "Content-Security-Policy": base["Content-Security-Policy"] + "; upgrade-insecure-requests"}
    csp = changed["Content-Security-Policy"]
    assert f"Content-Security-Policy: {csp}\n" in export.headers_file(changed)
    assert f'add_header Content-Security-Policy "{csp}" always;' in export.nginx_conf(tmp_path, "80", {}, changed, ("km", "en"))
    assert f'Content-Security-Policy "{csp}"' in export.caddyfile(tmp_path, changed, ("km", "en"))



# ---------------------------------------------------------------- _headers and _redirects
# No well-kept Python or Debian tool reads them (Netlify's own parsers are npm packages), so a
# strict reader of the syntax Netlify and Cloudflare Pages document: a line `# …` is a comment;
# _headers is blocks of a path (wildcard `*`) followed by indented `Name: value` lines;
# _redirects is one `from to [status]` per line. Cloudflare's limits: 100 header rules and 2,000
# characters a line; 2,000 static and 100 dynamic redirects, 1,000 characters a line.
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # a header name (RFC 9110)


def read_headers(text):
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        assert len(line) <= 2000, f"_headers:{number}: longer than Cloudflare reads"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            assert line.startswith("/") and line.count("*") <= 1 and " " not in line, f"_headers:{number}: {line!r}"
            rules.append((line, {}))
            continue
        name, colon, value = line.strip().partition(":")
        assert rules and colon and TOKEN.fullmatch(name) and value.strip(), f"_headers:{number}: {line!r}"
        assert name not in rules[-1][1], f"_headers:{number}: {name} twice"
        rules[-1][1][name] = value.strip()
    assert len(rules) <= 100
    return rules


def read_redirects(text):
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        assert len(line) <= 1000, f"_redirects:{number}: longer than Cloudflare reads"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        source, target, *status = line.split()
        assert len(status) <= 1 and re.fullmatch(r"/\S*", source) and re.fullmatch(r"/\S*", target), \
            f"_redirects:{number}: {line!r}"
        assert "*" not in source[:-1] and "*" not in target, f"_redirects:{number}: a splat only ends a source"
        code = int(status[0]) if status else 301  # Netlify's default
        assert code in (200, 301, 302, 303, 307, 308, 404), f"_redirects:{number}: status {code}"
        rules.append((source, target, code))
    assert sum("*" in s for s, _, _ in rules) <= 100 and sum("*" not in s for s, _, _ in rules) <= 2000
    return rules


def test_headers_and_redirects_read_back_to_flasks_headers_and_existing_files(static_site, flask_at_pack_time):
    build, _, app = static_site
    with app.app_context():
        site = export.urls(app, offline.pack())

    # Every header rule applies to some URL of the site, and the headers a host adds to each URL
    # are the ones Flask sends over HTTPS.
    rules = read_headers((build / "_headers").read_text(encoding="utf-8"))
    assert all(any(fnmatchcase(url, pattern) for url in site) for pattern, _ in rules)
    wrong = []
    for url in site:
        sent = {}
        for pattern, headers in rules:
            if fnmatchcase(url, pattern):
                sent.update(headers)
        ours = flask_at_pack_time.get(url, base_url="https://mitta.example")
        expected = {name: ours.headers[name] for name in COMPARED if name in ours.headers}
        expected["Strict-Transport-Security"] = security.HSTS  # a static host serves HTTPS only
        if sent != expected:
            wrong.append((url, set(sent.items()) ^ set(expected.items())))
    assert not wrong, wrong[:3]

    # Every redirect and rewrite leads to a file of the export, or a URL the host finds one for.
    def exists(url):
        path = build / url.lstrip("/")
        return path.is_file() or (path / "index.html").is_file() or path.with_name(path.name + ".html").is_file()

    redirects = read_redirects((build / "_redirects").read_text(encoding="utf-8"))
    for source, target, code in redirects:
        assert exists(target), (source, target)
        if code == 200:
            # A rewrite only applies where no file is (Netlify), and gives the file Flask answers.
            assert not exists(source) and source in site, source
            assert (build / target.lstrip("/")).read_bytes() == flask_at_pack_time.get(source).get_data()
    answered = {source for source, _, code in redirects if code == 200}
    paged = {u for u in export.LISTS if flask_at_pack_time.get(u).get_json()["total_pages"] > 1}  # not exported
    assert answered == {u for u in site if not exists(u)} - paged, "a URL the host could not find"


def test_an_exported_page_is_the_saved_copy_but_for_what_the_phone_has_saved(static_site):
    """The true relation of the export to the pack (server/export.py): the same content and links;
    where the online page inlines the critical script and CSS, the saved copy links the files it
    also saves, and a Khmer saved page does not preload the font the phone already has."""
    build, _, app = static_site
    critical, assets = app.extensions["critical"], app.extensions["assets"]
    with app.app_context():
        pack = offline.pack()
    inline = f"<script>{critical.script.text}</script>\n<style>{critical.style.text}</style>"
    linked = (f'<script src="{assets.url("js/quick-exit.js")}"></script>\n'
              f'<link rel="stylesheet" href="{assets.url("css/critical.css")}">')
    preload = re.compile(r'\n<link rel="preload" href="/static/fonts/[^"]+" as="font" type="font/woff2" crossorigin>')
    pages = {path: page for path, page in pack.pages.items() if page.content_type.startswith("text/html")}
    differ = 0
    for path, page in pages.items():
        exported = (build / export.file_path(path, page.content_type)).read_text(encoding="utf-8")
        saved = page.body.decode("utf-8")
        if exported != saved:
            differ += 1
            assert inline in exported and linked in saved, path
            assert preload.sub("", exported.replace(inline, linked), count=1) == saved, path
    # Every page but quick exit's neutral one, which inlines nothing.
    assert differ == len(pages) - 1 > 500
