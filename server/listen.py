"""Recorded readings on the web: the clips (content/audio/, by a versioned URL, ranges allowed so
a phone can seek), and what a page's listen partial (templates/_listen.html) needs to know.

A clip is fetched only when played or saved: pages carry its URL and size, never the sound.
"""
from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, send_file, url_for

bp = Blueprint("listen", __name__)


def version(r) -> str:
    """Changes with every new recording of the same text, so a saved copy is never a stale one."""
    return f"{r.text_sha256[:8]}{r.bytes:x}"


@bp.route("/audio/<ver>/<name>")
def clip(ver, name):
    model = current_app.extensions["content"]
    found = next((r for r in model.recordings if r.file == name and version(r) == ver), None)
    if not found:
        abort(404)
    path = os.path.join(current_app.config["CONTENT_DIR"], "audio", found.file)
    # conditional: Range requests answered with 206, as <audio> asks for them
    response = send_file(path, mimetype="audio/mp4", conditional=True, etag=ver, max_age=31536000)
    from .offline import IMMUTABLE
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def clip_url(r) -> str:
    return url_for("listen.clip", ver=version(r), name=r.file)


def recordings_of(model, lang: str) -> list:
    """Every recording in `lang`: what "Save recordings for offline use" saves, with their size."""
    return [r for r in model.recordings if r.lang == lang]


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def listen_helpers():
        def saved_recordings(lang):
            """(urls, total bytes) of this language's recordings."""
            found = recordings_of(app.extensions["content"], lang)
            return [clip_url(r) for r in found], sum(r.bytes for r in found)

        return {"clip_url": clip_url, "saved_recordings": saved_recordings}
