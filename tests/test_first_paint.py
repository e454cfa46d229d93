"""First paint in one round trip (issue 13), as byte and count budgets: every page's HTML fits in
14 KB compressed, the first paint needs nothing but the HTML (critical CSS and quick exit inline,
allowed by their hashes), and the phone's saved copies link those files instead of carrying them.
Timings are `make bench` (scripts/bench_paint.py); tests/browser/test_first_paint_phone.py checks the
same in Chromium."""
import gzip
import re

import pytest

from conftest import make_app
from routes import examples
from server import offline

# About ten TCP segments: what a new connection's first round trip can carry.
HTML_BUDGET = 14 * 1024
FONT = re.compile(r'<link rel="preload" href="/static/fonts/noto-sans-khmer-subset\.[0-9a-f]{10}\.woff2" as="font"')


@pytest.fixture(scope="module")
def app():
    return make_app()


@pytest.fixture(scope="module")
def pages(app):
    """{url: html} of every route's examples (tests/routes.py) that answer a page."""
    client = app.test_client()
    found = {}
    for urls in examples(app).values():
        for url in urls:
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                found[url] = response.get_data(as_text=True)
    return found


def head(html):
    return html.split("</head>", 1)[0]


def test_every_page_fits_in_14_kb_compressed(pages):
    assert {url.split("/")[1] for url in pages} >= {"km", "en"} and len(pages) > 100
    sizes = {url: len(gzip.compress(html.encode(), compresslevel=9, mtime=0)) for url, html in pages.items()}
    over = {url: size for url, size in sizes.items() if size > HTML_BUDGET}
    assert not over, over


def test_the_first_paint_waits_for_no_file(app, pages):
    critical = app.extensions["critical"]
    for url, html in pages.items():
        if url.startswith("/weather/"):
            continue  # quick exit's neutral page: no script, like any weather page
        top = head(html)
        # Nothing render-blocking: no stylesheet and no script with a src before the content.
        assert not re.search(r'<link rel="stylesheet"|<script [^>]*src="(?![^"]*" defer)', top), url
        assert f"<script>{critical.script.text}</script>" in top and f"<style>{critical.style.text}</style>" in top, url
        # The rest of the stylesheet comes after the content, for phones without JavaScript too.
        assert re.search(r'<link rel="stylesheet" href="/static/css/app\.[0-9a-f]{10}\.css">\s*(<link[^>]*>\s*)?<script', html), url


def test_the_khmer_font_is_preloaded_on_khmer_pages_only_and_never_in_the_head(pages):
    """Chromium lets a font preload in <head> hold the first paint until the font arrives (up to
    100 ms after <body>), so the preload is the body's first element: still in the first bytes the
    preload scanner reads, and holding nothing. tests/browser/test_first_paint_phone.py watches
    Chromium's own verdict."""
    for url, html in pages.items():
        if url.startswith(("/km/", "/en/")):
            assert not FONT.search(head(html)), url
            body = html.split("<body>", 1)[1]
            assert bool(FONT.match(body.lstrip())) == url.startswith("/km/"), url


def test_the_csp_allows_exactly_the_inline_blocks_and_nothing_inline_else(app):
    csp = app.test_client().get("/en/").headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    critical = app.extensions["critical"]
    assert directives["script-src"] == ["'self'", critical.script.source]
    assert directives["style-src"] == ["'self'", critical.style.source]
    assert "unsafe-inline" not in csp and "unsafe-hashes" not in csp


def test_saved_copies_link_the_files_they_save_and_are_smaller(app, pages):
    """Inlined into every saved page the critical CSS and script would be stored once per page:
    the saved copy links them (the pack saves them once) and is smaller than the page online."""
    with app.app_context():
        pack = offline.pack()
    saved = {path: page.body.decode() for path, page in pack.pages.items() if page.content_type.startswith("text/html")}
    client = app.test_client()
    for locale in ("km", "en"):
        home = f"/{locale}/"
        assert home in saved
    for path, html in saved.items():
        if path.startswith("/weather/"):
            continue
        assert "<style" not in html and not re.search(r"<script>", html), path
        linked = re.findall(r'(?:href|src)="/static/((?:css|js)/[\w-]+)\.[0-9a-f]{10}\.(?:css|js)"', head(html))
        assert linked == ["js/quick-exit", "css/critical"], path
        assert len(html) < len(client.get(path).get_data()), path
    assert set(pack.files) >= {app.extensions["assets"].url(name) for name in ("css/critical.css", "js/quick-exit.js")}
