"""Safety and discretion: the "Using Mitta safely" page, "Remove Mitta from this phone", and the
neutral page that quick exit opens when it cannot (or should not) leave for another site.

Quick exit itself lives in every page's header (base.html) and static/js/safety.js: the button is
a plain link to the configured neutral site, so it works without JavaScript too.
"""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_babel import force_locale, gettext as _

from .extensions import content
from .i18n import locales
from .security import same_origin
from .rendering import page, page_cache

bp = Blueprint("safety", __name__)

# Where quick exit goes online. Another site, so that the history and the screen show something
# harmless; configurable (MITTA_QUICK_EXIT_URL) for a local site people in a province would expect.
DEFAULT_EXIT_URL = "https://www.bbc.com/weather"
# Our own neutral page: offline, or in the installed app (where another site would open on top of
# Mitta instead of replacing it). It says nothing of Mitta; the service worker saves it.
NEUTRAL_PATH = "/weather/"
GUIDE_ARTICLE = "using-mitta-safely"


def exit_url(app=None):
    url = (app or current_app).config.get("QUICK_EXIT_URL") or DEFAULT_EXIT_URL
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else DEFAULT_EXIT_URL


@bp.route("/<locale>/safety/")
@page_cache("page")
def safety():
    # Link the guidance article only where the content has it, so the page never leads to a 404.
    article = content().article(GUIDE_ARTICLE)
    guide = url_for("guide.article", slug=GUIDE_ARTICLE) if article and article.in_language(g.locale) else None
    return page("safety.html", guide_url=guide)


@bp.route("/<locale>/safety/remove/", methods=["GET", "POST"])
def remove():
    if request.method == "GET":
        return _remove_page()
    # Without JavaScript (or after it has cleared what it can): the browser itself deletes
    # everything this site stored, the HTTP cache included, then shows the neutral page. (Not the
    # other site: the CSP's form-action 'self' rightly stops a form from being sent elsewhere.)
    if not same_origin():
        abort(403)  # another site may not wipe a person's saved copy
    response = redirect(NEUTRAL_PATH, code=303)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response.headers["Cache-Control"] = "no-store"
    return response


@page_cache("page")
def _remove_page():
    return page("safety_remove.html")


@bp.route(NEUTRAL_PATH)
@page_cache("page")
def neutral():
    """A plain weather page in every live language (the table's order) with no name, logo, manifest or script."""
    texts = {}
    for locale in locales():
        with force_locale(locale):
            texts[locale] = {
                "title": _("Weather"),
                "body": _("The forecast cannot be shown right now."),
                "link": _("Open a weather forecast"),
            }
    return page("neutral.html", texts=texts, exit_url=exit_url())
