"""General pages: home, about, privacy."""
from flask import Blueprint

from .rendering import page, page_cache

bp = Blueprint("pages", __name__, url_prefix="/<locale>")


@bp.route("/")
@page_cache("page", timely=True)  # its emergency list shows dated alerts
def home():
    return page("home.html")


@bp.route("/about/")
@page_cache("page")
def about():
    return page("about.html")


@bp.route("/privacy/")
@page_cache("page")
def privacy():
    return page("privacy.html")
