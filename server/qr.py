"""QR codes that open a page of Mitta on another phone, drawn on the server as inline SVG.

Inline, so a saved page shows its code offline with no extra file and no script. Each code costs
about 2 KB per page (one <path> of run lengths, no XML declaration; its size is set by CSS, not
by pixels in the file), and it always encodes PUBLIC_URL's address (server/public.py), never the
request's host, so a cached page cannot carry a forged name.
"""
import functools
import re

import segno
from markupsafe import Markup, escape

from .public import public_url


@functools.lru_cache(maxsize=512)
def _svg(url: str, error: str) -> str:
    # boost_error raises the correction level as far as the smallest version allows, for free.
    code = segno.make(url, error=error, micro=False, boost_error=True)
    # A white background and the standard four-module quiet zone: scanners need both, and the
    # code stays dark on light in the dark theme.
    return code.svg_inline(dark="#000", light="#fff", border=4, omitsize=True,
                           svgclass=None, lineclass=None)


def qr_code(path: str, label: str, error: str = "l", id: str | None = None) -> Markup:
    """An <svg> opening `path` (one of our root-relative paths) at PUBLIC_URL. Level L suits a
    screen; print uses M, which survives a fold or a smudge. With `id`, later copies on the same
    page can be `qr_copy(id, ...)`: a few bytes each instead of the whole code again."""
    svg = _svg(public_url(path), error)
    if id:
        svg = re.sub(r"(<svg[^>]*>)(.*)(</svg>)", rf'\1<g id="{escape(id)}">\2</g>\3', svg, flags=re.S)
    return Markup(svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{escape(label)}" ', 1))


def qr_copy(path: str, id: str, error: str = "l") -> Markup:
    """Another, decorative copy of the code `qr_code(path, ..., id=id)` drew on this page."""
    view_box = re.search(r'viewBox="[^"]*"', _svg(public_url(path), error)).group(0)
    return Markup(f'<svg class="qr" {view_box} aria-hidden="true"><use href="#{escape(id)}"/></svg>')


def init_app(app):
    app.add_template_global(qr_code)
    app.add_template_global(qr_copy)
