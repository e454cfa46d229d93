"""The offline pack, manifest and offline page, through the real app (no browser)."""
import datetime as dt
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from server import create_app
from server.i18n import LOCALES
from server.sitemap import page_urls
from content_copies import changed_content
from site_crawl import crawl

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"


@pytest.fixture(scope="module")
def client():
    """One app for the module: building the pack renders every page, once."""
    return create_app({"TESTING": True}).test_client()


def worker_pack(client):
    """The PACK the server wrote into /sw.js, read back as the browser would get it."""
    source = client.get("/sw.js").get_data(as_text=True)
    line = re.search(r"^const PACK = (.*);$", source, re.M).group(1)
    return json.loads(line)


def bundle(client, pack, locale):
    response = client.get(f"{pack['bundle']}{locale}.json")
    assert response.status_code == 200
    return response.get_json()


def test_sw_is_never_cached_and_carries_the_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    pack = worker_pack(client)
    assert re.fullmatch(r"[0-9a-f]{16}", pack["version"])
    assert pack["locales"] == list(LOCALES)
    assert pack["bundle"] == f"/offline-pack/{pack['version']}/"
    # Asking again when nothing is new costs a few bytes.
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()


@pytest.mark.parametrize("locale", LOCALES)
def test_pack_holds_every_page_of_the_language(client, locale):
    pack = worker_pack(client)
    files = bundle(client, pack, locale)
    with client.application.test_request_context():
        pages = page_urls(locale)
    assert len(pages) > 20
    assert set(pages) <= set(files), set(pages) - set(files)
    # Every page a person can reach by following links from the home page is in it too.
    reachable = {p for p, r in crawl(client, starts=(f"/{locale}/",)).items()
                 if p.startswith(f"/{locale}/") and r.status_code == 200 and "?" not in p}
    assert reachable <= set(files), reachable - set(files)
    for other in LOCALES:
        assert f"/{other}/offline/" in files and f"/{other}/offline/messages.json" in files
    assert f"/manifest-{locale}.webmanifest" in files
    if client.get("/weather/").status_code == 200:
        assert "/weather/" in files, "quick exit's neutral page must open offline"
    # Every other language's pages stay out of this language's pack.
    assert not [p for p in files if p.startswith("/") and p.split("/")[1] in LOCALES
                and p.split("/")[1] != locale and "/offline/" not in p]


@pytest.mark.parametrize("locale", LOCALES)
def test_saved_pages_are_the_pages(client, locale):
    """Same <h1>, same language and the same security headers as the page online."""
    files = bundle(client, worker_pack(client), locale)
    for path, (content_type, body) in files.items():
        online = client.get(path)
        assert online.status_code == 200, path
        assert content_type == online.content_type, path
        if online.mimetype == "text/html":
            h1 = re.search(r"<h1\b[^>]*>(.*?)</h1>", body, re.S)
            assert h1 and h1.group(1) == re.search(r"<h1\b[^>]*>(.*?)</h1>", online.get_data(as_text=True), re.S).group(1), path
            assert f'<html lang="{locale}"' in body or path == "/weather/" or path.endswith("/offline/")


def test_every_static_file_a_page_uses_is_saved_with_its_real_digest(client):
    pack = worker_pack(client)
    used = set()
    for locale in LOCALES:
        for path, (content_type, body) in bundle(client, pack, locale).items():
            used |= set(re.findall(r'(?:href|src)="(/static/[^"?#]+)"', body))
    css = (STATIC / "css" / "app.css").read_text(encoding="utf-8")
    used |= {"/static/" + ref.replace("../", "") for ref in re.findall(r'url\("?\.\./([^")]+)', css)}
    assert {"/static/css/app.css", "/static/js/offline.js", "/static/fonts/noto-sans-khmer-subset.woff2",
            "/static/fonts/noto-sans-khmer-bold-subset.woff2"} <= used
    assert used <= set(pack["files"]), used - set(pack["files"])
    for path, digest in pack["files"].items():
        on_disk = ROOT / path.lstrip("/") if path.startswith("/static/") else STATIC / "icons" / "favicon.ico"
        assert path.startswith("/static/") or path == "/favicon.ico"
        assert hashlib.sha256(on_disk.read_bytes()).hexdigest()[:16] == digest, path


def test_a_bundle_of_another_version_is_gone(client):
    pack = worker_pack(client)
    assert client.get("/offline-pack/0123456789abcdef/km.json").status_code == 404
    assert client.get(f"{pack['bundle']}xx.json").status_code == 404


def test_version_is_a_content_hash(tmp_path):
    """The same content gives the same version whenever it is built; a changed name a new one."""
    morning = create_app({"TESTING": True, "CLOCK": lambda: dt.datetime(2027, 3, 1, 1, tzinfo=dt.timezone.utc)})
    evening = create_app({"TESTING": True, "CLOCK": lambda: dt.datetime(2027, 9, 9, 14, tzinfo=dt.timezone.utc)})
    same = worker_pack(morning.test_client())["version"]
    assert worker_pack(evening.test_client())["version"] == same
    content_dir, service_id, _, new_name = changed_content(tmp_path)
    changed = create_app({"TESTING": True, "CONTENT_DIR": str(content_dir)}).test_client()
    pack = worker_pack(changed)
    assert pack["version"] != same
    page = bundle(changed, pack, "en")[f"/en/service/{service_id}/"][1]
    assert new_name in page


