"""Locales: every page lives under /km/ or /en/; Khmer is the default when in doubt."""
from flask import abort, g, redirect, request, url_for

LOCALES = ("km", "en")
DEFAULT = "km"
NAMES = {"km": "ខ្មែរ", "en": "English"}


def negotiate():
    """The visitor's language from Accept-Language, Khmer unless English is preferred."""
    return request.accept_languages.best_match(LOCALES, default=DEFAULT)


def select_locale():
    return g.get("locale") or negotiate()


def other(locale):
    return "en" if locale == "km" else "km"


def init_app(app):
    @app.url_value_preprocessor
    def pull_locale(endpoint, values):
        if values and "locale" in values:
            locale = values.pop("locale")
            if locale not in LOCALES:
                abort(404)
            g.locale = locale

    @app.url_defaults
    def add_locale(endpoint, values):
        if "locale" not in values and app.url_map.is_endpoint_expecting(endpoint, "locale"):
            values["locale"] = g.get("locale", DEFAULT)

    @app.context_processor
    def locale_context():
        locale = select_locale()
        return {
            "locale": locale,
            "other_locale": other(locale),
            "locale_names": NAMES,
            "switch_url": switch_url,
        }

    @app.route("/")
    def root():
        response = redirect(url_for("pages.home", locale=negotiate()))
        response.headers["Vary"] = "Accept-Language"
        return response


def switch_url(target, keep=None):
    """The same page in the other language: its route and nothing else of the request, because
    pages are cached by path and one visitor's query must never reach another's page (nor collide
    with a route argument, or ask url_for for `_external`, `_scheme`…). `keep` is what a page
    itself chooses to carry over: the search page keeps its `q`."""
    if request.endpoint and request.view_args is not None and g.get("locale"):
        return url_for(request.endpoint, **(keep or {}), **dict(request.view_args, locale=target))
    return url_for("pages.home", locale=target)
