"""General pages: home, about, privacy."""
from flask import Blueprint, render_template, request

from .extensions import cache

bp = Blueprint("pages", __name__, url_prefix="/<locale>")


def page_cache(view):
    # Pages depend only on the path (locale included) and the content loaded at start-up.
    return cache.cached(key_prefix=lambda: "page:" + request.path)(view)


@bp.route("/")
@page_cache
def home():
    return render_template("home.html")


@bp.route("/about/")
@page_cache
def about():
    return render_template("about.html")


@bp.route("/privacy/")
@page_cache
def privacy():
    return render_template("privacy.html")
