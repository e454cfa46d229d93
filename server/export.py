"""The static export: the whole site as files any HTTPS host can serve (`make static`, or
`flask --app server export DIR`). Content changes, `make static`, upload `build/`: that is the
whole publishing step for a static host.

One direction of flow, as for the offline pack: the loaded app and its pack go in, files come
out. The URLs come from the lists that already exist (the pack's pages of every language and
the files saved with them, its parts and worker, the declared static files, the API's documents
from the model); nothing is found by reading rendered pages. Each file is what this app answers
for its URL, through the whole app (server/rendering.py's `render`, headers included), at the
pack's clock, so the same content exports to the same bytes. A page on the static host has the
same content and links as the copy the phone saves, with a different <head>: the export's page
inlines the critical CSS and script as every online page does, the saved copy links them
(server/critical.py).

Beside the site: `.br` and `.gz` siblings of every text file (the bytes server/compress.py would
send), and three server configurations that set the same headers as the Flask server, generated
from server/security.py (`headers(app)`: the app's CSP with its inline hashes, `HEADERS`, `HSTS`) and from the cache rules below, so a change
there reaches every host at the next export: `_headers` (Netlify, Cloudflare Pages), `nginx.conf`
and `Caddyfile`. Each rule's headers are checked against Flask's own answer for every file.

One module of over 300 lines because it is one idea, "the site as files a host serves as Flask
would": the file list, the files, and the host configurations are checked against each other
here, and split apart each would need the others' rules.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import assets, compress, hsds_profile, offline, security
from .rendering import render
from .i18n import locales

# Headers that differ by path, beside security.py's for every answer. Flask decides them in
# assets.py, offline.py and api.py; `collect` checks Flask still answers exactly these.
RULES = (
    ("/static/*", {"Cache-Control": assets.CACHE_CONTROL}),
    ("/offline-pack/*", {"Cache-Control": offline.IMMUTABLE}),
    ("/sw/*", {"Cache-Control": offline.IMMUTABLE}),
    ("/sw.js", {"Cache-Control": f"max-age={offline.CHECK_EVERY}"}),
    ("/sw-pack.js", {"Cache-Control": f"max-age={offline.CHECK_EVERY}"}),
    ("/favicon.ico", {"Cache-Control": f"max-age={offline.CHECK_EVERY}"}),
    ("/api/*", {"Access-Control-Allow-Origin": "*"}),
)
CHECKED = ("Cache-Control", "Access-Control-Allow-Origin")
# What the server configurations themselves are called: never served as part of the site.
CONFIGS = ("_headers", "_redirects", "nginx.conf", "Caddyfile")
# The one redirect that depends on the request: the reader's language (the table's first when in
# doubt). A static host can only approximate Flask's Accept-Language negotiation: another language
# when it is the first one asked for.
def first_asked(code: str) -> str:
    return rf"^\s*{code}"


def not_found(codes) -> dict[str, str]:
    """Each language's "not found" page, then the API's."""
    return {**{f"/{c}/": f"/{c}/404.html" for c in codes}, "/api/": "/api/v1/404.json"}


# The API's lists: exported when the whole list is on its first page.
LISTS = ("/api/v1/services", "/api/v1/organizations", "/api/v1/taxonomies", "/api/v1/taxonomy_terms")


@dataclass(frozen=True)
class File:
    url: str            # what a browser asks for
    path: str           # where it is under the export's folder
    content_type: str
    body: bytes
    status: int = 200


def rule_headers(url: str) -> dict[str, str]:
    found = {}
    for pattern, headers in RULES:
        if fnmatchcase(url, pattern):
            found.update(headers)
    return found


def file_path(url: str, content_type: str) -> str:
    """`/km/` -> km/index.html; `/km/search` -> km/search.html; `/api/v1/services` ->
    api/v1/services.json (a folder of the same name may hold its records); others as named."""
    ext = ".json" if content_type.split(";")[0].endswith("json") else ".html"
    path = url.lstrip("/")
    if not path or path.endswith("/"):
        return path + "index" + ext
    if "." not in path.rsplit("/", 1)[-1]:
        return path + ext
    return path


def urls(app, pack) -> list[str]:
    """Every URL of the static site (each answers 200)."""
    model = app.extensions["content"]
    found = set(pack.pages) | set(pack.files)
    found |= {part.url for parts in pack.parts.values() for part in parts}
    found |= {"/sw.js", "/sw-pack.js", "/favicon.ico", *pack.module_urls()}
    # Not yet the recordings (server/listen.py): content/ has none, and a header rule that
    # applies to no URL is refused; with the first recording, export /audio/* with its rule.
    found |= {a.url for a in app.extensions["assets"].by_name.values()}
    # The API's documents as plain files: a static host cannot read a query, so each is its
    # default answer (English, the first page); a list longer than one page is left out (its next
    # pages would need `?page=`), and the server configurations refuse API queries.
    found |= {"/api/v1/", "/api/v1/openapi.json", *LISTS}
    # The HSDS profile the API's root names, so that its address answers on a static host too.
    found |= {hsds_profile.PATH, *(hsds_profile.PATH + name for name in hsds_profile.files())}
    found |= {f"/api/v1/services/{s.id}" for s in model.services}
    found |= {f"/api/v1/organizations/{o.id}" for o in model.organizations}
    return sorted(found)


def collect(app) -> list[File]:
    """Every file of the site, as this app answers it at the pack's clock."""
    with app.app_context():
        pack = offline.pack()

    def get(url):
        # The page as a visitor's browser gets it online (not the saved copy), at the pack's clock.
        return render(app, url, at=pack.clock)

    files = []
    for url in urls(app, pack):
        response = get(url)
        body = response.get_data()
        if url in LISTS and json.loads(body)["total_pages"] > 1:
            continue  # its next pages would need `?page=`
        files.append(File(url, file_path(url, response.content_type), response.content_type, body))
        check_headers(url, response.headers)
    # The "not found" pages, as Flask answers a missing page under each prefix.
    codes = locales(app)
    for prefix, path in not_found(codes).items():
        response = get(prefix + ("v1/no-such-thing" if prefix == "/api/" else "no-such-page/"))
        assert response.status_code == 404, (prefix, response.status_code)
        files.append(File(path, path.lstrip("/"), response.content_type, response.get_data(), 404))
    default = next(f for f in files if f.url == not_found(codes)[f"/{codes[0]}/"])
    files.append(File("/404.html", "404.html", default.content_type, default.body, 404))
    return files


