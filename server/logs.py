"""Access log that cannot betray a user: no IP address, no user agent, no query string.

Search terms travel in the query string, and on a shared or seized server an IP address ties a
person to what they looked for, so neither is ever written.
"""
import logging
import sys
import time

from flask import g, request

from .rendering import rendering

log = logging.getLogger("mitta.access")


def clean(path, limit=200):
    """A path as it may be logged: cut short, with control characters escaped so that a crafted
    URL (%0a…) cannot forge a second log line, and spaces too, so every line keeps its fields."""
    return "".join(c if c.isprintable() and c != " " else "\\x20" if c == " " else repr(c)[1:-1]
                   for c in path[:limit])


def init_app(app):
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def write_access_line(response):
        if rendering():
            return response  # the pack's and the export's renders: no request anybody made
        elapsed = max(0.0, (time.perf_counter() - g.get("started", time.perf_counter())) * 1000)
        # request.path never includes the query string.
        log.info("%s %s %s %sB %.0fms", clean(request.method, 20), clean(request.path), response.status_code,
                 response.calculate_content_length() or "-", elapsed)
        return response
