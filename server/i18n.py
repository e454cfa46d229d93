"""Locales: every page lives under /<code>/ for each live language of content/languages.yaml;
the table's first language (Khmer) is the one of any doubt."""
from flask import abort, current_app, g, redirect, request, url_for


def languages(app=None):
    """The language table of the app's content model (server/content/languages.py)."""
    return (app or current_app).extensions["content"].languages


def locales(app=None) -> tuple[str, ...]:
    return languages(app).codes


def default(app=None) -> str:
    return languages(app).default


def negotiate():
    """The visitor's language from Accept-Language among the live languages; the first when in doubt."""
    return request.accept_languages.best_match(locales(), default=default())


def select_locale():
    return g.get("locale") or negotiate()


def init_app(app):
    @app.url_value_preprocessor
    def pull_locale(endpoint, values):
        if values and "locale" in values:
            locale = values.pop("locale")
            if locale not in locales(app):
                abort(404)
            g.locale = locale

    @app.url_defaults
    def add_locale(endpoint, values):
        if "locale" not in values and app.url_map.is_endpoint_expecting(endpoint, "locale"):
            values["locale"] = g.get("locale", default(app))

    @app.context_processor
    def locale_context():
        locale = select_locale()
        table = languages(app)
        return {
            "locale": locale,
            "html_lang": table[locale].html_lang if locale in table else locale,
            "locale_font": locale in table and table[locale].font,
            # the language a content text shows in where it is not written in this one (Text)
            "fallback_lang": (table[locale].fallback or (locale,))[0] if locale in table else locale,
            "other_locales": table.others(locale),   # the switch offers these, in the table's order
            "locale_names": table.names(),
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
    if target in g.get("switch_elsewhere", {}):
        return g.switch_elsewhere[target]
    if request.endpoint and request.view_args is not None and g.get("locale"):
        return url_for(request.endpoint, **(keep or {}), **dict(request.view_args, locale=target))
    return url_for("pages.home", locale=target)
