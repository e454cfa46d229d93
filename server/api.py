"""The read-only Open Referral HSDS 3.1 API at /api/v1/: public data, readable from any origin.

Every answer is a view of the loaded model through `hsds.py`; `openapi.py` describes exactly what
is here. Errors are JSON ({"error": {"status", "message"}}) and never repeat what was sent beyond
the name of a parameter we know.
"""
from __future__ import annotations

import datetime as dt
import json
import re

from flask import Blueprint, current_app, request
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

from . import hsds, hsds_profile, openapi
from .content.model import CAMBODIA
from .extensions import content
from .public import public_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PREFIX = "/api/"
MAX_PER_PAGE = openapi.MAX_PER_PAGE
DEFAULT_PER_PAGE = openapi.DEFAULT_PER_PAGE
# The profile's files as committed (server/hsds_profile/), read once: served as they are.
PROFILE_FILES = hsds_profile.files()
# Digits enough for any real page: a longer number is only a page past the end, and is not read
# as a number thousands of digits long.
MAX_DIGITS = 9


def _json(data, status=200):
    # Khmer as UTF-8, not \u escapes: a third of the bytes on a prepaid connection.
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, status=status, mimetype="application/json")


def json_error(error: HTTPException):
    """A JSON body for any error on an API path (the app's error handler sends them here)."""
    message = error.description if isinstance(error, (BadRequest, NotFound)) and error.description \
        and getattr(error, "api", False) else error.name
    response = _json({"error": {"status": error.code, "message": message}}, error.code)
    for key, value in error.get_headers():
        if key == "Allow":
            response.headers[key] = value
    return response


def _fail(exception, message):
    error = exception(message)
    error.api = True  # our own words, safe to send back (they name only a parameter we know)
    raise error


def _args(allowed):
    """The query's parameters, refusing unknown or repeated ones rather than ignoring them: a
    partner who sends `search=` must not believe the answer was searched."""
    for name in request.args:
        if name not in allowed:
            # The unknown name is not repeated: whatever a client sends never comes back to it.
            _fail(BadRequest, f"a parameter is not supported here (supported: {', '.join(sorted(allowed)) or 'none'})")
        if len(request.args.getlist(name)) > 1:
            _fail(BadRequest, f"parameter '{name}' is given more than once")
    return request.args


def _lang(args):
    lang = args.get("lang", "en")
    if lang not in hsds.LANGS:
        _fail(BadRequest, "parameter 'lang' must be 'en' or 'km'")
    return lang


def _whole(args, name, default):
    """A whole number from 1, with no upper bound (HSDS sets none): the caller clamps it."""
    raw = args.get(name)
    if raw is None:
        return default
    digits = raw.lstrip("0") if raw.isascii() and raw.isdigit() else ""
    if not digits:
        _fail(BadRequest, f"parameter '{name}' must be a whole number from 1")
    return int(digits) if len(digits) <= MAX_DIGITS else 10 ** MAX_DIGITS


def _datetime(args, name):
    raw = args.get(name)
    if raw is None:
        return None
    # RFC 3339 allows a leap second (:60), which Python's datetime cannot hold: one second less.
    text = re.sub(r"(T\d\d:\d\d):60", r"\1:59", raw.upper())
    try:
        value = dt.datetime.fromisoformat(text) if "T" in text else \
            dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0))
    except ValueError:
        _fail(BadRequest, f"parameter '{name}' must be a date-time like 2026-01-31T00:00:00+07:00")
    # A time without a zone is Cambodia's, like everything else in the directory.
    return value if value.tzinfo else value.replace(tzinfo=CAMBODIA)


def _paged(items, args):
    # Past the last page: an empty page. More than MAX_PER_PAGE asked: MAX_PER_PAGE given, and
    # the page's `size` and `total_pages` say so.
    page_number = _whole(args, "page", 1)
    per_page = min(_whole(args, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return _json(hsds.page(items, page_number, per_page))


@bp.route("/")
def root():
    _args(set())
    # HSDS says both are URIs (absolute): built from PUBLIC_URL, never from the request.
    return _json({"version": hsds.VERSION, "profile": public_url(hsds_profile.PATH),
                  "openapi_url": public_url(openapi.URL)})


@bp.route("/profile/")
def profile():
    _args(set())
    return _json(hsds_profile.index(public_url(hsds_profile.PATH)))


def _profile_file(path):
    _args(set())
    body = PROFILE_FILES.get(path) or _fail(NotFound, "the profile has no such file (see /api/v1/profile/)")
    return current_app.response_class(body, mimetype="application/json")


@bp.route("/profile/profile/<name>")
def profile_patch(name):
    return _profile_file(f"profile/{name}")


@bp.route("/profile/schema/<name>")
def profile_schema(name):
    return _profile_file(f"schema/{name}")


@bp.route("/profile/schema/compiled/<name>")
def profile_compiled(name):
    return _profile_file(f"schema/compiled/{name}")


@bp.route("/openapi.json")
def document():
    _args(set())
    return _json(openapi.document(content(), public_url(hsds_profile.PATH)))


@bp.route("/services")
def services():
    args = _args({"lang", "page", "per_page", "taxonomy_term_id", "province", "modified_after"})
    lang = _lang(args)
    model = content()
    province = args.get("province")
    if province is not None and not model.province(province):
        _fail(BadRequest, "parameter 'province' must be a province slug (see /api/v1/openapi.json)")
    term = args.get("taxonomy_term_id")
    if term is not None and term not in {hsds.term_id(c.slug) for c in model.categories}:
        _fail(BadRequest, "parameter 'taxonomy_term_id' must be the id of a term in /api/v1/taxonomy_terms")
    found = hsds.services(model, taxonomy_term_id=term, province=province,
                         modified_after=_datetime(args, "modified_after"))
    return _paged([hsds.service(model, s, lang, full=False) for s in found], args)


@bp.route("/services/<id>")
def service(id):
    lang = _lang(_args({"lang"}))
    model = content()
    found = model.service(id) or _fail(NotFound, "no service has this id")
    return _json(hsds.service(model, found, lang))


@bp.route("/organizations")
def organizations():
    args = _args({"lang", "page", "per_page"})
    lang = _lang(args)
    model = content()
    found = sorted(model.organizations, key=lambda o: (o.name.en, o.id))
    return _paged([hsds.organization(model, o, lang) for o in found], args)


@bp.route("/organizations/<id>")
def organization(id):
    lang = _lang(_args({"lang"}))
    model = content()
    found = model.organization(id) or _fail(NotFound, "no organization has this id")
    return _json(hsds.organization(model, found, lang, full=True))


@bp.route("/taxonomies")
def taxonomies():
    args = _args({"lang", "page", "per_page"})
    return _paged([hsds.taxonomy(_lang(args))], args)


@bp.route("/taxonomy_terms")
def taxonomy_terms():
    args = _args({"lang", "page", "per_page"})
    lang = _lang(args)
    return _paged([hsds.taxonomy_term(c, lang) for c in content().categories], args)


@bp.route("/<path:anything>")
def unknown(anything):
    _fail(NotFound, "no such API path (see /api/v1/openapi.json)")


@bp.after_app_request
def open_to_partners(response):
    # Public data that partners' tools read from their own pages: only the API is readable
    # across origins. Every other header of security.py stays as it is.
    if request.path.startswith(PREFIX):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response
