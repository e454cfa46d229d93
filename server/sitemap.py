"""Every page the app has, per locale. The offline pack and the crawl tests read this one list,
so they cannot disagree about what exists.

Each area registers a function `urls(locale) -> iterable of paths` with `@page_urls.register`;
fixed pages without URL parameters are found from the URL map on their own.
"""
from flask import current_app, url_for


class Registry:
    """Paths per locale that several areas contribute to: `@registry.register` a function
    `(locale) -> paths`; calling the registry gathers them."""

    def __init__(self):
        self.providers = []

    def register(self, fn):
        self.providers.append(fn)
        return fn

    def __call__(self, locale):
        return [path for provider in self.providers for path in provider(locale)]


class PageUrls(Registry):
    def __call__(self, locale):
        urls = super().__call__(locale)
        for rule in current_app.url_map.iter_rules():
            if rule.arguments == {"locale"} and "GET" in rule.methods and not rule.endpoint.startswith("_"):
                if getattr(current_app.view_functions[rule.endpoint], "offline", True):
                    urls.append(url_for(rule.endpoint, locale=locale))
        return sorted(set(urls))


page_urls = PageUrls()


def not_offline(view):
    """Mark a parameterless page that must not be saved for offline use (e.g. a search form)."""
    view.offline = False
    return view
