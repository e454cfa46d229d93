"""Make sure the web servers the deployment tests and `make bench` run exist: Debian's nginx
(with its brotli_static module, to serve the export's .br files), caddy, wrk (the load
generator of `make bench`), and ffmpeg (recordings: `flask content audio add` and its tests). Installed with apt-get when we are root on Debian/Ubuntu, like
scripts/ensure_chromium.py does for Chromium; otherwise it says what is missing and how to get it.
"""
import os
import shutil
import subprocess
import sys

# Debian package -> the file that shows it is installed.
PACKAGES = {
    "nginx": "/usr/sbin/nginx",
    "libnginx-mod-http-brotli-static": "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so",
    "caddy": "/usr/bin/caddy",
    "wrk": "/usr/bin/wrk",
    # `flask content audio add` and the tests that make their own audio (tests/test_listen.py)
    "ffmpeg": "/usr/bin/ffmpeg",
}


def missing():
    return [name for name, path in PACKAGES.items() if not os.path.exists(path)]


def main():
    wanted = missing()
    if not wanted:
        return 0
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Installing Debian's {', '.join(wanted)} for the deployment tests…", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        # --no-install-recommends: no nginx started as a system service on port 80.
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *wanted], check=False, env=env)
        wanted = missing()
        if not wanted:
            return 0
    # The other tests still run; the deployment tests then fail naming the missing server.
    print(f"Missing for the deployment tests and `make bench`: {', '.join(wanted)}. On Debian/Ubuntu: "
          f"sudo apt-get install {' '.join(wanted)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
