"""nginx and Caddy as the tests and `make bench` run them: from a temporary folder, on a free
loopback port, writing nothing outside it (Caddy's $HOME and XDG folders point into it too)."""
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"


def _wait(process, url, log, context=None):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited:\n" + Path(log).read_text(errors="replace"))
        try:
            urllib.request.urlopen(url, timeout=1, context=context)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer:\n" + Path(log).read_text(errors="replace"))


class Nginx:
    """Debian's nginx with the export's own nginx.conf (build/nginx.conf, written for `listen`)
    included in the http context of a minimal main configuration kept in `tmp`."""

    def __init__(self, build, tmp, port, workers=1):
        self.build, self.tmp, self.port = Path(build), Path(tmp), port
        self.url = f"http://127.0.0.1:{port}"
        self.workers = workers
        self.process = None

    def start(self):
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.tmp / sub).mkdir(parents=True, exist_ok=True)
        conf = self.tmp / "main.conf"
        root_user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the pytest tmp dirs
        conf.write_text(
            f"{root_user}load_module {BROTLI_MODULE};\n"
            f"daemon off;\nworker_processes {self.workers};\npid {self.tmp}/nginx.pid;\n"
            f"error_log {self.tmp}/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  access_log off;\n"
            + "".join(f"  {kind}_temp_path {self.tmp}/{sub};\n" for kind, sub in (
                ("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"), ("uwsgi", "uwsgi"),
                ("scgi", "scgi")))
            + f"  include {self.build}/nginx.conf;\n}}\n")
        self.log = self.tmp / "nginx.out"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(["/usr/sbin/nginx", "-p", str(self.tmp), "-c", str(conf)],
                                            stdout=out, stderr=subprocess.STDOUT)
        _wait(self.process, self.url + "/km/", self.log)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Caddy:
    """Debian's caddy running `caddyfile` with the environment `env`; its data (the internal
    CA, certificates) and configuration stay in `tmp`."""

    def __init__(self, caddyfile, tmp, env, ready_url):
        self.caddyfile, self.tmp, self.ready_url = Path(caddyfile), Path(tmp), ready_url
        self.env = {**os.environ, **env, "HOME": str(tmp), "XDG_DATA_HOME": str(Path(tmp) / "data"),
                    "XDG_CONFIG_HOME": str(Path(tmp) / "config")}
        self.process = None

    def start(self):
        import ssl
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.log = self.tmp / "caddy.out"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                ["/usr/bin/caddy", "run", "--adapter", "caddyfile", "--config", str(self.caddyfile)],
                env=self.env, cwd=self.tmp, stdout=out, stderr=subprocess.STDOUT)
        _wait(self.process, self.ready_url, self.log, ssl._create_unverified_context())
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def caddy_for_export(build, tmp, port):
    """The export's own Caddyfile serving `build` over plain HTTP on `port` alone: its site
    address is MITTA_DOMAIN, and `http://127.0.0.1:PORT` asks for no certificate."""
    url = f"http://127.0.0.1:{port}"
    caddy = Caddy(Path(build) / "Caddyfile", tmp, {"MITTA_DOMAIN": url, "MITTA_CADDY_ADMIN": "off"}, url + "/km/")
    caddy.url = url
    return caddy