def check_headers(url, headers):
    """The cache and API rules above are what Flask really sends for this URL."""
    expected = rule_headers(url)
    for name in CHECKED:
        if headers.get(name) != expected.get(name):
            raise RuntimeError(f"export: Flask answers {url} with {name}: {headers.get(name)!r}, "
                               f"the export's RULES say {expected.get(name)!r}")


def write(files: list[File], out: Path, base: dict[str, str], listen: str, codes) -> dict:
    """The files, their compressed siblings and the three server configurations, into `out`
    (emptied first). Returns counts and sizes for the summary."""
    out = Path(out).resolve()
    if out.exists():
        shutil.rmtree(out)
    sizes = {"files": 0, "bytes": 0, "siblings": 0, "sibling_bytes": 0}
    for f in files:
        target = out / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_file(target, f.body)
        sizes["files"] += 1
        sizes["bytes"] += len(f.body)
        if compress.compressible(f.content_type.split(";")[0], f.body):
            for coding, data in compress.encodings(f.body).items():
                write_file(out / (f.path + {"br": ".br", "gzip": ".gz"}[coding]), data)
                sizes["siblings"] += 1
                sizes["sibling_bytes"] += len(data)
    types = content_types(files)
    (out / "_headers").write_text(headers_file(base), encoding="utf-8")
    (out / "_redirects").write_text(redirects_file(files, codes), encoding="utf-8")
    (out / "nginx.conf").write_text(nginx_conf(out, listen, types, base, codes), encoding="utf-8")
    (out / "Caddyfile").write_text(caddyfile(out, base, codes), encoding="utf-8")
    return sizes


def write_file(target: Path, body: bytes):
    """nginx and Caddy make a file's ETag from its size and modification time: the time is taken
    from the bytes, so a file's ETag depends on its bytes alone, and one exported again unchanged
    still revalidates to 304 on a phone (32 bits of SHA-256, before 2038)."""
    target.write_bytes(body)
    stamp = int.from_bytes(hashlib.sha256(body).digest()[:4], "big") >> 1
    os.utime(target, (stamp, stamp))


def export(app, out, listen="80") -> dict:
    return write(collect(app), Path(out), secure_headers(app), listen, locales(app))


# ---------------------------------------------------------------- server configurations

def secure_headers(app) -> dict[str, str]:
    """The app's headers for an answer over HTTPS (a static host serves only HTTPS): its CSP
    names the hashes of the inline CSS and script it renders (server/critical.py)."""
    return {**security.headers(app), "Strict-Transport-Security": security.HSTS}


