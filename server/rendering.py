"""One way to render a page. A page is a function of explicit inputs: the model (loaded once),
its path (the language included), the moment `at` and whether it is the **saved copy** (the
offline pack links the critical CSS and script instead of inlining them, server/critical.py).

A request takes `at` from the app's one clock (server/clock.py), once, so one page never mixes
two moments. The offline pack, the static export and tests call `render(app, path, at=…,
saved_copy=…)` instead: the same views, with those inputs given, in an app context of their own
(`g`: the locale, Babel's cached catalog, these inputs) and past the page cache, so a page
rendered at a pinned moment is never served to a visitor, whenever it is built, and no config is
changed to build it.

Views hand their template what it shows through `page()`: the model, `now` and `today`, and the
saved-copy flag, beside the view's own data.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app, g, render_template, request

from .content.model import CAMBODIA
from .extensions import cache, content


@dataclass(frozen=True)
class Inputs:
    at: dt.datetime
    saved_copy: bool = False
    given: bool = False  # by render(), not taken from the clock for a request

    @property
    def today(self) -> dt.date:
        return self.at.astimezone(CAMBODIA).date()


def clock():
    """The app's one clock (server/clock.py), made from config in create_app."""
    return current_app.extensions["clock"]


def inputs() -> Inputs:
    """This render's inputs: those render() gave, or for a request the clock's now, read once."""
    if "inputs" not in g:
        g.inputs = Inputs(clock().now())
    return g.inputs


def rendering() -> bool:
    """Whether this is a render() with given inputs rather than a visitor's request."""
    return "inputs" in g and g.inputs.given


def render(app, path, *, at: dt.datetime, saved_copy: bool = False, base_url=None):
    """The whole app's answer (headers included) to GET `path`, at the moment `at`. Asked of the
    app's PUBLIC_URL, a host TRUSTED_HOSTS accepts (no page depends on the host)."""
    with app.app_context(), app.test_request_context(path, base_url=base_url or app.config["PUBLIC_URL"]):
        g.inputs = Inputs(at, saved_copy, given=True)
        response = app.full_dispatch_request()
        response.get_data()  # read whole inside the context (a static file's body, a generator)
        return response


def page(template, **context):
    """`template` rendered with what every page shows beside its view's own data."""
    now = inputs()
    return render_template(template, model=content(), now=now.at, today=now.today,
                           saved_copy=now.saved_copy, **context)


def page_cache(prefix, timely=False):
    """A view's answers cached by path (the language included), which is all a page depends on
    besides the moment; a `timely` page (open now, "may be out of date", dated alerts) is keyed
    by the minute of `at` too and kept a minute (the phone recomputes those anyway,
    static/js/directory.js). Renders with given inputs pass the cache by, both ways."""
    def key():
        if timely:
            return f"{prefix}:{request.path}@{inputs().at.isoformat(timespec='minutes')}"
        return f"{prefix}:{request.path}"
    return cache.cached(timeout=60 if timely else None, key_prefix=key, unless=rendering)


def init_app(app):
    """What every page's frame (base.html) shows, the same for the whole app: the inlined first
    paint (server/critical.py) and where quick exit goes (server/safety.py)."""
    from .safety import NEUTRAL_PATH, exit_url

    frame = {"critical": app.extensions["critical"], "quick_exit_url": exit_url(app),
             "neutral_path": NEUTRAL_PATH}
    app.context_processor(lambda: frame)
