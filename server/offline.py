"""Offline and install: the web app manifest, the service worker, the offline page, and the pack
of files a phone saves so every page of its language opens in airplane mode.

The pack is a snapshot. On the first request that needs it, every page of every language
(`sitemap.page_urls`), every static file those pages use (found in their HTML and CSS), the
manifest and anything registered in `offline_files` is rendered once through a test client of a
twin app whose clock is pinned to the content's newest check date, so that pages whose badges
depend on the day (open now, may be out of date) render the same bytes in every process; the
phone recomputes those badges itself. The version is a hash of every saved byte and of the service
worker's source: any change to content, templates, CSS, JS, font or icons makes a new version.

The service worker (service_worker/sw.js) receives the version and the static files' digests
inlined, so the browser's byte-for-byte update check notices a new version. It downloads a
language's pages as one document, `/offline-pack/<version>/<locale>.json`, which answers only for
the version being served: a phone can never save half of one version and half of another.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from babel.dates import get_date_format, get_month_names
from flask import (Blueprint, Response, abort, current_app, g, jsonify, redirect, render_template,
                   request, url_for)
from flask_babel import force_locale, gettext as _

from .i18n import LOCALES, negotiate
from .paths import SERVICE_WORKER_DIR, STATIC_DIR
from .sitemap import Registry, page_urls

log = logging.getLogger("mitta.offline")

bp = Blueprint("offline", __name__)

THEME_COLOR = "#0b6e69"
BACKGROUND_COLOR = "#ffffff"
SW_SOURCE = Path(SERVICE_WORKER_DIR) / "sw.js"
PACK_LINE = re.compile(r"^const PACK = .*$", re.M)
SCREENSHOTS = ("home", "emergency")  # static/screenshots/<name>-<locale>.png, made by scripts/screenshots.py

# Files to save that a page's JavaScript fetches but its HTML does not name (a search index…).
offline_files = Registry()


@offline_files.register
def _app_files(locale):
    files = [url_for("offline.manifest", lang=locale), url_for("offline.favicon")]
    # Every language's offline page and status words are tiny: keep them all, so an unknown URL
    # offline always gets the page, and its status line, in the language of its path.
    files += [url_for(endpoint, locale=other) for other in LOCALES
              for endpoint in ("offline.offline_page", "offline.messages")]
    # Quick exit's neutral page (no locale) must open offline too.
    return files + [url_for("safety.neutral")]


# ---------------------------------------------------------------- the pack

@dataclass(frozen=True)
class File:
    body: bytes
    content_type: str
    digest: str   # first 16 hex digits of SHA-256 of the body

    @property
    def mimetype(self):
        return self.content_type.split(";")[0].strip()

    @property
    def is_text(self):
        return self.mimetype.startswith("text/") or self.mimetype in (
            "application/json", "application/manifest+json", "application/javascript")


@dataclass(frozen=True)
class Pack:
    version: str
    files: dict           # path -> File, every language
    locales: dict         # locale -> sorted paths to save for it
    worker_source: str    # service_worker/sw.js as it was when the version was computed
    _bundles: dict = field(default_factory=dict, repr=False, compare=False)

    def worker(self):
        """sw.js with this version's PACK filled in."""
        data = json.dumps(self.for_worker(), separators=(",", ":"), sort_keys=True)
        return PACK_LINE.sub(lambda _m: f"const PACK = {data};", self.worker_source, count=1)

    def size(self, locale):
        return sum(len(self.files[p].body) for p in self.locales[locale])

    def bundled(self, path):
        """Pages and other generated text travel in the language's bundle; static files and
        anything binary are fetched one by one (the browser may already have them)."""
        return not path.startswith(STATIC_PREFIX) and self.files[path].is_text

    def bundle(self, locale):
        """A language's generated files (pages, JSON, manifest) as one JSON document. Compressed
        as a whole, the header and footer every page repeats cost almost nothing: about a
        quarter of the bytes of the same pages fetched one by one."""
        if locale not in self._bundles:
            files = {p: [self.files[p].content_type, self.files[p].body.decode("utf-8")]
                     for p in self.locales[locale] if self.bundled(p)}
            self._bundles[locale] = json.dumps(files, ensure_ascii=False, separators=(",", ":")).encode()
        return self._bundles[locale]

    def for_worker(self):
        """What sw.js needs: the version, and the files fetched one by one (the same for every
        language), each with its digest, checked on download and used to reuse unchanged files."""
        single = sorted({p for paths in self.locales.values() for p in paths if not self.bundled(p)})
        return {
            "version": self.version,
            "bundle": f"/offline-pack/{self.version}/",  # + "<locale>.json"
            "locales": list(self.locales),
            "files": {p: self.files[p].digest for p in single},
        }


