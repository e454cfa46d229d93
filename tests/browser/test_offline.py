"""Offline as a person on a phone lives it: one visit with a connection, then the server is gone.

Real server (waitress in its own process, killed to go offline), real service worker, real
Chromium. Nothing here mocks the network: "offline" is a dead server.
"""
import hashlib
import html
import json
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.dates import format_date

from conftest import LiveServer
from content_copies import changed_content
from counting_proxy import CountingProxy
from server import create_app
from server.sitemap import page_urls
from site_crawl import crawl

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
SAVED = "#offline-status .offline-saved"
KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")

CACHE_SUMMARY = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = {};
    for (const request of await cache.keys()) {
      const body = await (await cache.match(request)).arrayBuffer();
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
      out[name][new URL(request.url).pathname] = {
        size: body.byteLength, sha256: Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')};
    }
  }
  return out;
}"""


def text_of(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def expected_pages(client, locale):
    """Every page of a language, from a crawl of the site and from the sitemap, with its <h1>."""
    with client.application.test_request_context():
        listed = set(page_urls(locale))
    found = {p for p in crawl(client, starts=(f"/{locale}/",)) if p.startswith(f"/{locale}/")}
    pages = {}
    for path in sorted(listed | found):
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            match = re.search(r"<h1\b[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S)
            pages[path] = text_of(match.group(1))
    return pages


def wait_saved(page):
    page.wait_for_selector(SAVED, timeout=60_000)
    return page.inner_text(SAVED)


def open_offline(page, url):
    page.goto(url, wait_until="load")
    return page.locator("h1").first.text_content()


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def saved_km(browser, phone_profile, tmp_path_factory):
    """A phone that visited /km/ once and did nothing else; then the server died."""
    server = LiveServer(tmp_path_factory.mktemp("offline")).start()
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    page.goto(server.url + "/km/")
    saved_text = wait_saved(page)
    server.stop()
    yield SimpleNamespace(url=server.url, page=page, saved_text=saved_text, server=server)
    context.close()


def assert_every_page_opens(page, base, pages):
    """Each page opens from the phone alone, showing the same <h1> it has online."""
    saved = set(page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
          for (const r of await (await caches.open(name)).keys()) paths.push(new URL(r.url).pathname);
        }
        return paths;
    }"""))
    missing = sorted(set(pages) - saved)
    assert not missing, f"{len(missing)} of {len(pages)} pages were not saved, e.g. {missing[:5]}"
    wrong = {}
    for path, heading in pages.items():
        got = " ".join((open_offline(page, base + path) or "").split())
        if got != heading:
            wrong[path] = (heading, got)
    assert not wrong, f"{len(wrong)} of {len(pages)} pages wrong offline: {dict(list(wrong.items())[:5])}"


def test_first_visit_saves_every_page_and_each_opens_offline(saved_km, client):
    pages = expected_pages(client, "km")
    assert len(pages) > 30
    assert_every_page_opens(saved_km.page, saved_km.url, pages)
    assert saved_km.server.process.poll() is not None, "the server was really gone"


def test_search_works_offline(saved_km, client):
    page = saved_km.page
    for query in ("Pursat", "ពោធិ៍សាត់", "1280"):
        online = client.get("/km/search", query_string={"q": query}).get_data(as_text=True)
        block = online.split("data-search-results", 1)[1].split("</div>", 1)[0]
        expected = re.findall(r'<li><a href="([^"]+)"', block)
        assert expected, query
        page.goto(f"{saved_km.url}/km/search?q={query}")
        page.wait_for_selector("[data-search-results] .result-list a")
        got = page.eval_on_selector_all("[data-search-results] .result-list a", "els => els.map(a => a.getAttribute('href'))")
        assert got == expected, query
    # Typing searches too, with no server.
    page.fill("input[name=q]", "Kratie")
    page.wait_for_function("() => document.querySelector('[data-search-results]').textContent.includes('ក្រចេះ')")


@pytest.mark.parametrize("path,lang,heading", [
    ("/km/no-such-page/", "km", "អ្នកមិនមានប្រព័ន្ធអ៊ីនធឺណិតទេ"),
    ("/en/no-such-page/", "en", "You are offline"),
    ("/km/service/00000000-0000-4000-8000-000000000000/", "km", "អ្នកមិនមានប្រព័ន្ធអ៊ីនធឺណិតទេ"),
])
def test_unknown_page_offline_shows_the_offline_page_in_its_language(saved_km, path, lang, heading):
    page = saved_km.page
    assert open_offline(page, saved_km.url + path) == heading
    assert page.get_attribute("html", "lang") == lang
    assert page.wait_for_selector("#offline-status .offline-off").inner_text().startswith(
        {"km": "អ្នកមិនមានប្រព័ន្ធអ៊ីនធឺណិតទេ — ", "en": "You are offline — information saved on "}[lang])
    assert page.locator(f"main a[href='/{lang}/emergency/']").count() == 1
    if lang == "km":  # the language this phone saved: the links lead to saved pages
        page.locator("main a[href='/km/emergency/']").click()
        page.wait_for_url("**/km/emergency/")
        assert page.locator("h1").first.text_content() == "ជំនួយឥឡូវនេះ"


