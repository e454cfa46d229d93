"""Offline and install, as routes: the service worker and its configuration, the pack's parts,
the manifest, the offline page and the words static/js/offline.js shows.

The pack itself is built by server/pack.py from the loaded model and the declared static files
(server/assets.py); this module only gives it a way to render a path and serves the result.
Pages are rendered by this app's own views through server/rendering.py's one `render()`, as the
saved copy and at the content's newest check date: explicit inputs, past the page cache, so the
pack may be built while visitors are answered and neither sees the other's pages.

The service worker (service_worker/sw.js, served as it is) imports its configuration from
/sw-pack.js, generated from the pack, then the modules WORKER_MODULES lists, each at
/sw/<digest>/<name> (immutable: the digest of all of them, so a changed module changes
/sw-pack.js, which names them, and the browser installs the new worker). sw.js and /sw-pack.js are
fresh for an hour in the phone's HTTP cache and registered with `updateViaCache: 'all'`, so the
browser looks for a new version at most once an hour, not on every page.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from babel.dates import get_date_format, get_month_names
from flask import Blueprint, Response, abort, current_app, g, jsonify, redirect, request, url_for
from flask_babel import force_locale, gettext as _

from . import pack as packing, protocol, rendering
from .extensions import content
from .rendering import page
from .i18n import locales, negotiate
from .manifest import manifest_data
from .paths import SERVICE_WORKER_DIR
from .search import shard_of
from .sitemap import Registry, page_urls

log = logging.getLogger("mitta.offline")

bp = Blueprint("offline", __name__)

SW_SOURCE = Path(SERVICE_WORKER_DIR) / "sw.js"
# The modules sw.js imports, in order (each may use those before it): a new one is one line here.
# recordings.js before answer.js: its fetch listener, added first, answers clips (ranges too).
WORKER_MODULES = ("protocol.js", "store.js", "recordings.js", "answer.js")
# How long the phone trusts its copy of sw.js and /sw-pack.js before asking again.
CHECK_EVERY = 3600
IMMUTABLE = "public, max-age=31536000, immutable"

# Generated files to save besides the pages (sitemap.page_urls): an area adds its own here.
offline_files = Registry()


@offline_files.register
def _app_files(locale):
    files = [url_for("offline.manifest", lang=locale)]
    # Every language's offline page and status words are tiny: keep them all, so an unknown URL
    # offline always gets the page, and its status line, in the language of its path.
    files += [url_for(endpoint, locale=other) for other in locales()
              for endpoint in ("offline.offline_page", "offline.messages")]
    # Quick exit's neutral page (no locale) must open offline too.
    return files + [url_for("safety.neutral")]


# ---------------------------------------------------------------- building the pack

def build(app) -> packing.Pack:
    """Every saved path rendered as the saved copy (server/rendering.py) at the pack's clock:
    the content's newest check day (pack.content_day), so the same content packs to the same bytes."""
    model = app.extensions["content"]

    def paths(locale):
        with app.app_context(), app.test_request_context():
            return list(page_urls(locale)) + offline_files(locale)

    def render(path, clock):
        response = rendering.render(app, path, at=clock, saved_copy=True)
        if response.status_code != 200:
            raise RuntimeError(f"offline pack: {path} answered {response.status_code}")
        return response.content_type, response.get_data()

    linked = linked_from(model)
    return packing.build(model, app.extensions["assets"].offline(), locales(app), paths=paths, render=render,
                         worker_source=SW_SOURCE.read_text(encoding="utf-8"),
                         modules={name: (Path(SERVICE_WORKER_DIR) / name).read_text(encoding="utf-8")
                                  for name in WORKER_MODULES},
                         province=lambda path: province_of(model, path, linked),
                         first=[p.slug for p in model.featured_provinces])


def province_of(model, path, linked=None):
    """The province a saved path belongs to, for saving by province (server/protocol.py says
    which): its pages, its card, the services that are its own (search.shard_of), their search
    index documents and the share texts its lists read (share.holders). A service page is also
    saved with every other province it works in and every province whose need pages list it among
    the nearest (a neighbour's service), so a saved province's links open offline."""
    def service_province(service_id):
        service = model.service(service_id)
        return shard_of(service) if service else None
    own = protocol.province_of(path, service_province)
    segments = [s for s in path.split("/") if s]
    if own is None or len(segments) != 3 or segments[1] != "service":
        return own
    service = model.service(segments[2])
    linking = (linked if linked is not None else linked_from(model)).get(segments[2], ())
    return tuple(dict.fromkeys((own, *sorted({*service.provinces, *linking}))))


def linked_from(model) -> dict[str, set[str]]:
    """Service id -> the provinces whose need pages list it among the nearest."""
    found: dict[str, set[str]] = {}
    for p in model.provinces:
        for c in model.needs if model.has_local(p.slug) else ():
            for _, group in model.need_page(p.slug, c.slug).nearest:
                for s in group:
                    found.setdefault(s.id, set()).add(p.slug)
    return found


