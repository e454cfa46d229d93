"""Extension objects, created here so blueprints can import them without the app."""
from flask_babel import Babel
from flask_caching import Cache

babel = Babel()
cache = Cache()


def content():
    """The content model loaded at start-up (see create_app)."""
    from flask import current_app
    return current_app.extensions["content"]
