"""Mitta: the Flask application factory.

Everything a page shows is a view of one content model that is loaded and validated once, here,
at start-up; invalid content stops the app instead of serving part of it.

Importing this package imports no Flask: the blueprints and extensions are imported inside
create_app (as Flask's tutorial app does), so the plain-Python core (server.content, server.pack,
server.hsds, …) can be used without them (tests/test_core_without_flask.py).
"""


def create_app(test_config=None):
    import os

    from flask import Flask

    from . import (api, cards, compress, critical, directory, errors, export, guide, i18n, icons, listen, logs, offline,
                   pages, public, qr, rendering, reports, safety, security, share, static)
    from .clock import Clock
    from .stats import web as stats
    from .content import load
    from .extensions import babel, cache
    from .paths import CATEGORY_ICONS, CONTENT_DIR, INSTANCE_DIR, KHMER_CATALOG, STATIC_DIR

    # Static files are served by server/assets.py at content-hashed URLs, not by Flask's folder.
    app = Flask(
        __name__,
        static_folder=None,
        instance_path=INSTANCE_DIR,  # where problem reports are kept unless MITTA_DB says otherwise
    )
    app.config.from_mapping(
        CONTENT_DIR=CONTENT_DIR,
        # One small process serves a province; rendered pages are functions of the content model
        # and the moment (server/rendering.py), so an in-process cache is all they need.
        CACHE_TYPE="SimpleCache",
        CACHE_DEFAULT_TIMEOUT=0,
        BABEL_DEFAULT_LOCALE="km",
        BABEL_DEFAULT_TIMEZONE="Asia/Phnom_Penh",
        # No sessions are used; an unset key makes any accidental use fail loudly.
        SECRET_KEY=None,
        HSTS=False,
        # The address of the reverse proxy whose X-Forwarded-Proto waitress believes (serve.py).
        TRUSTED_PROXY=None,
        MAX_CONTENT_LENGTH=16 * 1024,
        # Absolute links come from here, never from the request (server/public.py).
        PUBLIC_URL=public.DEFAULT,
        # None accepts any Host header (pages do not depend on it); a deployment names its own.
        TRUSTED_HOSTS=None,
        # The app's one clock (server/clock.py): None is the machine's; MITTA_CLOCK=2026-12-01T09:00+07:00
        # pins a server started from the environment; tests give a callable (tests/conftest.py).
        CLOCK=None,
        # Seconds between two writes of the page counts (server/stats/): what a server killed
        # outright can lose. MITTA_STATS_FLUSH_SECONDS=…
        STATS_FLUSH_SECONDS=5.0,
    )
    if test_config is None:
        # MITTA_QUICK_EXIT_URL=…, MITTA_PUBLIC_URL=… (values are JSON where they parse as JSON).
        app.config.from_prefixed_env("MITTA")
    else:
        # As in Flask's tutorial: a test's app is what the test says, whatever the shell exports.
        app.config.update(test_config)

    # Set once, here; nothing changes it (or the config) after start.
    clock = app.extensions["clock"] = Clock(app.config["CLOCK"])
    # Invalid content raises ContentError here: the app refuses to start rather than serve part.
    # Flask-Babel's catalog folders (relative ones are under server/): a live language needs its catalog.
    translations = [os.path.join(app.root_path, d) for d in app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";")]
    app.extensions["content"] = load(app.config["CONTENT_DIR"], today=clock.today(), icons_dir=CATEGORY_ICONS,
                                     catalog=KHMER_CATALOG, translations=translations)

    public.init_app(app)
    static.init_app(app, STATIC_DIR)
    critical.init_app(app)
    rendering.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    cache.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    logs.init_app(app)
    # Before compress: after_request hooks run last-registered first, so the count sees the final
    # status (a 304 included).
    stats.init_app(app)
    errors.init_app(app)
    icons.init_app(app)
    qr.init_app(app)
    share.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(directory.bp)
    app.register_blueprint(guide.bp)
    app.register_blueprint(safety.bp)
    app.register_blueprint(cards.bp)
    app.register_blueprint(api.bp)
    listen.init_app(app)
    reports.init_app(app)
    offline.init_app(app)
    compress.init_app(app)
    app.cli.add_command(export.command)
    return app