_lock = threading.Lock()


def pack() -> packing.Pack:
    """The pack of this process, built once (the content never changes under it)."""
    app = current_app._get_current_object()
    if "offline_pack" not in app.extensions:
        with _lock:
            if "offline_pack" not in app.extensions:
                started = time.perf_counter()
                app.extensions["offline_pack"] = built = build(app)
                log.info("offline pack %s: %s, built in %.1fs", built.version,
                         ", ".join(f"{loc} {len(parts)} parts, about {built.stored(loc) // 1024} KB stored first, "
                                   f"{len(built.later[loc])} provinces later"
                                   for loc, parts in built.parts.items()),
                         time.perf_counter() - started)
    return app.extensions["offline_pack"]


# ---------------------------------------------------------------- routes

def checked_hourly(response):
    response.headers["Cache-Control"] = f"max-age={CHECK_EVERY}"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/sw.js")
def service_worker():
    return checked_hourly(Response(pack().worker_source, mimetype="text/javascript"))


@bp.route("/sw/<digest>/<name>")
def worker_module(digest, name):
    """One module of the worker, at the URL /sw-pack.js names; another digest is gone (404)."""
    built = pack()
    url = protocol.module_url(digest, name)
    if url not in built.module_urls():
        abort(404)
    response = Response(built.modules[name], mimetype="text/javascript")
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.route("/sw-pack.js")
def worker_config():
    """The worker's configuration, as the one statement `self.PACK = {…};`."""
    data = json.dumps(pack().config(), separators=(",", ":"), sort_keys=True)
    return checked_hourly(Response(f"self.PACK = {data};\n", mimetype="text/javascript"))


@bp.route("/offline-pack/<digest>.json")
def part(digest):
    """One part of the pack, named by the hash of its bytes. A part the current pack does not
    have is gone (404): the phone then says the server changed while it was saving."""
    found = pack().part(digest)
    if not found:
        abort(404)
    response = current_app.response_class(found.body, mimetype="application/json")
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico where a page names no icon (a JSON file opened as a page)."""
    from .static import respond
    # Not a hashed URL: it may change, so not immutable.
    return respond(current_app.extensions["assets"].by_name["icons/favicon.ico"], f"max-age={CHECK_EVERY}")


@bp.route("/manifest.webmanifest")
def manifest_for_reader():
    """The manifest in the reader's language; each page links its own language's directly."""
    response = redirect(url_for("offline.manifest", lang=negotiate()))
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.route("/manifest-<lang>.webmanifest")
def manifest(lang):
    if lang not in locales():
        abort(404)
    with force_locale(lang):
        data = manifest_data(lang)
    return Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/manifest+json")


@bp.route("/<locale>/offline/")
def offline_page():
    """What a phone shows for a page it has not saved while there is no connection."""
    return page("offline.html", sections=sections(g.locale))


def sections(locale):
    """The sections every phone has saved, from the model: the featured provinces among them."""
    featured = [(url_for("directory.province", slug=p.slug), p.name(locale))
                for p in content().provinces if p.featured]
    return [
        (url_for("pages.home"), _("Home")),
        (url_for("directory.emergency"), _("Help now")),
        (url_for("guide.index"), _("Safety guidance")),
        *featured,
        (url_for("directory.search"), _("Search")),
        (url_for("pages.about"), _("About Mitta")),
        (url_for("pages.privacy"), _("Privacy")),
        (url_for("safety.safety"), _("Using Mitta safely")),
    ]


@bp.route("/<locale>/offline/messages.json")
def messages():
    """The words static/js/offline.js shows, in the page's language ({size}, {date} filled in)."""
    return jsonify({
        "saving": _("Saving for offline use…"),
        "saved": _("Saved for offline use — %(size)s KB", size="{size}"),
        # When the whole country did not fit a first visit: {provinces} is a list of names.
        "partial": _("Saved for offline use — %(size)s KB: the guide, national services and "
                     "%(provinces)s. Other provinces are saved when you open them.",
                     size="{size}", provinces="{provinces}"),
        "provinces": {p.slug: p.name(g.locale) for p in content().provinces},
        "offline": _("You are offline — information saved on %(date)s", date="{date}"),
        "old": _("The saved information is more than 90 days old. Connect to the internet to get "
                 "the newest."),
        "update": _("New information available — tap to update"),
        # Why saving stopped; the saved copy, if any, keeps working.
        "space": _("Not enough space: Mitta needs %(size)s KB. Free some space, then tap Try again.",
                   size="{size}"),
        "lost": _("Saving for offline use stopped: the connection was lost."),
        "changed": _("Saving for offline use stopped: Mitta changed on the server while saving."),
        "failed": _("Saving for offline use did not work."),
        "retry": _("Try again"),
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