STATIC_PREFIX = "/static/"
ASSET_ATTR = re.compile(r"""(?:href|src|content|data-[\w-]+)\s*=\s*["'](/static/[^"'#?\s]+)""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)


def static_refs(path, file):
    """Same-origin static files a page, stylesheet or manifest uses."""
    text = file.body.decode("utf-8", "replace")
    if file.mimetype == "text/html":
        return set(ASSET_ATTR.findall(text))
    if file.mimetype == "text/css":
        found = set()
        for ref in CSS_URL.findall(text):
            if ref.startswith("data:"):
                continue
            target = urlsplit(urljoin(path, ref))
            if not target.scheme and not target.netloc:
                found.add(target.path)
        return found
    if file.mimetype == "application/manifest+json":
        return {icon["src"] for icon in json.loads(text).get("icons", [])}
    return set()


def content_day(model):
    """Noon (Cambodia) on the newest date anyone checked the content: the pack's fixed clock."""
    from .content.model import CAMBODIA
    dates = [s.provenance.checked_on for s in model.services if s.provenance.checked_on]
    dates += [a.reviewed_on for a in model.articles if a.reviewed_on]
    day = max(dates, default=dt.date(2026, 1, 1))
    return dt.datetime.combine(day, dt.time(12), tzinfo=CAMBODIA)


class _QuietThread(logging.Filter):
    def __init__(self):
        super().__init__()
        self.thread = threading.get_ident()

    def filter(self, record):
        return record.thread != self.thread


@contextmanager
def quiet_access_log():
    """Keeps this thread's internal renders (hundreds for the pack) out of the access log."""
    quiet = _QuietThread()
    access = logging.getLogger("mitta.access")
    access.addFilter(quiet)
    try:
        yield
    finally:
        access.removeFilter(quiet)


def build(app) -> Pack:
    from . import create_app  # the factory imports this module

    pinned = content_day(app.extensions["content"])
    twin = create_app(dict(app.config, CLOCK=lambda: pinned))
    client = twin.test_client()
    files, locales = {}, {}

    def fetch(path):
        if path not in files:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"offline pack: {path} answered {response.status_code}")
            body = response.get_data()
            files[path] = File(body, response.content_type, hashlib.sha256(body).hexdigest()[:16])
        return files[path]

    with quiet_access_log():
        for locale in LOCALES:
            with twin.test_request_context():
                wanted = list(page_urls(locale)) + offline_files(locale)
            todo, saved = list(dict.fromkeys(wanted)), set()
            while todo:
                path = todo.pop(0)
                if path not in saved:
                    saved.add(path)
                    todo += sorted(static_refs(path, fetch(path)) - saved)
            locales[locale] = sorted(saved)

    source = SW_SOURCE.read_text(encoding="utf-8")
    digest = hashlib.sha256(source.encode())
    for path in sorted(files):
        digest.update(f"{path} {files[path].digest}\n".encode())
    return Pack(digest.hexdigest()[:16], files, locales, source)


_lock = threading.Lock()


def pack() -> Pack:
    """The pack of this process, built once on first use (the content never changes under it)."""
    app = current_app._get_current_object()
    if "offline_pack" not in app.extensions:
        with _lock:
            if "offline_pack" not in app.extensions:
                started = dt.datetime.now()
                app.extensions["offline_pack"] = built = build(app)
                log.info("offline pack %s: %s, built in %.1fs", built.version,
                         ", ".join(f"{loc} {len(p)} files {built.size(loc) // 1024} KB"
                                   for loc, p in built.locales.items()),
                         (dt.datetime.now() - started).total_seconds())
    return app.extensions["offline_pack"]


# ---------------------------------------------------------------- routes

