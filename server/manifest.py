"""The web app manifest, one per language: the home-screen name is that language's, and the
installed app opens straight into it. server/offline.py serves it; the offline pack saves it."""
from flask import current_app, url_for
from flask_babel import gettext as _

THEME_COLOR = "#0b6e69"
BACKGROUND_COLOR = "#ffffff"
ICONS = (("icon-192.png", "192x192", "any"), ("icon-512.png", "512x512", "any"),
         ("icon-maskable-192.png", "192x192", "maskable"), ("icon-maskable-512.png", "512x512", "maskable"))
SCREENSHOTS = ("home", "emergency")  # static/screenshots/<name>-<locale>.png, made by scripts/screenshots.py


def png_size(body: bytes) -> str:
    return f"{int.from_bytes(body[16:20], 'big')}x{int.from_bytes(body[20:24], 'big')}"


def manifest_data(lang):
    """The manifest in `lang`; call it with that language's catalog active (force_locale)."""
    assets = current_app.extensions["assets"].by_name
    screenshots = []
    for name in SCREENSHOTS:
        shot = assets.get(f"screenshots/{name}-{lang}.png")
        if shot:
            screenshots.append({
                "src": shot.url, "sizes": png_size(shot.body), "type": "image/png", "form_factor": "narrow",
                "label": _("Help now") if name == "emergency" else _("Mitta"),
            })
    return {
        # One app whatever language it was installed from.
        "id": "/",
        "name": _("Mitta"),
        "short_name": _("Mitta"),
        "description": _("Phone numbers and plain-language information that stay on your phone, "
                         "also without internet."),
        "lang": lang,
        "dir": "ltr",
        "start_url": url_for("pages.home", locale=lang),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{"src": url_for("static", filename=f"icons/{name}"), "sizes": size, "type": "image/png",
                   "purpose": purpose} for name, size, purpose in ICONS],
        "screenshots": screenshots,
        "shortcuts": [
            {"name": _("Help now"), "url": url_for("directory.emergency", locale=lang)},
            {"name": _("Search"), "url": url_for("directory.search", locale=lang)},
        ],
    }
