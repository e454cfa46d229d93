"""Where the project's folders are, relative to this package."""
import os

SERVER = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(SERVER)
CONTENT_DIR = os.path.join(ROOT, "content")
STATIC_DIR = os.path.join(ROOT, "static")
SERVICE_WORKER_DIR = os.path.join(ROOT, "service_worker")
CATEGORY_ICONS = os.path.join(STATIC_DIR, "icons", "categories")
INSTANCE_DIR = os.path.join(ROOT, "instance")  # Flask's instance folder: the problem reports database
KHMER_CATALOG = os.path.join(SERVER, "translations", "km", "LC_MESSAGES", "messages.po")  # checked against content/glossary.yaml