@bp.route("/sw.js")
def service_worker():
    response = Response(pack().worker(), mimetype="text/javascript")
    # The browser must ask every time: this file is how a phone learns of a new version. The
    # ETag lets the answer be a few bytes when nothing is new.
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/offline-pack/<version>/<locale>.json")
def bundle(version):
    """A language's pages exactly as hashed into this version; any other version is gone (404),
    so a phone can never save half of one version and half of another."""
    current = pack()
    if version != current.version:
        abort(404)
    response = current_app.response_class(current.bundle(g.locale), mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico where a page names no icon (a JSON file opened as a page)."""
    return current_app.send_static_file("icons/favicon.ico")


@bp.route("/manifest.webmanifest")
def manifest_for_reader():
    """The manifest in the reader's language; each page links its own language's directly."""
    response = redirect(url_for("offline.manifest", lang=negotiate()))
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.route("/manifest-<lang>.webmanifest")
def manifest(lang):
    if lang not in LOCALES:
        abort(404)
    with force_locale(lang):
        data = manifest_data(lang)
    return Response(json.dumps(data, ensure_ascii=False, indent=1),
                    mimetype="application/manifest+json")


def manifest_data(lang):
    icon = lambda name, size, purpose: {  # noqa: E731
        "src": url_for("static", filename=f"icons/{name}"), "sizes": size, "type": "image/png",
        "purpose": purpose}
    screenshots = []
    for name in SCREENSHOTS:
        shot = Path(STATIC_DIR) / "screenshots" / f"{name}-{lang}.png"
        if shot.exists():
            width, height = png_size(shot)
            screenshots.append({
                "src": url_for("static", filename=f"screenshots/{shot.name}"),
                "sizes": f"{width}x{height}", "type": "image/png", "form_factor": "narrow",
                "label": _("Help now") if name == "emergency" else _("Mitta"),
            })
    return {
        # One app whatever language it was installed from.
        "id": "/",
        "name": _("Mitta"),
        "short_name": _("Mitta"),
        "description": _("Phone numbers and plain-language information that stay on your phone, "
                         "also without internet."),
        "lang": lang,
        "dir": "ltr",
        "start_url": url_for("pages.home", locale=lang),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            icon("icon-192.png", "192x192", "any"),
            icon("icon-512.png", "512x512", "any"),
            icon("icon-maskable-192.png", "192x192", "maskable"),
            icon("icon-maskable-512.png", "512x512", "maskable"),
        ],
        "screenshots": screenshots,
        "shortcuts": [
            {"name": _("Help now"), "url": url_for("directory.emergency", locale=lang)},
            {"name": _("Search"), "url": url_for("directory.search", locale=lang)},
        ],
    }


def png_size(path):
    header = Path(path).read_bytes()[:24]
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


@bp.route("/<locale>/offline/")
def offline_page():
    """What a phone shows for a page it has not saved while there is no connection."""
    return render_template("offline.html", sections=sections(g.locale))


def sections(locale):
    """The top pages of a language (home, emergency, guide, about…), titled by their own <h1>."""
    client = current_app.test_client()
    with quiet_access_log():
        found = _sections(client, locale)
    return [(url_for("pages.home", locale=locale), _("Home"))] + found


def _sections(client, locale):
    found = []
    for path in page_urls(locale):
        depth = path.strip("/").count("/")
        if depth != 1 or path.endswith(".json") or path == url_for("offline.offline_page", locale=locale):
            continue
        response = client.get(path)
        match = H1.search(response.get_data(as_text=True)) if response.status_code == 200 else None
        if match and response.mimetype == "text/html":
            found.append((path, re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()))
    return found


@bp.route("/<locale>/offline/messages.json")
def messages():
    """The words static/js/offline.js shows, in the page's language ({size}, {date} filled in)."""
    return jsonify({
        "saving": _("Saving for offline use…"),
        "saved": _("Saved for offline use — %(size)s KB", size="{size}"),
        "offline": _("You are offline — information saved on %(date)s", date="{date}"),
        "old": _("The saved information is more than 90 days old. Connect to the internet to get "
                 "the newest."),
        "update": _("New information available — tap to update"),
        "install": _("Install Mitta on this phone"),
        "ios": _("To keep Mitta on your iPhone: tap Share, then “Add to Home Screen”."),
        "inapp": _("To keep Mitta on your phone and use it without internet, open it in Chrome: "
                   "use this app's menu and choose to open in the browser."),
        # Dates as the rest of the app writes them (Babel's long date), also where the phone's
        # browser has no Khmer calendar data.
        "date_pattern": get_date_format("long", locale=g.locale).pattern,
        "months": [get_month_names("wide", locale=g.locale)[m] for m in range(1, 13)],
    })


def init_app(app):
    app.register_blueprint(bp)
