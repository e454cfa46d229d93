"""Compression for text answers, and an ETag on every successful GET, so a slow prepaid connection carries
as few bytes as possible: brotli where the client accepts it (about 15% smaller than gzip on our CSS and
pages), gzip otherwise, the bytes as they are for a client that asks for neither. Fonts and PNGs
are compressed already and go out as they are.

Each body is compressed once: static files at start-up (server/assets.py), every other body the
first time it is answered with an encoding, then kept (`encode` is cached by the body's bytes), so
a page served from Flask-Caching's cache, or an offline pack part, is never compressed again."""
import gzip
from functools import lru_cache

import brotli

COMPRESSIBLE = {
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "application/json", "application/manifest+json", "image/svg+xml", "image/x-icon",
    "image/vnd.microsoft.icon",
}
MIN_SIZE = 500  # below this, the encoding's own framing costs more than it saves
# Brotli's best quality costs about 2 ms per KB: paid once for pages, CSS and JavaScript; an
# offline pack part (up to 256 KB) takes quality 9, 7x faster for 7% more bytes (measured on
# today's 33 parts: 5.5 s and 245 KB against 0.8 s and 264 KB; gzip 431 KB).
BEST_UP_TO = 64 * 1024
CODINGS = ("br", "gzip")  # best first


def compressible(mimetype, body):
    return mimetype in COMPRESSIBLE and len(body) >= MIN_SIZE


@lru_cache(maxsize=2048)
def encode(body: bytes, coding: str) -> bytes:
    """`body` as `coding`: a pure function of the bytes (gzip's mtime is 0), so a cached page
    compresses to the same bytes every time, and a static export writes the same siblings."""
    if coding == "br":
        return brotli.compress(body, quality=11 if len(body) <= BEST_UP_TO else 9)
    return gzip.compress(body, compresslevel=9, mtime=0)


def encodings(body: bytes) -> dict[str, bytes]:
    """Every encoding of `body` that is smaller than it, best first."""
    found = {coding: encode(body, coding) for coding in CODINGS}
    return {coding: data for coding, data in found.items() if len(data) < len(body)}


def wanted(available, accepted):
    """The first of `available` (in CODINGS' order) that `accepted` (a request's
    accept_encodings) takes, or None: identity."""
    return next((c for c in CODINGS if c in available and accepted[c] > 0), None)


def init_app(app):
    # Flask only here: the encoding functions above are plain Python (server/assets.py, used by
    # the pack, compresses with them).
    from flask import request

    @app.after_request
    def compress(response):
        if request.method not in ("GET", "HEAD") or response.status_code in (204, 206, 304):
            return response
        if response.status_code == 200 and not response.get_etag()[0]:
            # Every answer is a pure function of its URL: an ETag (the body's hash) lets a repeat
            # fetch answer 304. The one validator Mitta sends, on every server: no Last-Modified,
            # which a static host could only take from the export's file times (README, "Put
            # Mitta on phones"; server/export.py).
            response.direct_passthrough = False
            response.add_etag()
            response.make_conditional(request)
            if response.status_code == 304:
                return response
        if response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers:
            return response
        response.vary.add("Accept-Encoding")
        coding = wanted(CODINGS, request.accept_encodings)
        if coding is None:
            return response
        response.direct_passthrough = False
        body = response.get_data()
        if len(body) < MIN_SIZE:
            return response
        response.set_data(encode(body, coding))
        response.headers["Content-Encoding"] = coding
        etag, weak = response.get_etag()
        if etag and not weak:
            response.set_etag(etag, weak=True)  # the same resource, another encoding
        return response