def test_quick_exit_page_and_root_open_offline(saved_km, client):
    page = saved_km.page
    if client.get("/weather/").status_code == 200:
        page.goto(saved_km.url + "/weather/")
        assert page.locator("h1").first.text_content() == text_of(
            re.search(r"<h1\b[^>]*>(.*?)</h1>", client.get("/weather/").get_data(as_text=True), re.S).group(1))
    page.goto(saved_km.url + "/")
    assert page.url == saved_km.url + "/km/"


def test_offline_status_says_when_it_was_saved(saved_km):
    page = saved_km.page
    page.goto(saved_km.url + "/km/about/")
    line = page.wait_for_selector("#offline-status .offline-off").inner_text()
    today = format_date(__import__("datetime").date.today(), "long", locale="km")
    assert line == f"អ្នកមិនមានប្រព័ន្ធអ៊ីនធឺណិតទេ — ព័ត៌មានបានរក្សាទុកនៅថ្ងៃទី {today}"
    assert not page.query_selector("#offline-status .offline-old")


def test_saved_size_is_what_the_caches_hold(saved_km, client):
    shown = int(re.search(r"([\d,]+) KB", saved_km.saved_text.translate(KHMER_DIGITS)).group(1).replace(",", ""))
    caches = saved_km.page.evaluate(CACHE_SUMMARY)
    assert len(caches) == 1 and list(caches)[0].endswith("-km"), caches.keys()
    entries = list(caches.values())[0]
    held = sum(e["size"] for path, e in entries.items() if path != "/__mitta_saved__")
    assert shown == round(held / 1024)
    # And that is exactly the bytes the server has for this version and language.
    sw = client.get("/sw.js").get_data(as_text=True)
    pack = json.loads(re.search(r"^const PACK = (.*);$", sw, re.M).group(1))
    assert list(caches)[0] == f"mitta-{pack['version']}-km", "the same content gives the same version"
    files = client.get(f"{pack['bundle']}km.json").get_json()
    expected = {p: hashlib.sha256(body.encode()).hexdigest() for p, (_, body) in files.items()}
    expected.update({p: hashlib.sha256(client.get(p).get_data()).hexdigest() for p in pack["files"]})
    assert {p: e["sha256"] for p, e in entries.items() if p != "/__mitta_saved__"} == expected


