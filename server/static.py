"""Serving the declared static files (server/assets.py) at their content-hashed URLs, each in
the encoding the client accepts, and `url_for('static', filename=…)` giving the hashed URL."""
from flask import Response, abort, request

from . import compress
from .assets import CACHE_CONTROL, Asset, Assets


def respond(asset: Asset, cache_control: str = CACHE_CONTROL) -> Response:
    """`asset` in the encoding the client accepts; immutable unless the URL is not its hashed one."""
    coding = compress.wanted(asset.encoded, request.accept_encodings)
    response = Response(asset.encoded[coding] if coding else asset.body, content_type=asset.content_type)
    response.headers["Cache-Control"] = cache_control
    if asset.encoded:
        response.vary.add("Accept-Encoding")
    if coding:
        response.headers["Content-Encoding"] = coding
    # Each encoding is its own representation, with its own strong validator.
    response.set_etag(f"{asset.digest}-{coding}" if coding else asset.digest)
    return response.make_conditional(request)


def init_app(app, static_dir):
    assets = app.extensions["assets"] = Assets(static_dir)

    def static(filename):
        asset = assets.by_url.get("/static/" + filename)
        return respond(asset) if asset else abort(404)

    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=static)

    @app.url_defaults
    def hashed_name(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = assets.url(values["filename"]).removeprefix("/static/")
