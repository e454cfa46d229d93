"""Static files: one declared list, read once at start-up, served at content-hashed URLs
(server/static.py serves them; this module is plain Python, no Flask, as the pack needs it).

Templates ask for `url_for('static', filename='css/app.css')` as Flask apps do; `url_defaults`
turns that into `/static/css/app.<digest>.css`, and the offline pack saves the same declared
files under the same URLs, so pages and pack can never disagree about which file a page uses.
A name that is not declared fails the render: nothing is found by reading pages or CSS.

The bytes served are the bytes hashed: each file is held in memory from start-up, so a file
edited on disk without a restart changes nothing until the restart gives it a new URL. A URL
names its bytes forever, so it is served `immutable` for a year: a phone never asks again. Text
files are compressed once, here, with brotli and gzip (`Asset.encoded`); each answer picks the
encoding the client accepts (server/compress.py) and says so with `Vary: Accept-Encoding`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import compress
from .protocol import digest_of

# Saved on the phone with every language.
# (A file named in REFERENCES comes before the file that names it.)
OFFLINE = (
    "fonts/noto-sans-khmer-subset.woff2", "fonts/noto-sans-khmer-bold-subset.woff2",
    "css/critical.css", "css/app.css", "css/card.css",
    "js/quick-exit.js", "js/safety.js", "js/directory.js", "js/offline.js", "js/search.js", "js/guide.js", "js/report.js", "js/listen.js",
    "icons/favicon-32.png", "icons/favicon.ico", "icons/apple-touch-icon.png",
    "icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-192.png", "icons/icon-maskable-512.png",
)
# Served, never saved: the install dialog's screenshots (made by scripts/screenshots.py, optional).
# Whichever languages scripts/screenshots.py made them for (one per live language of the table).
ONLINE_ONLY_FOLDER = "screenshots"
# Files a stylesheet names relative to itself: its text says "../fonts/x.woff2", and the served
# stylesheet says the hashed name instead. Declared, so a renamed font fails at start-up.
REFERENCES = {
    "css/app.css": ("fonts/noto-sans-khmer-subset.woff2", "fonts/noto-sans-khmer-bold-subset.woff2"),
}
TYPES = {
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".png": "image/png",
    ".woff2": "font/woff2", ".ico": "image/vnd.microsoft.icon",
}
CACHE_CONTROL = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    name: str           # as templates name it: "css/app.css"
    url: str            # "/static/css/app.<digest>.css"
    body: bytes
    content_type: str
    digest: str
    offline: bool
    # coding ("br", "gzip") -> the body in it; empty for what compresses no further (fonts, PNGs)
    encoded: dict[str, bytes] = field(default_factory=dict, compare=False)


class Assets:
    def __init__(self, static_dir: str):
        self.by_name: dict[str, Asset] = {}
        for name in OFFLINE:
            self._add(static_dir, name, offline=True)
        shots = os.path.join(static_dir, ONLINE_ONLY_FOLDER)
        for file in sorted(os.listdir(shots)) if os.path.isdir(shots) else ():
            if file.endswith(".png"):
                self._add(static_dir, f"{ONLINE_ONLY_FOLDER}/{file}", offline=False)
        self.by_url = {a.url: a for a in self.by_name.values()}

    def _add(self, static_dir, name, offline):
        with open(os.path.join(static_dir, name), "rb") as f:
            body = f.read()
        for ref in REFERENCES.get(name, ()):
            relative = os.path.relpath(ref, os.path.dirname(name)).encode()
            if relative not in body:
                raise RuntimeError(f"static/{name} no longer names {relative.decode()}")
            body = body.replace(relative, os.path.relpath(self.by_name[ref].url, os.path.dirname("/static/" + name)).encode())
        stem, ext = os.path.splitext(name)
        digest = digest_of(body)
        content_type = TYPES[ext]
        encoded = compress.encodings(body) if compress.compressible(content_type.split(";")[0], body) else {}
        self.by_name[name] = Asset(name, f"/static/{stem}.{digest[:10]}{ext}", body, content_type, digest,
                                   offline, encoded)

    def url(self, name: str) -> str:
        if name not in self.by_name:
            raise KeyError(f"static/{name} is not declared in server/assets.py")
        return self.by_name[name].url

    def offline(self) -> list[Asset]:
        return [a for a in self.by_name.values() if a.offline]
