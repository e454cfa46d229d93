"""The few absolute addresses Mitta writes (a shared service's link; later QR codes) come from
configuration, never from the request: a forged Host or X-Forwarded-Host header must not be able
to put another site's name into a page that is then cached for everybody.

PUBLIC_URL is where people reach this server (MITTA_PUBLIC_URL=https://mitta.example.org); behind
a proxy, set Flask's TRUSTED_HOSTS too (MITTA_TRUSTED_HOSTS='["mitta.example.org"]') so that
requests naming any other host are refused.
"""
from urllib.parse import urlsplit

DEFAULT = "http://127.0.0.1:8000"  # what `make run` serves


def check(url):
    """PUBLIC_URL without its trailing slash; ValueError for anything but http(s)://host[/path]."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"PUBLIC_URL must look like https://mitta.example.org, not {url!r}")
    return url.rstrip("/")


def public_url(path):
    """The absolute address of one of our root-relative paths."""
    from flask import current_app  # here, so that check() serves the maintainers' commands without Flask
    return current_app.config["PUBLIC_URL"] + path


def init_app(app):
    app.config["PUBLIC_URL"] = check(app.config.get("PUBLIC_URL") or DEFAULT)
    app.add_template_global(public_url)
