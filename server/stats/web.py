"""What a request counts as, and `flask stats`: the web part of the reach figures (server/stats/:
the counter and the store are plain Python).

A page is counted from the endpoint Flask matched and its view arguments, never from the path
string, and only for a visitor's successful GET (200, or 304 for a page the browser had): not a
HEAD, an error, a static file, the pack's or the export's renders (server/rendering.py). A save
is the download of the first part of a language's first save (`first_parts`); a report, a
report the server answered "Sent". The day is the Cambodian day on the app's one clock.
"""
from __future__ import annotations

import atexit
import weakref

import click
from flask import current_app, g, request
from flask.cli import with_appcontext

from ..i18n import locales
from ..rendering import clock, rendering
from ..reports import db_path
from . import store
from .counter import Counter
from .store import Key

_open = weakref.WeakSet()   # every app's counter, written once more at exit


@atexit.register
def _close_all():
    for counter in list(_open):
        counter.close()


def page_of(endpoint, args, model):
    """(kind, province, need) of a page, or None for a page that is not counted (about, privacy,
    safety, offline, abroad). Slugs are the model's own, so no spelling of a URL makes a new row."""
    args = args or {}

    def province():
        found = model.province(args.get("slug", ""))
        return found.slug if found else None

    def need():
        found = model.category(args.get("category", ""))
        return found.slug if found else None

    if endpoint == "pages.home":
        return "home", "", ""
    if endpoint == "directory.province":
        return ("province", province(), "") if province() else None
    if endpoint == "directory.province_category":
        return ("need", province(), need()) if province() and need() else None
    if endpoint == "directory.category":
        return ("need", "", need()) if need() else None
    if endpoint == "directory.emergency":
        return "need", "", "emergency"      # "Help now": the emergency need, in every province
    if endpoint == "directory.service":
        return "service", "", ""
    if endpoint in ("guide.index", "guide.article"):
        return "guide", "", ""
    if endpoint == "directory.search":
        return "search", "", ""             # never the query
    if endpoint == "cards.card":
        return ("card", province(), "") if province() else None
    return None


def first_parts() -> dict[str, str]:
    """{digest: language} of the part each language's first save downloads first (sw.js saves
    a language's parts in order, one at a time): one download per phone that starts a save."""
    from ..offline import pack
    return {parts[0].digest: locale for locale, parts in pack().parts.items() if parts}


def init_app(app):
    path = db_path(app)
    every = app.config["STATS_FLUSH_SECONDS"]
    if isinstance(every, bool) or not isinstance(every, (int, float)) or not 0 < every <= 3600:
        raise ValueError(f"STATS_FLUSH_SECONDS (MITTA_STATS_FLUSH_SECONDS) must be seconds, above 0 and at most "
                         f"3600, not {every!r}")
    counter = app.extensions["stats"] = Counter(lambda batch: store.add(path, batch), float(every))
    _open.add(counter)
    model = app.extensions["content"]
    firsts = {}

    @app.after_request
    def count(response):
        if rendering() or request.url_rule is None:
            return response  # the pack's and the export's renders: no request anybody made
        endpoint, status = request.endpoint, response.status_code
        key = None
        if request.method == "GET" and status in (200, 304) and g.get("locale"):
            found = page_of(endpoint, request.view_args, model)
            if found:
                key = (g.locale, *found)
        elif request.method == "GET" and status == 200 and endpoint == "offline.part":
            if not firsts:
                firsts.update(first_parts())
            lang = firsts.get((request.view_args or {}).get("digest"))
            if lang:
                key = (lang, "save", "", "")
        elif request.method == "POST" and status == 200 and endpoint == "reports.report" and g.get("locale"):
            key = (g.locale, "report", "", "")
        if key:
            counter.add(Key(clock().today().isoformat(), *key))
        return response

    app.cli.add_command(stats_command)


@click.command("stats")
@with_appcontext
@click.option("--month", help="YYYY-MM; the current month on the app's clock when left out")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table")
def stats_command(month, as_csv):
    """The month's page views, offline saves and problem reports; under 10 shows as "< 10"."""
    app = current_app._get_current_object()
    month = month or clock().today().strftime("%Y-%m")
    try:
        store.month_days(month)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--month") from None
    app.extensions["stats"].flush()   # what this process counted, if anything
    rows = store.table(store.month_counts(db_path(app), month), locales(app))
    if as_csv:
        click.echo(store.as_csv(rows), nl=False)
        return
    first, last = store.month_days(month)
    click.echo(f"Mitta {month} ({first} to {last}): page views counted by the server (not those a saved copy "
               f"answered), offline saves started, problem reports sent. A count under {store.SMALL} "
               f"shows as \"< {store.SMALL}\".")
    if len(rows) == 1:
        click.echo("Nothing was counted in this month.")
        return
    click.echo(store.as_text(rows), nl=False)
