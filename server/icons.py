"""Inline SVG icons, so they take the text colour (dark theme included) and cost no request."""
import functools
import os

from markupsafe import Markup

from .paths import STATIC_DIR


@functools.cache
def icon(kind: str, name: str) -> Markup:
    """`kind` is "categories" or "ui"; an unknown name is a bug, so it raises."""
    if not name.replace("-", "").isalnum():
        raise ValueError(name)
    with open(os.path.join(STATIC_DIR, "icons", kind, f"{name}.svg"), encoding="utf-8") as f:
        svg = f.read().strip()
    return Markup(svg.replace("<svg ", '<svg class="icon" ', 1))


def init_app(app):
    app.add_template_global(icon)
