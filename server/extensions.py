"""Extension objects, created here so blueprints can import them without the app."""
from flask_babel import Babel
from flask_caching import Cache

babel = Babel()
cache = Cache()
