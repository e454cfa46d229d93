"""A language is data: content/languages.yaml and a catalog make its pages, switch, manifest and
offline pack, with no code naming it. Here in a copy of content/ where Vietnamese is live and a
fourth language (Lao, its catalog a stand-in made from the English one) is added by a row alone."""
import re
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from conftest import make_app
from server import offline
from server.content import ContentError

ROOT = Path(__file__).resolve().parent.parent
LAO = {"code": "lo", "name": "ລາວ", "html_lang": "lo", "required": False, "fallback": ["en", "km"],
       "script": "Laoo", "font": False, "review": True, "status": "live"}


def table_with(content, rows):
    path = content / "languages.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["languages"] = [dict(row, status="live") if row["code"] == "vi" else row for row in data["languages"]] + rows
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def four_languages(tmp):
    """A copy of content/ in `tmp` with Vietnamese live and Lao added by its row and a catalog
    (the English one, compiled as Lao): (content folder, Flask-Babel's translation folders)."""
    shutil.copytree(ROOT / "content", tmp / "content")
    table_with(tmp / "content", [LAO])
    with open(ROOT / "server/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f, locale="lo")
    (tmp / "translations/lo/LC_MESSAGES").mkdir(parents=True)
    with open(tmp / "translations/lo/LC_MESSAGES/messages.mo", "wb") as f:
        write_mo(f, catalog)
    return tmp / "content", f"translations;{tmp / 'translations'}"


@pytest.fixture(scope="module")
def four(tmp_path_factory):
    content, translations = four_languages(tmp_path_factory.mktemp("four"))
    return make_app({"CONTENT_DIR": str(content), "BABEL_TRANSLATION_DIRECTORIES": translations})


def test_the_table_makes_the_pages_switch_and_manifest_of_each_language(four):
    client = four.test_client()
    names = {"km": "ខ្មែរ", "en": "English", "vi": "Tiếng Việt", "lo": "ລາວ"}
    assert four.extensions["content"].languages.codes == ("km", "en", "vi", "lo")
    for code in names:
        response = client.get(f"/{code}/")
        assert response.status_code == 200, code
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert soup.html["lang"] == code
        switch = {a["hreflang"]: (a.get_text(strip=True), a["href"], a["lang"]) for a in soup.select(".lang-switch a")}
        # every other language, in its own name, to the same page
        assert switch == {c: (n, f"/{c}/", c) for c, n in names.items() if c != code}
        assert soup.find("link", rel="manifest")["href"] == f"/manifest-{code}.webmanifest"
        manifest = client.get(f"/manifest-{code}.webmanifest").get_json()
        assert manifest["lang"] == code and manifest["start_url"].startswith(f"/{code}/")
    vi = BeautifulSoup(client.get("/vi/").get_data(as_text=True), "html.parser")
    assert vi.select_one("#quick-exit").get_text(strip=True) == "Thoát nhanh"
    assert client.get("/th/").status_code == 404


@pytest.mark.parametrize("asked, lands", [
    ("vi-VN,vi;q=0.9,en;q=0.5", "/vi/"), ("vi", "/vi/"), ("lo", "/lo/"), ("en-US,en;q=0.9", "/en/"),
    ("fr-FR,fr;q=0.9", "/km/"), ("", "/km/"), ("km,vi;q=0.5", "/km/"),
])
def test_the_root_follows_accept_language_among_the_languages(four, asked, lands):
    response = four.test_client().get("/", headers={"Accept-Language": asked} if asked else {})
    assert response.status_code == 302 and response.location == lands
    assert "Accept-Language" in response.headers["Vary"]


def test_each_language_has_its_own_offline_pack(four):
    with four.app_context():
        pack = offline.pack()
    assert set(pack.parts) == {"km", "en", "vi", "lo"}
    for code in ("vi", "lo"):
        pages = [p for p in pack.pages if p.startswith(f"/{code}/")]
        assert f"/{code}/" in pages and f"/{code}/emergency/" in pages and f"/manifest-{code}.webmanifest" in pack.pages, code
        assert pack.stored(code) > 0


def test_a_guide_not_written_in_a_language_is_listed_with_links_never_shown(four):
    client = four.test_client()
    model = four.extensions["content"]
    article = model.articles[0]
    assert not article.in_language("vi")
    assert client.get(f"/vi/guide/{article.slug}/").status_code == 404
    soup = BeautifulSoup(client.get("/vi/guide/").get_data(as_text=True), "html.parser")
    links = {a["href"] for a in soup.select(".guide-elsewhere a")}
    assert {f"/km/guide/{article.slug}/", f"/en/guide/{article.slug}/"} <= links
    assert not soup.select(f'a[href="/vi/guide/{article.slug}/"]')
    # From the English guide the switch leads to the Vietnamese guide index, not to a missing page.
    english = BeautifulSoup(client.get(f"/en/guide/{article.slug}/").get_data(as_text=True), "html.parser")
    assert english.select_one('.lang-switch a[hreflang="vi"]')["href"] == "/vi/guide/"
    home = client.get("/vi/").get_data(as_text=True)
    assert f'href="/vi/guide/{article.slug}/"' not in home


def test_the_real_table_serves_no_language_still_being_prepared(client):
    table = yaml.safe_load((ROOT / "content/languages.yaml").read_text("utf-8"))["languages"]
    for row in table:
        assert client.get(f"/{row['code']}/").status_code == (200 if row["status"] == "live" else 404), row["code"]


def test_a_live_language_without_its_catalog_stops_the_content_check(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    table_with(tmp_path / "content", [dict(LAO, code="th", name="ไทย")])
    with pytest.raises(ContentError) as error:
        make_app({"CONTENT_DIR": str(tmp_path / "content")})
    assert re.search(r"content/languages\.yaml:\d+: languages\[3\] \(th\): live, but it has no compiled catalog", str(error.value))


@pytest.mark.parametrize("query", ["tieng viet", "Tiếng Việt", "TIENG VIET"])
def test_a_service_that_speaks_vietnamese_is_found_by_the_language_name(client, app, query):
    """HSDS `languages` on a service, set only where a source says so (police 117: VietnamPlus)."""
    speaking = {s.name.en for s in app.extensions["content"].listed_services if "vi" in s.languages}
    assert speaking
    for locale in ("km", "en"):
        soup = BeautifulSoup(client.get(f"/{locale}/search", query_string={"q": query}).get_data(as_text=True), "html.parser")
        found = {s.name(locale) for s in app.extensions["content"].listed_services if "vi" in s.languages}
        titles = {a.get_text(" ", strip=True) for a in soup.select("main li a")}
        assert found <= titles, (locale, found, titles)


# What a page's visible text is mostly in, without a dictionary: a script for a language that has
# its own (Khmer), and for Vietnamese its marks (tone marks, ă â ê ô ơ ư đ), which about two of
# three Vietnamese syllables carry and English words never do.
def vietnamese_share(text):
    import unicodedata
    words = re.findall(r"[^\W\d_]+", text)
    marked = [w for w in words if "đ" in w.lower() or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", w))]
    return len(marked) / max(len(words), 1)


def not_vietnamese(html):
    """The blocks of a Vietnamese page's main part (of six words or more) that are not Vietnamese,
    and whether text marked as another language (a source's title, lang="en") is most of it."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main")
    for hidden in main.select("script, style, [hidden], template"):
        hidden.decompose()
    words = len(re.findall(r"[^\W\d_]+", main.get_text(" ")))
    marked = main.select("[lang]:not([lang=vi])")
    other = sum(len(re.findall(r"[^\W\d_]+", e.get_text(" "))) for e in marked)
    for e in marked:
        e.decompose()
    poor = []
    for block in main.find_all(["h1", "h2", "h3", "p", "li", "dd", "td", "summary"]):
        if block.find(["p", "li", "dd", "ul", "ol"]):
            continue   # judged by its own blocks
        text = block.get_text(" ", strip=True)
        if len(re.findall(r"[^\W\d_]+", text)) >= 6 and vietnamese_share(text) < MOSTLY:
            poor.append(text[:80])
    if other > words / 2:
        poor.append(f"{other} of {words} words are marked as another language")
    return poor


MOSTLY = 0.35


def test_the_language_check_fails_a_vietnamese_page_whose_text_is_another_language(four):
    """The check every Vietnamese page will meet when the language goes live (below): pages made
    of the Vietnamese catalog pass; a service page whose texts are not yet written does not."""
    client = four.test_client()
    assert not_vietnamese(client.get("/vi/safety/").get_data(as_text=True)) == []
    assert not_vietnamese(client.get("/en/safety/").get_data(as_text=True))
    english_bodied = next(s for s in four.extensions["content"].listed_services if not s.description.has("vi"))
    poor = not_vietnamese(client.get(f"/vi/service/{english_bodied.id}/").get_data(as_text=True))
    assert english_bodied.description.en[:80] in poor


def test_no_vietnamese_page_is_served_until_every_one_is_mostly_vietnamese(app):
    """While Vietnamese is `preparing` in content/languages.yaml no /vi/ page is served (a page of
    English under a Vietnamese switch would be worse than none); once live, every one must pass."""
    from server.sitemap import page_urls
    client = app.test_client()
    if "vi" not in app.extensions["content"].languages:
        assert [client.get(u).status_code for u in ("/vi/", "/vi/emergency/", "/vi/safety/")] == [404] * 3
        return
    with app.test_request_context():
        urls = [u for u in page_urls("vi") if u.endswith("/")]
    poor = {u: found for u in urls if (found := not_vietnamese(client.get(u).get_data(as_text=True)))}
    assert not poor, list(poor.items())[:5]
