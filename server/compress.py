"""Gzip for text answers, and ETags for pages, so a slow prepaid connection carries as few bytes
as possible. Fonts and PNGs are compressed already and go out as they are."""
import gzip
from functools import lru_cache

from flask import request

COMPRESSIBLE = {
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "application/json", "application/manifest+json", "image/svg+xml", "image/x-icon",
    "image/vnd.microsoft.icon",
}
MIN_SIZE = 500  # below this, gzip's own header costs more than it saves


@lru_cache(maxsize=1024)
def _gzip(body):
    # mtime=0 keeps the output a pure function of the body.
    return gzip.compress(body, compresslevel=9, mtime=0)


def init_app(app):
    @app.after_request
    def compress(response):
        if request.method not in ("GET", "HEAD") or response.status_code in (204, 206, 304):
            return response
        if response.status_code == 200 and response.mimetype == "text/html" and not response.get_etag()[0]:
            # Pages are pure functions of the path: an ETag lets a repeat fetch answer 304.
            response.direct_passthrough = False
            response.add_etag()
            response.make_conditional(request)
            if response.status_code == 304:
                return response
        if response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers:
            return response
        response.vary.add("Accept-Encoding")
        if "gzip" not in request.accept_encodings:
            return response
        response.direct_passthrough = False
        body = response.get_data()
        if len(body) < MIN_SIZE:
            return response
        response.set_data(_gzip(body))
        response.headers["Content-Encoding"] = "gzip"
        etag, weak = response.get_etag()
        if etag and not weak:
            response.set_etag(etag, weak=True)  # the same resource, another encoding
        return response
