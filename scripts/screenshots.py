#!/usr/bin/env python3
"""Take the manifest's narrow screenshots (what Android shows in its install sheet).

Starts Mitta on a free port, opens each page in Chromium at a small phone's size, and writes
static/screenshots/<page>-<locale>.png. Run after a visible change, then commit the PNGs:

    .venv/bin/python scripts/screenshots.py
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "screenshots"
PAGES = {"home": "/", "emergency": "/emergency/"}  # server/offline.py SCREENSHOTS names these
# The live languages of content/languages.yaml (read plainly: this script runs without the app).
LOCALES = tuple(row["code"] for row in yaml.safe_load((ROOT / "content" / "languages.yaml").read_text("utf-8"))["languages"]
                if row["status"] == "live")
SIZE = {"width": 360, "height": 740}  # CSS px at 1x: a small Android phone, a small file


def chromium():
    for candidate in (os.environ.get("MITTA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def start_server(env=None, wait=30):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", **(env or {}))
    process = subprocess.Popen([sys.executable, "-m", "server.serve"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(wait * 10):
        try:
            urllib.request.urlopen(url + "/en/about/", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    process, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
            # No service worker: the status line it adds is not part of the picture.
            context = browser.new_context(viewport=SIZE, device_scale_factor=1, is_mobile=True,
                                          has_touch=True, service_workers="block",
                                          color_scheme="light")
            page = context.new_page()
            for locale in LOCALES:
                for name, path in PAGES.items():
                    page.goto(f"{url}/{locale}{path}")
                    page.evaluate("document.fonts.ready")
                    target = OUT / f"{name}-{locale}.png"
                    page.screenshot(path=str(target))
                    print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")
            browser.close()
    finally:
        process.kill()
        process.wait()


if __name__ == "__main__":
    main()