@pytest.mark.parametrize("locale", LOCALES)
def test_manifest_has_every_field(client, locale):
    response = client.get(f"/manifest-{locale}.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    m = json.loads(response.get_data(as_text=True))
    assert m["id"] == "/" and m["scope"] == "/" and m["display"] == "standalone"
    assert m["start_url"] == f"/{locale}/" and m["lang"] == locale and m["dir"] == "ltr"
    assert m["name"] == m["short_name"] == {"km": "មិត្ត", "en": "Mitta"}[locale]
    assert m["description"] and re.fullmatch(r"#[0-9a-f]{6}", m["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", m["background_color"])
    sizes = {(i["sizes"], i["purpose"]) for i in m["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    for image in m["icons"] + m["screenshots"]:
        file = client.get(image["src"])
        assert file.status_code == 200 and file.mimetype == "image/png", image["src"]
        body = file.get_data()
        assert f"{int.from_bytes(body[16:20], 'big')}x{int.from_bytes(body[20:24], 'big')}" == image["sizes"]
    assert m["screenshots"] and all(s["form_factor"] == "narrow" for s in m["screenshots"])
    for shot in m["screenshots"]:
        width, height = map(int, shot["sizes"].split("x"))
        assert height > width and len(client.get(shot["src"]).get_data()) < 120_000
    shortcuts = {s["url"] for s in m["shortcuts"]}
    assert shortcuts == {f"/{locale}/emergency/", f"/{locale}/search"}
    assert all(client.get(url).status_code == 200 for url in shortcuts)


def test_every_page_links_its_languages_manifest_and_icons(client):
    for locale in LOCALES:
        html = client.get(f"/{locale}/about/").get_data(as_text=True)
        assert f'<link rel="manifest" href="/manifest-{locale}.webmanifest">' in html
        assert 'rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png"' in html
        assert '<meta name="theme-color"' in html
        assert '<script src="/static/js/offline.js" defer></script>' in html
        assert 'id="offline-status"' in html and 'aria-live="polite"' in html


@pytest.mark.parametrize("accept,locale", [("km-KH", "km"), ("en-US,en;q=0.9", "en"), (None, "km")])
def test_plain_manifest_address_follows_the_readers_language(client, accept, locale):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 302
    assert response.location == f"/manifest-{locale}.webmanifest"


@pytest.mark.parametrize("locale,heading", [("km", "អ្នកមិនមានប្រព័ន្ធអ៊ីនធឺណិតទេ"), ("en", "You are offline")])
def test_offline_page_links_to_saved_pages_in_its_language(client, locale, heading):
    response = client.get(f"/{locale}/offline/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{locale}"' in html
    assert f"<h1>{heading}</h1>" in html
    main = html.split('<main', 1)[1].split("</main>", 1)[0]
    links = set(re.findall(r'href="([^"]+)"', main))
    assert {f"/{locale}/", f"/{locale}/emergency/", f"/{locale}/guide/"} <= links
    assert links <= set(bundle(client, worker_pack(client), locale))


def test_status_words_come_in_both_languages(client):
    km = client.get("/km/offline/messages.json").get_json()
    en = client.get("/en/offline/messages.json").get_json()
    assert set(km) == set(en) >= {"saving", "saved", "offline", "old", "update", "install", "ios", "inapp"}
    assert en["update"] == "New information available — tap to update"
    assert "{size}" in km["saved"] and "{date}" in km["offline"]
    for key in ("saved", "offline", "update", "install", "ios", "inapp", "old"):
        assert re.search("[\u1780-\u17ff]", km[key]), key
    assert len(km["months"]) == 12 and km["months"][10] == "វិច្ឆិកា"


def test_text_is_compressed_and_pages_revalidate(client):
    gz = {"Accept-Encoding": "gzip, deflate"}
    page = client.get("/en/about/", headers=gz)
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert b"About Mitta" in gzip.decompress(page.get_data())
    again = client.get("/en/about/", headers=dict(gz, **{"If-None-Match": page.headers["ETag"]}))
    assert again.status_code == 304 and not again.get_data()
    assert client.get("/static/css/app.css", headers=gz).headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in client.get("/static/fonts/noto-sans-khmer-subset.woff2", headers=gz).headers
    assert "Content-Encoding" not in client.get("/en/about/").headers


def test_first_visit_pack_fits_the_budget(client):
    """Compressed bytes of everything one language saves (the browser test measures the real
    transfer): well under the 400 KB budget."""
    pack = worker_pack(client)
    gz = {"Accept-Encoding": "gzip"}
    for locale in LOCALES:
        total = len(client.get(f"{pack['bundle']}{locale}.json", headers=gz).get_data())
        total += sum(len(client.get(p, headers=gz).get_data()) for p in pack["files"])
        total += len(client.get("/sw.js", headers=gz).get_data())
        # Khmer was 295.6 KB before problem reports, which add 5.8 KB (the form on each service
        # page, report.js on every page); the budget itself is the browser test's 400 KB.
        assert total < 310_000, (locale, total)
