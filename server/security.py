"""Headers that keep a user's visit private and the page unembeddable. No cookies, ever.
Requests that no page of ours could have sent (oversized, NUL or broken UTF-8) end here with a
clear 4xx page before any view sees them."""
from urllib.parse import unquote_to_bytes, urlsplit, urlunsplit

from flask import abort, current_app, request


def content_security_policy(scripts=(), styles=()):
    """`scripts`, `styles`: hash sources ('sha256-…') of the inline blocks every page has
    (server/critical.py). Never 'unsafe-inline'."""
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self'", *scripts]),
        " ".join(["style-src 'self'", *styles]),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=(), browsing-topics=()",
}


# A search of 200 Khmer characters is about 1,800 bytes once percent-encoded; nothing we link to
# comes near this, so anything longer is not a person using the app.
MAX_QUERY_BYTES = 4096
MAX_PATH_BYTES = 1024
# C0 controls and DEL: never in a path of ours; in a query, only tab and line ends may be typed.
_CONTROL = set(range(0x20)) | {0x7F}
_QUERY_CONTROL = _CONTROL - {0x09, 0x0A, 0x0D}


HSTS = "max-age=31536000"


def headers(app, secure=False):
    """Every header we add. HSTS when configured and the answer really travels over HTTPS
    (`request.is_secure`): sent over plain HTTP it would be ignored at best, and a browser that
    reached a test or LAN server over HTTP must not be told to insist on HTTPS. Behind a reverse
    proxy the request is HTTPS only when the WSGI server trusts that proxy's X-Forwarded-Proto
    (`MITTA_TRUSTED_PROXY`, server/serve.py); the header from anybody else is ignored."""
    found = {"Content-Security-Policy": app.extensions["csp"], **HEADERS}
    if app.config.get("HSTS") and secure:
        found["Strict-Transport-Security"] = HSTS
    return found


def _malformed(raw, controls):
    if controls & set(raw):
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def check_request(app):
    """413, 414 or 400 for what no page of ours could have sent; nothing for the rest."""
    limit = app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        abort(413)
    # PATH_INFO is the percent-decoded path, as WSGI's latin-1 text: back to the bytes sent.
    path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    query = request.environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    if len(path) > MAX_PATH_BYTES or len(query) > app.config.get("MAX_QUERY_BYTES", MAX_QUERY_BYTES):
        abort(414)
    # A browser percent-encodes what a person types; a raw control byte in the query did not come
    # from one (and would end up in a redirect's Location header).
    if (_malformed(path, _CONTROL) or _CONTROL & set(query)
            or _malformed(unquote_to_bytes(query.replace(b"+", b" ")), _QUERY_CONTROL)):
        abort(400)


def same_origin() -> bool:
    """Whether this POST came from one of our own pages (the report form, remove-from-phone):
    another site may not send reports in a visitor's name nor wipe their saved copy.
    Sec-Fetch-Site (modern browsers) and Origin (older ones too) must each say so when sent.
    The origin compared with is the request's host or PUBLIC_URL's (behind a proxy the two differ)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # a browser too old to send either
    if origin == "null":
        # Our pages' no-referrer policy makes a browser send "null" for its own form posts; we
        # believe it only from a browser that also says where the request came from.
        return site is not None
    ours = {request.host, urlsplit(current_app.config["PUBLIC_URL"]).netloc}
    try:
        return urlsplit(origin).netloc in ours
    except ValueError:  # not a URL at all ("http://[")
        return False


def init_app(app):
    critical = app.extensions["critical"]
    # Once, at start-up: the hashes of exactly the bytes every page inlines.
    app.extensions["csp"] = content_security_policy([critical.script.source], [critical.style.source])
    app.before_request(lambda: check_request(app))

    @app.after_request
    def harden(response):
        response.headers.update(headers(app, request.is_secure))
        # A cookie would be a trace on a shared phone; nothing we run may set one.
        response.headers.pop("Set-Cookie", None)
        if "Location" in response.headers:
            response.headers["Location"] = root_relative(response.headers["Location"])
        return response


def root_relative(location):
    """We never redirect to another site, so a host in Location can only have come from the
    request's Host header (Werkzeug's added-slash redirect builds one): keep the path alone, with
    one leading slash, so that `//other.example/` cannot become a link to another site."""
    parts = urlsplit(location)
    if not parts.scheme and not parts.netloc and not location.startswith("//"):
        return location
    return urlunsplit(("", "", "/" + parts.path.lstrip("/"), parts.query, parts.fragment))