def test_switching_language_saves_the_other_language(browser, phone_profile, own_server, client):
    own_server.start()
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    page.goto(own_server.url + "/km/")
    wait_saved(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    wait_saved(page)
    deadline = time.monotonic() + 60
    while len(names := sorted(page.evaluate("caches.keys()"))) < 2:
        assert time.monotonic() < deadline, names
        time.sleep(0.2)
    assert [n.rsplit("-", 1)[1] for n in names] == ["en", "km"]
    assert names[0].rsplit("-", 1)[0] == names[1].rsplit("-", 1)[0], "one version for both"
    own_server.stop()
    assert_every_page_opens(page, own_server.url, expected_pages(client, "en"))
    context.close()


def phone_with_english_saved(browser, phone_profile, server):
    """Start `server`, visit it once in English and wait until the pack is saved."""
    server.start()
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    page.goto(server.url + "/en/")
    wait_saved(page)
    return context, page


def republish(server, **env):
    """The same address, restarted with other settings: a new version is published."""
    server.stop()
    server.env.update(env)
    server.start()


def test_update_shows_a_prompt_and_never_mixes_versions(browser, phone_profile, own_server, tmp_path):
    content_dir, service_id, old_name, new_name = changed_content(tmp_path)
    context, page = phone_with_english_saved(browser, phone_profile, own_server)
    service = f"{own_server.url}/en/service/{service_id}/"
    page.goto(service)
    assert page.locator("h1").first.text_content() == old_name
    before = page.evaluate("caches.keys()")

    republish(own_server, MITTA_CONTENT_DIR=str(content_dir))

    page.reload()
    button = page.wait_for_selector("#offline-status button.offline-update", timeout=60_000)
    assert button.inner_text() == "New information available — tap to update"
    # Until the tap, every page is still the saved version, whole.
    assert page.locator("h1").first.text_content() == old_name
    page.goto(own_server.url + "/en/emergency/")
    assert new_name not in page.content()
    page.goto(service)
    page.wait_for_selector("#offline-status button.offline-update").click()
    page.wait_for_function("name => document.querySelector('h1').textContent === name", arg=new_name)
    after = page.evaluate("caches.keys()")
    assert len(after) == 1 and after != before, (before, after)

    # Every saved file is exactly the new version's: no page is a mix of two.
    fresh = create_app({"TESTING": True, "CONTENT_DIR": str(content_dir)}).test_client()
    pack = json.loads(re.search(r"^const PACK = (.*);$", fresh.get("/sw.js").get_data(as_text=True), re.M).group(1))
    assert after == [f"mitta-{pack['version']}-en"]
    files = fresh.get(f"{pack['bundle']}en.json").get_json()
    cached = page.evaluate(CACHE_SUMMARY)[after[0]]
    for path, (_, body) in files.items():
        assert cached[path]["sha256"] == hashlib.sha256(body.encode()).hexdigest(), path
    # And offline too, the new content is what opens.
    own_server.stop()
    page.goto(service)
    assert page.locator("h1").first.text_content() == new_name
    context.close()


def test_a_failed_download_keeps_the_saved_version(browser, phone_profile, own_server, tmp_path):
    content_dir, service_id, old_name, new_name = changed_content(tmp_path)
    context, page = phone_with_english_saved(browser, phone_profile, own_server)
    before = page.evaluate("caches.keys()")

    # New content, but its pages answer 500 when the phone downloads them.
    republish(own_server, MITTA_CONTENT_DIR=str(content_dir), FAULT_PATHS='["/offline-pack/"]')

    page.goto(f"{own_server.url}/en/service/{service_id}/")
    deadline = time.monotonic() + 30
    while not re.search(r"GET /offline-pack/\w+/en\.json 500", own_server.log_text()):
        assert time.monotonic() < deadline, "the phone never tried the new version"
        time.sleep(0.2)
    while page.evaluate("navigator.serviceWorker.getRegistration().then(r => Boolean(r.installing))"):
        assert time.monotonic() < deadline, "the new version never finished failing"
        time.sleep(0.2)
    assert page.evaluate("navigator.serviceWorker.getRegistration().then(r => Boolean(r.waiting))") is False
    assert not page.query_selector("#offline-status button.offline-update")
    assert page.evaluate("caches.keys()") == before, "the broken version left nothing behind"
    assert page.locator("h1").first.text_content() == old_name

    own_server.stop()
    page.goto(f"{own_server.url}/en/service/{service_id}/")
    assert page.locator("h1").first.text_content() == old_name
    page.goto(own_server.url + "/en/about/")
    assert page.locator("h1").first.text_content() == "About Mitta"
    context.close()


@pytest.mark.parametrize("locale", ["km", "en"])
def test_first_visit_with_the_whole_pack_fits_400_kb(browser, phone_profile, live_server, locale, artifacts):
    proxy = CountingProxy(live_server.port)
    context = browser.new_context(**phone_profile)
    page = context.new_page()
    try:
        page.goto(f"{proxy.url}/{locale}/")
        wait_saved(page)
        page.wait_for_timeout(500)  # let anything still in flight land
        total = proxy.received
    finally:
        context.close()
        proxy.close()
    (artifacts / f"first-visit-bytes-{locale}.txt").write_text(f"{total}\n")
    assert total <= 400 * 1024, f"first visit with the offline pack: {total} bytes"


@pytest.mark.parametrize("days,notice", [(89, False), (91, True)])
def test_a_notice_when_the_saved_information_is_old(saved_km, days, notice):
    page = saved_km.page.context.new_page()
    try:
        page.clock.set_fixed_time(time.time() + days * 86400)  # the phone, some weeks later
        page.goto(saved_km.url + "/km/")
        page.wait_for_selector("#offline-status .offline-off")
        old = page.query_selector("#offline-status .offline-old")
        assert bool(old) == notice
        if notice:
            assert old.inner_text() == ("ព័ត៌មានដែលបានរក្សាទុក មានអាយុលើសពី ៩០ ថ្ងៃហើយ។ "
                                        "សូមភ្ជាប់អ៊ីនធឺណិត ដើម្បីទទួលបានព័ត៌មានថ្មីបំផុត។")
    finally:
        page.close()


def test_without_javascript_nothing_is_missing(browser, phone_profile, live_server):
    context = browser.new_context(**phone_profile, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/emergency/")
    assert page.locator("h1").first.text_content() == "Help now"
    status = page.locator("#offline-status")
    assert status.text_content() == "" and not status.is_visible()
    context.close()
