"""Make sure a Chromium exists for the browser tests, preferring the system one.

Order: $MITTA_CHROMIUM, Debian's /usr/bin/chromium, installing Debian's package when we are root
on Debian/Ubuntu, and only then Playwright's own download (which some networks forbid).
"""
import os
import shutil
import subprocess
import sys

CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]


def found():
    explicit = os.environ.get("MITTA_CHROMIUM")
    if explicit and os.access(explicit, os.X_OK):
        return explicit
    return next((p for p in CANDIDATES if os.access(p, os.X_OK)), None)


def main():
    if found():
        return 0
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's chromium for the browser tests…", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
        if found():
            return 0
    print("No system Chromium; asking Playwright for its own build…", flush=True)
    return subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"]).returncode


if __name__ == "__main__":
    sys.exit(main())
