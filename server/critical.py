"""What the first paint needs, inside the page itself: on a 2G link every file the first paint
waits for costs another round trip (800 ms), so static/css/critical.css (theme, type, header,
quick exit, the first screen's cards) is a <style> and static/js/quick-exit.js (the chosen theme
and quick exit, which must work before anything else has arrived) a <script> in every page's
<head>. The CSP allows exactly these bytes by their SHA-256, computed once here at start-up
(never 'unsafe-inline'); the rest of the stylesheet and the scripts come after the content.

Both are minified when inlined (rcssmin, rjsmin): every page carries them. The source files stay
the one truth and are declared static files too, because the **saved copy** (the offline pack,
server/offline.py) links them instead of inlining them: inlined, they would be stored once per
page on the phone, and from the phone's own cache a link costs no round trip.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import rcssmin
import rjsmin
from markupsafe import Markup

STYLE = "css/critical.css"
SCRIPT = "js/quick-exit.js"


@dataclass(frozen=True)
class Inline:
    text: Markup   # exactly the bytes hashed
    source: str    # the CSP source that allows them: 'sha256-…'


def inline(text: str, element: str) -> Inline:
    if f"</{element}" in text.lower():
        raise RuntimeError(f"inline <{element}> would end early: its source contains </{element}")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Inline(Markup(text), f"'sha256-{digest}'")


@dataclass(frozen=True)
class Critical:
    style: Inline
    script: Inline


def init_app(app):
    files = app.extensions["assets"].by_name
    app.extensions["critical"] = Critical(
        style=inline(rcssmin.cssmin(files[STYLE].body.decode("utf-8")), "style"),
        script=inline(rjsmin.jsmin(files[SCRIPT].body.decode("utf-8")), "script"))
