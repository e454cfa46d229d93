"""Every error answers with a page in the user's language; nothing leaks a traceback, and nothing
the visitor sent is written back into the page (the language switch leads home, not to the URL).

Requests so broken that waitress refuses them before Flask sees them (bytes that are not UTF-8 in
the request line, a bad Content-Length, oversized headers) get the same page: `waitress_channel`.
"""
import logging
import threading

from flask import current_app, g, render_template, request, url_for
from flask.globals import request_ctx
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import parse_accept_header

from . import security
from .i18n import default, locales, negotiate
from .logs import clean, log as access_log

log = logging.getLogger("mitta.errors")


def _locale_from_path():
    first = request.path.lstrip("/").split("/", 1)[0]
    return first if first in locales() else negotiate()


def _home_in(locale, keep=None):
    return url_for("pages.home", locale=locale)


def render_error(error):
    if request_ctx.url_adapter is None:
        # The Host header was refused (TRUSTED_HOSTS), so Flask made no URL adapter. Our links are
        # root-relative: any name builds the same ones.
        request_ctx.url_adapter = current_app.url_map.bind("localhost")
    if request.path.startswith("/api/"):
        from .api import json_error  # the API answers its errors in JSON, pages in HTML
        return json_error(error)
    if not g.get("locale"):
        g.locale = _locale_from_path()
    page = render_template("error.html", code=error.code, switch_url=_home_in)
    allow = [(k, v) for k, v in error.get_headers() if k == "Allow"]
    return page, error.code, allow


def init_app(app):
    app.register_error_handler(HTTPException, render_error)

    @app.errorhandler(Exception)
    def unexpected(error):
        if current_app.testing:
            raise error  # let the test show the traceback: a 500 is always a bug
        # The message may hold user input; the type and path are enough to find the bug.
        log.error("unhandled %s on %s", type(error).__name__, clean(request.path))
        return render_error(InternalServerError())


_pages = {}
_pages_lock = threading.Lock()


def error_page(app, code, locale):
    """error.html for `code` in `locale`, rendered once and kept (it depends on nothing else)."""
    key = (code, locale)
    with _pages_lock:
        if key not in _pages:
            with app.test_request_context(f"/{locale}/"):
                g.locale = locale
                _pages[key] = render_template("error.html", code=code,
                                              switch_url=_home_in).encode("utf-8")
        return _pages[key]


def waitress_channel(app):
    """A waitress channel class whose own error answers (400, 413, 431, 501…) are our error page
    in the visitor's language, with our headers, instead of waitress's plain English text."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class PageErrorTask(ErrorTask):
        def execute(self):
            error = self.request.error
            wanted = self.request.headers.get("ACCEPT_LANGUAGE", "")
            locale = parse_accept_header(wanted, LanguageAccept).best_match(locales(app), default=default(app))
            body = error_page(app, error.code, locale)
            self.status = f"{error.code} {error.reason}"
            self.response_headers.append(("Content-Type", "text/html; charset=utf-8"))
            # No HSTS: the request was refused before the proxy's scheme could be read.
            self.response_headers.extend(security.headers(app).items())
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)
            # Like every access line: no address, no user agent, and here not even the path.
            access_log.info("- (malformed request) %s %sB", error.code, len(body))

    class PageErrorChannel(HTTPChannel):
        error_task_class = PageErrorTask

    return PageErrorChannel