def content_types(files) -> dict[str, str]:
    """File name ending -> the content type Flask answered for it (one per ending)."""
    found = {}
    for f in files:
        ext = os.path.splitext(f.path)[1]
        if found.setdefault(ext, f.content_type) != f.content_type:
            raise RuntimeError(f"export: {ext} files answer both {found[ext]} and {f.content_type}")
    return found


def headers_file(base: dict[str, str]) -> str:
    lines = ["# Netlify / Cloudflare Pages: the headers Mitta's Flask server sends (server/export.py).", "/*"]
    lines += [f"  {name}: {value}" for name, value in base.items()]
    for pattern, headers in RULES:
        lines.append(pattern)
        lines += [f"  {name}: {value}" for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def redirects_file(files, codes) -> str:
    lines = ["# Netlify / Cloudflare Pages (server/export.py). The first language unless the reader chooses another.",
             f"/  /{codes[0]}/  302", f"/manifest.webmanifest  /manifest-{codes[0]}.webmanifest  302"]
    # URLs without a name ending, stored as .json (the API): rewrites; .html is found by the host.
    lines += [f"{f.url}  /{f.path}  200" for f in files
              if f.status == 200 and f.path.endswith(".json") and not f.url.endswith(".json")]
    lines += [f"{prefix}*  {path}  404" for prefix, path in not_found(codes).items()]
    return "\n".join(lines) + "\n"


def _nginx_headers(base, extra=None, indent="        "):
    headers = {name: value for name, value in {**base, **(extra or {})}.items()
               if name != "Strict-Transport-Security"}
    lines = [f"{indent}add_header {name} \"{value}\" always;" for name, value in headers.items()]
    # The ETag is the one validator, as from Flask (server/compress.py): a file's time is no date.
    lines.append(f"{indent}add_header Last-Modified \"\";")
    # Empty over plain HTTP, and nginx sends no header with an empty value.
    lines.append(f"{indent}add_header Strict-Transport-Security $mitta_hsts always;")
    return "\n".join(lines)


def nginx_conf(root: Path, listen: str, types: dict[str, str], base: dict[str, str], codes) -> str:
    """For nginx's http context (e.g. /etc/nginx/sites-enabled/mitta.conf). Serving the .br
    siblings needs Debian's libnginx-mod-http-brotli-static; without it, delete that line."""
    mime = "\n".join(f"        {t.split(';')[0]} {ext.lstrip('.')};" for ext, t in sorted(types.items()) if ext)
    charset = " ".join(sorted({t.split(";")[0] for t in types.values() if "charset=" in t} - {"text/html"}))
    configs = "|".join(c.replace(".", r"\.") for c in CONFIGS)
    locations = []
    for pattern, extra in RULES:
        where = f"= {pattern}" if "*" not in pattern else pattern.rstrip("*")
        body = _nginx_headers(base, extra)
        if pattern == "/api/*":
            # A static file cannot answer a query: say "not found" rather than the wrong page.
            body += "\n        if ($args) { return 404; }\n        try_files $mitta_file $mitta_file.json =404;"
        else:
            body += "\n        try_files $uri =404;"
        locations.append(f"    location {where} {{\n{body}\n    }}")
    missing = "\n".join(f"    ~^{prefix} {path};" for prefix, path in not_found(codes).items())
    asked = "\n".join(f'    "~*{first_asked(c)}" {c};' for c in codes[1:])
    return f"""# Mitta's static export for nginx: generated by server/export.py (`make static`) from
# server/security.py, so the headers are the Flask server's. Include it in nginx's http context.
map $http_accept_language $mitta_lang {{
    default {codes[0]};
{asked}
}}
map $uri $mitta_404 {{
    default /$mitta_lang/404.html;
{missing}
}}
# The file a URL is stored as, without its .html/.json (file_path): /km/ -> /km/index.
# Volatile: worked out again after error_page's internal redirect to a 404 page.
map $uri $mitta_file {{
    volatile;
    default $uri;
    ~/$ ${{uri}}index;
}}
map $scheme $mitta_hsts {{
    default "";
    https "{security.HSTS}";
}}
server {{
    listen {listen};
    root {root};
    server_tokens off;
    if_modified_since off;  # no Last-Modified is sent, so none is compared
    absolute_redirect off;  # root-relative, as Flask answers (security.root_relative)
    types {{
{mime}
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types {charset};
    gzip_static on;
    brotli_static on;
    gzip_vary on;
    error_page 404 $mitta_404;

    location = / {{
{_nginx_headers(base, {"Vary": "Accept-Language"})}
        return 302 /$mitta_lang/;
    }}
    location = /manifest.webmanifest {{
{_nginx_headers(base, {"Vary": "Accept-Language"})}
        return 302 /manifest-$mitta_lang.webmanifest;
    }}
    location ~ ^/({configs})$ {{
{_nginx_headers(base)}
        return 404;
    }}
{chr(10).join(locations)}
    location / {{
{_nginx_headers(base)}
        try_files $mitta_file $mitta_file.html $mitta_file.json =404;
    }}
}}
"""


def caddyfile(root: Path, base: dict[str, str], codes) -> str:
    headers = "\n".join(f"\t\t{name} \"{value}\"" for name, value in base.items()
                        if name != "Strict-Transport-Security")
    rules = "\n".join(f"\theader {pattern} {{\n" + "\n".join(f"\t\t{n} \"{v}\"" for n, v in h.items()) + "\n\t}"
                      for pattern, h in RULES)
    missing = "\n".join(
        f"\t\t@nf{i} path {prefix}*\n\t\trewrite @nf{i} {path}" for i, (prefix, path) in enumerate(not_found(codes).items()))
    asked = "\n".join(
        f"\t@lang_{c} {{\n\t\tpath {where}\n\t\theader_regexp Accept-Language (?i){first_asked(c)}\n\t}}\n"
        f"\tredir @lang_{c} {to} 302"
        for c in codes[1:] for where, to in (("/", f"/{c}/"),))
    asked_manifest = "\n".join(
        f"\t@manifest_{c} {{\n\t\tpath /manifest.webmanifest\n\t\theader_regexp Accept-Language (?i){first_asked(c)}\n\t}}\n"
        f"\tredir @manifest_{c} /manifest-{c}.webmanifest 302" for c in codes[1:])
    return f"""# Mitta's static export for Caddy, which obtains its HTTPS certificate itself: generated by
# server/export.py (`make static`) from server/security.py, so the headers are the Flask server's.
#   MITTA_DOMAIN=mitta.example.org caddy run --config Caddyfile
# MITTA_DOMAIN is the site's address: a domain name is served over HTTPS; `http://127.0.0.1:8080`
# serves plain HTTP on that port alone (as the tests do). MITTA_CADDY_ADMIN moves Caddy's admin
# endpoint (`off`: none), so that two Caddys can run on one machine.
{{
	admin {{$MITTA_CADDY_ADMIN:localhost:2019}}
}}

# On every answer, the "not found" pages included (handle_errors starts afresh).
(mitta_headers) {{
	header {{
{headers}
		-Server
		# The ETag is the one validator, as from Flask (server/compress.py): a file's time is no date.
		-Last-Modified
	}}
	@https{{args.0}} protocol https
	header @https{{args.0}} Strict-Transport-Security "{base["Strict-Transport-Security"]}"
}}

{{$MITTA_DOMAIN:localhost}} {{
	root * {root}
	import mitta_headers site
	request_header -If-Modified-Since
{rules}
	@config path {" ".join("/" + c for c in CONFIGS)}
	error @config 404
	@apiquery {{
		path /api/*
		expression {{query}} != ""
	}}
	error @apiquery 404
{asked}
	redir / /{codes[0]}/ 302
{asked_manifest}
	redir /manifest.webmanifest /manifest-{codes[0]}.webmanifest 302
	try_files {{path}} {{path}}.html {{path}}.json {{path}}/
	file_server {{
		precompressed br gzip
		index index.html index.json
	}}
	handle_errors {{
		import mitta_headers errors
{missing}
		rewrite * /{codes[0]}/404.html
		file_server {{
			precompressed br gzip
		}}
	}}
}}
"""


@click.command("export", help="Write the whole site as static files, with _headers, nginx.conf and a Caddyfile.")
@click.argument("directory", default="build", type=click.Path(file_okay=False))
@click.option("--listen", default="80", show_default=True, help="nginx.conf's listen address")
@with_appcontext
def command(directory, listen):
    sizes = export(current_app._get_current_object(), directory, listen)
    click.echo(f"{directory}/: {sizes['files']} files, {sizes['bytes']:,} B; {sizes['siblings']} .br/.gz "
               f"siblings, {sizes['sibling_bytes']:,} B; _headers, _redirects, nginx.conf, Caddyfile")
