"""A page's bytes depend on its route alone (and `q` on the search page): never on other query
arguments, the Host header, X-Forwarded-* or any other header. Pages are cached by path, so one
hostile request that changed a page would change it for everybody who comes after."""
import pytest

from conftest import make_app
from routes import HOSTILE_HEADERS, PROBE, examples, hostile_query

PER_ROUTE = 2  # pages of one route differ only in their content


@pytest.fixture(scope="module")
def urls():
    return [url for found in examples(make_app()).values() for url in found[:PER_ROUTE]]


def answer(response):
    return (response.status_code, response.headers.get("Location"), response.headers.get("Content-Type"),
            response.get_data())


def hostile_headers(clean):
    headers = dict(HOSTILE_HEADERS)
    # Only the root and the plain manifest address choose a language from Accept-Language (and
    # say so with Vary); every other answer must ignore it.
    if "Accept-Language" not in clean.vary:
        headers["Accept-Language"] = "en;q=0.1, km;q=0.9, x-" + PROBE
    return headers


def test_a_hostile_request_neither_changes_nor_poisons_any_page(urls):
    clean_app, poisoned_app = make_app().test_client(), make_app().test_client()
    for url in urls:
        clean = clean_app.get(url)
        # Every example answers, but the API's catch-all, whose answer is its JSON 404.
        assert clean.status_code < 400 or url.startswith("/api/v1/no-such"), url
        # The API refuses query keys it does not document (400, tests/test_api.py), so it gets the
        # hostile headers only; its query is Schemathesis's to vary (tests/test_api_fuzz.py).
        sent = url if url.startswith("/api/") else hostile_query(poisoned_app.application, url)
        hostile = poisoned_app.get(sent, headers=hostile_headers(clean))
        assert answer(hostile) == answer(clean), f"{url}: a hostile request got another answer"
        # What the cache now holds for everybody else is still the clean page, byte for byte.
        assert answer(poisoned_app.get(url)) == answer(clean), f"{url}: the cached page was poisoned"


@pytest.mark.parametrize("url,same_as", [
    ("/en/privacy/?locale=x", "/en/privacy/"),          # these two answered 500: the query key
    ("/en/province/pursat/?slug=x", "/en/province/pursat/"),  # reached url_for
    ("/km/province/pursat/legal-aid/?category=x&slug=y&locale=z", "/km/province/pursat/legal-aid/"),
    ("/en/guide/?_external=1&_scheme=javascript&_anchor=x&_method=POST", "/en/guide/"),
    ("/km/search?q=a&locale=en&_external=1&_scheme=javascript", "/km/search?q=a"),
])
def test_query_keys_named_like_route_arguments_change_nothing(url, same_as):
    answered = make_app().test_client().get(url)
    assert answered.status_code == 200
    assert answered.get_data() == make_app().test_client().get(same_as).get_data()


def test_the_language_switch_keeps_only_the_search_question(client):
    html = client.get("/en/search?q=clinic&note=police-are-watching").get_data(as_text=True)
    assert 'href="/km/search?q=clinic" hreflang="km"' in html
    assert "police-are-watching" not in html


def test_a_redirect_never_names_the_host_it_was_asked_for(client):
    # Werkzeug's added-slash redirect is built from the Host header; ours keeps the path only.
    response = client.get("/en/about?x=1", headers={"Host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == "/en/about/?x=1"
    response = client.get("/en/province/pursat", headers={"Host": "evil.example", "X-Forwarded-Host": "a.example"})
    assert response.headers["Location"] == "/en/province/pursat/"


def test_trusted_hosts_refuse_any_other_host_in_the_readers_language():
    app = make_app({"TRUSTED_HOSTS": ["mitta.example", ".mitta.example"]})
    client = app.test_client()
    assert client.get("/en/about/", headers={"Host": "mitta.example"}).status_code == 200
    assert client.get("/en/about/", headers={"Host": "km.mitta.example:8000"}).status_code == 200
    for host in ("evil.example", "mitta.example.evil.example", PROBE):
        response = client.get("/km/about/", headers={"Host": host})
        assert response.status_code == 400, host
        html = response.get_data(as_text=True)
        assert '<html lang="km"' in html and PROBE not in html


def service_page(client):
    html = client.get("/en/search?q=1280").get_data(as_text=True)
    return client.get(html.split('href="/en/service/', 1)[1].split('"', 1)[0].join(["/en/service/", ""]))


def test_absolute_links_come_from_public_url_not_from_the_request():
    client = make_app({"PUBLIC_URL": "https://mitta.example.org/"}).test_client()
    share = service_page(client).get_data(as_text=True).split('data-share-fallback', 1)[1].split(">", 1)[0]
    assert "https%3A//mitta.example.org/en/service/" in share
    default = service_page(make_app().test_client()).get_data(as_text=True)
    assert "http%3A//127.0.0.1%3A8000/en/service/" in default  # where `make run` serves
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        make_app({"PUBLIC_URL": "javascript:alert(1)"})
