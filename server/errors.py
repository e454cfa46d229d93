"""Every error answers with a page in the user's language; nothing leaks a traceback."""
import logging

from flask import g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .i18n import LOCALES, negotiate

log = logging.getLogger("mitta.errors")


def _locale_from_path():
    first = request.path.lstrip("/").split("/", 1)[0]
    return first if first in LOCALES else negotiate()


def render_error(error):
    if not g.get("locale"):
        g.locale = _locale_from_path()
    return render_template("error.html", code=error.code), error.code


def init_app(app):
    app.register_error_handler(HTTPException, render_error)

    @app.errorhandler(Exception)
    def unexpected(error):
        # The message may hold user input; the type and path are enough to find the bug.
        log.error("unhandled %s on %s", type(error).__name__, request.path[:200])
        return render_error(InternalServerError())
