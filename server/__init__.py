"""Mitta: the Flask application factory.

Everything a page shows is a view of one content model that is loaded and validated once, here,
at start-up; invalid content stops the app instead of serving part of it.
"""
from flask import Flask

from . import api, compress, directory, errors, guide, i18n, icons, logs, offline, pages, reports, safety, security
from .content import load
from .extensions import babel, cache
from .paths import CATEGORY_ICONS, CONTENT_DIR, INSTANCE_DIR, STATIC_DIR


def create_app(test_config=None):
    app = Flask(
        __name__,
        static_folder=STATIC_DIR,
        static_url_path="/static",
        instance_path=INSTANCE_DIR,  # where problem reports are kept unless MITTA_DB says otherwise
    )
    app.config.from_mapping(
        CONTENT_DIR=CONTENT_DIR,
        # One small process serves a province; rendered pages are pure functions of the content
        # model, so an in-process cache is all they need.
        CACHE_TYPE="SimpleCache",
        CACHE_DEFAULT_TIMEOUT=0,
        BABEL_DEFAULT_LOCALE="km",
        BABEL_DEFAULT_TIMEZONE="Asia/Phnom_Penh",
        # No sessions are used; an unset key makes any accidental use fail loudly.
        SECRET_KEY=None,
        HSTS=False,
        MAX_CONTENT_LENGTH=16 * 1024,
    )
    app.config.from_prefixed_env("MITTA")
    if test_config:
        app.config.update(test_config)

    # Invalid content raises ContentError here: the app refuses to start rather than serve part.
    app.extensions["content"] = load(app.config["CONTENT_DIR"], icons_dir=CATEGORY_ICONS)

    babel.init_app(app, locale_selector=i18n.select_locale)
    cache.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    logs.init_app(app)
    errors.init_app(app)
    icons.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(directory.bp)
    app.register_blueprint(guide.bp)
    app.register_blueprint(safety.bp)
    app.register_blueprint(api.bp)
    reports.init_app(app)
    offline.init_app(app)
    compress.init_app(app)
    return app
