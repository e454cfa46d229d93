#!/usr/bin/env python3
"""`make bench`, serving: `make run`'s production server (waitress, `python -m server.serve`) against
nginx and Caddy serving the static export (`make static`) of the same pages with the export's own
nginx.conf and Caddyfile, on loopback.

The load generator is Debian's `wrk` (scripts/ensure_servers.py installs it): written in C with
an event loop, so on this 2-core machine it costs the servers far less CPU than a Python client
would, and it reports latency percentiles and errors itself. A small Lua script cycles through
the pages, sending `Accept-Encoding: gzip, deflate, br` as a phone's Chrome does. Each server gets
a warm-up run (Flask compresses each page once, on first use), then the measured run: 64
connections for DURATION seconds. Zero errors are required (non-2xx answers and socket errors).
Prints a table and writes test-artifacts/bench-serve.json.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import start_server  # noqa: E402
from static_server import Nginx, caddy_for_export  # noqa: E402

CONNECTIONS = 64
DURATION = int(os.environ.get("BENCH_SERVE_SECONDS", "15"))
THREADS = 2
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip, deflate, br"})
end
"""


def pages(app):
    """The four kinds of page of issue 13 in both languages: home, a province x need list, a
    service page and a guide article, from the model."""
    model = app.extensions["content"]
    province = next(p for p in model.provinces if p.featured and model.has_local(p.slug))
    need = model.needs[0]
    service = model.listed_services[0]
    article = model.articles[0]
    return [path for locale in ("km", "en") for path in (
        f"/{locale}/", f"/{locale}/province/{province.slug}/{need.slug}/",
        f"/{locale}/service/{service.id}/", f"/{locale}/guide/{article.slug}/")]


def wrk(url, script, seconds):
    out = subprocess.run(["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
                          "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    unit = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
            "p99_ms": float(p99[1]) * unit[p99[2]],
            "requests": int(re.search(r"(\d+) requests in", out)[1]),
            "errors": errors, "raw": out}


def measure(url, script):
    wrk(url, script, 3)  # warm-up: caches, compressed copies, connections
    return wrk(url, script, DURATION)


def main():
    from server import create_app
    from server.export import export
    from conftest import free_port

    app = create_app()
    paths = pages(app)
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        script = tmp / "pages.lua"
        script.write_text(LUA % ", ".join(json.dumps(p) for p in paths))

        process, url = start_server()
        try:
            rows["waitress (make run)"] = measure(url, script)
        finally:
            process.kill()
            process.wait()

        port = free_port()
        export(app, tmp / "build", listen=f"127.0.0.1:{port}")
        nginx = Nginx(tmp / "build", tmp / "nginx", port, workers="auto").start()
        try:
            rows["nginx (make static)"] = measure(nginx.url, script)
        finally:
            nginx.stop()
        caddy = caddy_for_export(tmp / "build", tmp / "caddy", free_port()).start()
        try:
            rows["caddy (make static)"] = measure(caddy.url, script)
        finally:
            caddy.stop()

    print(f"\nServing the same {len(paths)} pages on loopback: {CONNECTIONS} connections, {DURATION} s, "
          f"wrk with {THREADS} threads on the same {os.cpu_count()}-core machine, brotli accepted\n")
    print(f"{'server':24} {'requests/s':>12} {'p99':>10} {'errors':>8}")
    for name, r in rows.items():
        print(f"{name:24} {r['rps']:>12,.0f} {r['p99_ms']:>8.1f}ms {r['errors']:>8}")
    waitress, nginx_row = rows["waitress (make run)"], rows["nginx (make static)"]
    ratio = nginx_row["rps"] / waitress["rps"]
    print(f"nginx / waitress: {ratio:.1f}x the requests per second, "
          f"p99 {nginx_row['p99_ms']:.1f} ms against {waitress['p99_ms']:.1f} ms")
    caddy_row = rows["caddy (make static)"]
    print(f"caddy / waitress: {caddy_row['rps'] / waitress['rps']:.1f}x the requests per second, "
          f"p99 {caddy_row['p99_ms']:.1f} ms")
    result = {"pages": paths, "connections": CONNECTIONS, "seconds": DURATION, "load_generator": "wrk",
              "servers": {name: {k: v for k, v in r.items() if k != "raw"} for name, r in rows.items()},
              "ratio_rps": ratio}
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "bench-serve.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"written to {out / 'bench-serve.json'}")
    errors = {name: r["errors"] for name, r in rows.items() if r["errors"]}
    if errors:
        print(f"ERRORS (must be zero): {errors}")
        for name in errors:
            print(rows[name]["raw"])
    return result


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(1 if any(r["errors"] for r in main()["servers"].values()) else 0)
