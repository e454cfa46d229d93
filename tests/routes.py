"""Example URLs for every route the app registers, and the hostile parts of a request that must
never change what a route answers. The hostile-request and fuzz tests share them, so a new route
is covered as soon as it exists (and one nobody can reach fails `examples` by name)."""
from flask import url_for

from server import listen, offline
from server.content.languages import table_codes
from server.paths import CONTENT_DIR

LOCALES = table_codes(CONTENT_DIR)
from server.sitemap import page_urls

PROBE = "zqprobe"  # in every hostile value; must never come back in a page
# Flask's own url_for keywords: a query key of this name must never reach url_for.
FLASK_ARGS = ["_external", "_scheme", "_anchor", "_method"]
# What a person sends to a route. Everything else in a request is, for the page, noise.
KEPT = {"directory.search": {"q"}}
# Headers a proxy, a crawler or an attacker may send. None of them may change a page.
HOSTILE_HEADERS = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "javascript",
    "X-Forwarded-Prefix": "/" + PROBE,
    "X-Forwarded-Port": "1",
    "X-Forwarded-For": "203.0.113.9",
    "Forwarded": "for=203.0.113.9;host=evil.example;proto=http",
    "X-Original-URL": "/" + PROBE,
    "X-Rewrite-URL": "/" + PROBE,
    "Referer": f"https://evil.example/{PROBE}",
    "User-Agent": PROBE,
    "Cookie": f"{PROBE}=1; session={PROBE}",
}


def route_arguments(app):
    return sorted({arg for rule in app.url_map.iter_rules() for arg in rule.arguments})


def examples(app):
    """{endpoint: [url, ...]}: real, answering URLs for every GET route of `app`."""
    urls = ["/en/search?q=Pursat", "/km/search?q=%E1%9E%96%E1%9F%84"]
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.arguments <= {"locale"}:
                urls += [url_for(rule.endpoint, locale=locale) for locale in LOCALES] \
                    if rule.arguments else [url_for(rule.endpoint)]
        for locale in LOCALES:
            urls += page_urls(locale) + offline.offline_files(locale)
            urls += [url_for("offline.part", digest=p.digest) for p in offline.pack().parts[locale]]
            urls.append(url_for("offline.manifest", lang=locale))
        urls.append(url_for("static", filename="css/app.css"))
        urls.append(url_for("offline.worker_config"))
        urls += list(offline.pack().module_urls())
        model = app.extensions["content"]
        urls += [url_for("api.service", id=model.services[0].id), url_for("api.service", id=model.services[0].id, lang="km"),
                 url_for("api.organization", id=model.organizations[0].id), "/api/v1/no-such-thing",
                 url_for("api.profile_patch", name="service.json"), url_for("api.profile_schema", name="phone.json"),
                 url_for("api.profile_compiled", name="service.json")]
        # Every recording's clip; content/ ships none yet (README), so the route may have no example.
        urls += [url_for("listen.clip", ver=listen.version(r), name=r.file) for r in model.recordings]
    adapter = app.url_map.bind("localhost")
    found = {}
    for url in dict.fromkeys(urls):
        endpoint, _ = adapter.match(url.partition("?")[0])
        found.setdefault(endpoint, []).append(url)
    missing = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods} - set(found)
    if not app.extensions["content"].recordings:
        missing.discard("listen.clip")
    assert not missing, f"no example URL for {sorted(missing)}: add one in tests/routes.py"
    return found


def endpoint_of(app, url):
    return app.url_map.bind("localhost").match(url.partition("?")[0])[0]


def hostile_query(app, url):
    """Every route argument name, Flask's url_for keywords and a stray key, each with a probe;
    the query a route really uses (the search's `q`) is kept as it was."""
    path, _, query = url.partition("?")
    keys = route_arguments(app) + FLASK_ARGS + ["q", "note"]
    kept = KEPT.get(endpoint_of(app, url), set())
    pairs = [f"{key}={PROBE}" for key in keys if key not in kept]
    pairs += ["_external=1", "_scheme=javascript", "_method=POST", f"note=%3Cscript%3E{PROBE}"]
    return path + "?" + "&".join(([query] if query else []) + pairs)
