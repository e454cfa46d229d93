"""Safety and discretion: the "Using Mitta safely" page, "Remove Mitta from this phone", and the
neutral page that quick exit opens when it cannot (or should not) leave for another site.

Quick exit itself lives in every page's header (base.html) and static/js/safety.js: the button is
a plain link to the configured neutral site, so it works without JavaScript too.
"""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _

from .extensions import content
from .i18n import LOCALES
from .pages import page_cache

bp = Blueprint("safety", __name__)

# Where quick exit goes online. Another site, so that the history and the screen show something
# harmless; configurable (MITTA_QUICK_EXIT_URL) for a local site people in a province would expect.
DEFAULT_EXIT_URL = "https://www.bbc.com/weather"
# Our own neutral page: offline, or in the installed app (where another site would open on top of
# Mitta instead of replacing it). It says nothing of Mitta; the service worker saves it.
NEUTRAL_PATH = "/weather/"
GUIDE_ARTICLE = "using-mitta-safely"


def exit_url():
    url = current_app.config.get("QUICK_EXIT_URL") or DEFAULT_EXIT_URL
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else DEFAULT_EXIT_URL


@bp.app_context_processor
def quick_exit_context():
    return {"quick_exit_url": exit_url(), "neutral_path": NEUTRAL_PATH}


@bp.route("/<locale>/safety/")
@page_cache
def safety():
    # Link the guidance article only where the content has it, so the page never leads to a 404.
    guide = url_for("guide.article", slug=GUIDE_ARTICLE) if content().article(GUIDE_ARTICLE) else None
    return render_template("safety.html", guide_url=guide)


@bp.route("/<locale>/safety/remove/", methods=["GET", "POST"])
def remove():
    if request.method == "GET":
        return _remove_page()
    # Without JavaScript (or after it has cleared what it can): the browser itself deletes
    # everything this site stored, the HTTP cache included, then shows the neutral page. (Not the
    # other site: the CSP's form-action 'self' rightly stops a form from being sent elsewhere.)
    if not from_our_pages():
        abort(403)  # another site may not wipe a person's saved copy
    response = redirect(NEUTRAL_PATH, code=303)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response.headers["Cache-Control"] = "no-store"
    return response


def from_our_pages():
    """Whether this POST came from one of our own pages: Sec-Fetch-Site (modern browsers) and
    Origin (older ones too) must each say so when they are sent."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # a browser too old to send either
    if origin == "null":
        # Our pages' no-referrer policy makes a browser send "null" for its own form posts; we
        # believe it only from a browser that also says where the request came from.
        return site is not None
    ours = {request.host, urlsplit(current_app.config["PUBLIC_URL"]).netloc}
    try:
        return urlsplit(origin).netloc in ours
    except ValueError:  # not a URL at all ("http://[")
        return False


@page_cache
def _remove_page():
    return render_template("safety_remove.html")


@bp.route(NEUTRAL_PATH)
@page_cache
def neutral():
    """A plain weather page in Khmer and English with no name, logo, manifest or script."""
    texts = {}
    for locale in LOCALES:
        with force_locale(locale):
            texts[locale] = {
                "title": _("Weather"),
                "body": _("The forecast cannot be shown right now."),
                "link": _("Open a weather forecast"),
            }
    return render_template("neutral.html", texts=texts, exit_url=exit_url())
