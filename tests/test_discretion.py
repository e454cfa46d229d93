"""Safety and discretion through the real app: quick exit on every page, titles that give nothing
away, the safety page, the neutral page, "remove from this phone" without JavaScript, headers."""
import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from conftest import make_app
from server.safety import DEFAULT_EXIT_URL, NEUTRAL_PATH
from server.sitemap import page_urls

BRAND = {"en": "Mitta", "km": "មិត្ត"}
QUICK_EXIT = {"en": "Quick exit", "km": "ចាកចេញរហ័ស"}

# Words that must never show in a tab title, the recent-apps list or the manifest. English is
# matched as whole words, Khmer (written without spaces) anywhere.
FORBIDDEN_EN = [
    "sex", "sexual", "sex work", "hiv", "aids", "condom", "condoms", "lubricant", "rape", "raped",
    "police", "arrest", "arrested", "trafficking", "trafficked", "pep", "prep", "sti", "stis",
    "std", "violence", "abuse", "assault", "brothel", "drug", "drugs", "shelter", "abortion",
    "pregnancy", "karaoke", "massage",
]
FORBIDDEN_KM = [
    "ផ្លូវភេទ", "រកស៊ីផ្លូវភេទ", "មេរោគអេដស៍", "អេដស៍", "ស្រោមអនាម័យ", "រំលោភ", "ប៉ូលិស",
    "នគរបាល", "ចាប់ខ្លួន", "ជួញដូរ", "កាមរោគ", "ប្រឹព", "ហិង្សា", "គ្រឿងញៀន", "ថ្នាំញៀន",
    "ជម្រក", "រំលូត", "ខារ៉ាអូខេ", "ម៉ាស្សា",
]


def sensitive_words(text):
    found = [w for w in FORBIDDEN_EN if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text, re.I)]
    return found + [w for w in FORBIDDEN_KM if w in text]


class Tags(HTMLParser):
    """Start tags in document order, with where they are (inside <head> or <body>)."""

    def __init__(self):
        super().__init__()
        self.tags, self.where, self.title, self._in_title = [], None, "", False

    def handle_starttag(self, tag, attrs):
        if tag in ("head", "body"):
            self.where = tag
        self.tags.append((self.where, tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(html):
    parser = Tags()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def rendered():
    """Every HTML page of each language, rendered once for the tests of this module."""
    app = make_app()
    client = app.test_client()
    pages = {}
    for locale in ("km", "en"):
        with app.test_request_context():
            urls = page_urls(locale)
        pages[locale] = {}
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if response.mimetype == "text/html":
                pages[locale][url] = response.get_data(as_text=True)
    return pages


def test_forbidden_word_check_catches_what_it_should():
    # The check itself: it must catch each kind of word and leave innocent ones alone.
    assert sensitive_words("Mitta · HIV testing") == ["hiv"]
    assert sensitive_words("Mitta · Condoms and lubricant") == ["condoms", "lubricant"]
    assert sensitive_words("មិត្ត · ការធ្វើតេស្តរកមេរោគអេដស៍") == ["មេរោគអេដស៍", "អេដស៍"]
    assert sensitive_words("Mitta · Essex stories") == []
    assert sensitive_words("Mitta · Preparation") == []


@pytest.mark.parametrize("locale", ["km", "en"])
def test_every_page_title_is_mitta_and_a_neutral_word(rendered, locale):
    pattern = re.compile(rf"^{BRAND[locale]} · [^·]{{1,40}}$")
    checked, bad = 0, {}
    for url, html in rendered[locale].items():
        page = parse(html)
        title = page.title.strip()
        description = next((a.get("content", "") for _, t, a in page.tags
                            if t == "meta" and a.get("name") == "description"), "")
        problems = []
        if not pattern.match(title):
            problems.append(f"title {title!r} is not '{BRAND[locale]} · <word>'")
        words = sensitive_words(title) + sensitive_words(description)
        if words:
            problems.append(f"title {title!r} / description {description!r} say {words}")
        if problems:
            bad[url] = problems
        checked += 1
    assert checked >= 5
    assert not bad, bad


@pytest.mark.parametrize("locale", ["km", "en"])
def test_every_page_has_quick_exit_first_in_the_tab_order(rendered, client, locale):
    checked = 0
    quick_exit = str(client.application.extensions["critical"].script.text)
    for url, html in rendered[locale].items():
        page = parse(html)
        body = [(t, a) for where, t, a in page.tags if where == "body"]
        focusable = [(t, a) for t, a in body if (t == "a" and "href" in a) or t in ("button", "input")]
        first_tag, first = focusable[0]
        assert first.get("href") == "#quick-exit", f"{url}: first stop is {first_tag} {first}"
        exits = [a for t, a in body if a.get("id") == "quick-exit"]
        assert len(exits) == 1, url
        link = exits[0]
        assert link["href"] == DEFAULT_EXIT_URL and link.get("rel") == "noreferrer", url
        assert link.get("data-neutral") == NEUTRAL_PATH
        # The script that makes it instant, and applies the theme before the first paint: inline,
        # first in <head>, so it works before any file has arrived (server/critical.py).
        first_script = re.search(r"<head>.*?<script([^>]*)>(.*?)</script>", html, re.S)
        assert first_script.groups() == ("", quick_exit), url
        checked += 1
    assert checked >= 5
    html = client.get(f"/{locale}/about/").get_data(as_text=True)
    # Its accessible name is exactly "Quick exit" (the icon is hidden from screen readers).
    link = re.search(r'<a id="quick-exit"[^>]*>(.*?)</a>', html, re.S).group(1)
    assert 'aria-hidden="true"' in link
    assert re.sub(r"<svg.*?</svg>|<[^>]+>", "", link, flags=re.S).strip() == QUICK_EXIT[locale]


def test_quick_exit_destination_is_configurable_and_only_http():
    app = make_app({"QUICK_EXIT_URL": "https://weather.example.org/pursat"})
    html = app.test_client().get("/en/about/").get_data(as_text=True)
    assert 'href="https://weather.example.org/pursat" rel="noreferrer"' in html
    app = make_app({"QUICK_EXIT_URL": "javascript:alert(1)"})
    html = app.test_client().get("/en/about/").get_data(as_text=True)
    assert "javascript:" not in html and f'href="{DEFAULT_EXIT_URL}"' in html


def test_neutral_page_says_nothing_of_mitta(client):
    response = client.get(NEUTRAL_PATH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for trace in ("Mitta", "មិត្ត", "manifest", "<script", "/static/icons/", "safety", "/km/", "/en/"):
        assert trace not in html, trace
    page = parse(html)
    assert page.title == "អាកាសធាតុ · Weather"
    assert "មិនអាចបង្ហាញការព្យាករណ៍" in html and "The forecast cannot be shown right now." in html
    assert not sensitive_words(html)


@pytest.mark.parametrize("locale,heading,sections", [
    ("en", "Using Mitta safely", ["Quick exit", "What quick exit cannot do", "If you share your phone",
                                  "Calls and messages", "Dark theme", "Remove Mitta from this phone"]),
    ("km", "ការប្រើ«មិត្ត»ដោយសុវត្ថិភាព", ["ចាកចេញរហ័ស", "អ្វីដែលការចាកចេញរហ័សមិនអាចធ្វើបាន",
                                      "ការហៅទូរស័ព្ទ និងសារ", "រចនាប័ទ្មងងឹត", "លុបកម្មវិធីមិត្តចេញពីទូរស័ព្ទនេះ"]),
])
def test_safety_page_in_both_languages(client, locale, heading, sections):
    response = client.get(f"/{locale}/safety/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html
    for section in sections:
        assert section in html, section
    assert f'href="/{locale}/safety/remove/"' in html
    # Every page's footer leads here.
    assert f'href="/{locale}/safety/"' in client.get(f"/{locale}/").get_data(as_text=True)


def test_safety_page_links_the_guidance_article_only_when_it_exists(app, client):
    with app.test_request_context():
        exists = "/en/guide/using-mitta-safely/" in page_urls("en")
    html = client.get("/en/safety/").get_data(as_text=True)
    assert ('href="/en/guide/using-mitta-safely/"' in html) == exists
    if exists:
        assert client.get("/en/guide/using-mitta-safely/").status_code == 200


def test_remove_without_javascript_asks_the_browser_to_forget_everything(client):
    page = client.get("/km/safety/remove/").get_data(as_text=True)
    assert 'method="post" action="/km/safety/remove/"' in page and "យល់ព្រម លុបទាំងអស់" in page
    response = client.post("/km/safety/remove/", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert response.location == NEUTRAL_PATH
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    # Another site cannot make a phone forget its saved copy.
    assert client.post("/en/safety/remove/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403


@pytest.mark.parametrize("form", ["remove from phone", "report a problem"])
@pytest.mark.parametrize("headers,ours", [
    ({"Origin": "http://localhost"}, True),                                   # our own page
    ({"Origin": "http://127.0.0.1:8000", "Host": "mitta.example"}, True),     # PUBLIC_URL's
    ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, True),              # no-referrer form
    ({"Sec-Fetch-Site": "same-origin"}, True),
    ({}, True),                                                               # a very old browser
    ({"Origin": "https://evil.example"}, False),                              # no Sec-Fetch-Site
    ({"Origin": "https://localhost.evil.example", "Sec-Fetch-Site": "same-origin"}, False),
    ({"Origin": "null"}, False),                # a sandboxed frame elsewhere looks the same
    ({"Origin": "http://["}, False),                                          # not even a URL
    ({"Origin": "http://localhost", "Sec-Fetch-Site": "same-site"}, False),
    ({"Sec-Fetch-Site": "cross-site"}, False),
])
def test_every_post_checks_origin_as_well_as_sec_fetch_site(client, form, headers, ours):
    """One same-origin rule (security.same_origin) for both forms a page can send."""
    if form == "remove from phone":
        response, accepted = client.post("/en/safety/remove/", headers=headers), 303
    else:
        service = client.application.extensions["content"].listed_services[0]
        response = client.post(f"/en/service/{service.id}/report/", data="kind=other", headers=headers,
                               content_type="application/x-www-form-urlencoded")
        accepted = 200
    assert response.status_code == (accepted if ours else 403)


def test_hsts_only_when_configured_and_cross_origin_isolation_headers():
    plain = make_app().test_client().get("/en/")
    assert "Strict-Transport-Security" not in plain.headers
    assert plain.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    https = make_app({"HSTS": True}).test_client().get("/en/", base_url="https://localhost")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch",
                "icon", "apple-touch-icon", "manifest"}
LOADS = {"script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
         "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
         "input": ("src",), "form": ("action",), "track": ("src",)}
ROOT_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent


def hash_source(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def foreign(value):
    """True for a URL that would reach another origin (absolute or protocol-relative)."""
    return any(part.strip().lower().startswith(("http:", "https:", "//", "ftp:"))
               for part in value.split(","))


@pytest.mark.parametrize("locale", ["km", "en"])
def test_no_page_loads_anything_from_another_origin_or_inline(rendered, client, locale):
    pages = dict(rendered[locale])
    pages[NEUTRAL_PATH] = client.get(NEUTRAL_PATH).get_data(as_text=True)
    pages["404"] = client.get(f"/{locale}/no-such-page/").get_data(as_text=True)
    csp = client.get(f"/{locale}/").headers["Content-Security-Policy"].replace(";", " ").split()
    assert "'unsafe-inline'" not in csp
    bad = []
    for url, html in pages.items():
        for _, tag, attrs in parse(html).tags:
            if "style" in attrs:
                bad.append((url, tag, "inline style attribute"))
            if any(name.startswith("on") for name in attrs):
                bad.append((url, tag, "inline event handler"))
            if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
                bad.append((url, tag, "meta refresh"))
            if tag == "link" and set((attrs.get("rel") or "").lower().split()) & LOADING_RELS:
                if foreign(attrs.get("href", "")):
                    bad.append((url, tag, attrs["href"]))
            for name in LOADS.get(tag, ()):
                if foreign(attrs.get(name) or ""):
                    bad.append((url, tag, attrs[name]))
        if "<style" in html and "url(" in html.split("<style", 1)[1]:
            bad.append((url, "style", "url() in a <style> block"))
        # Inline only what the CSP allows by its hash (server/critical.py), never anything else.
        for tag, attrs, text in re.findall(r"<(script|style)([^>]*)>(.*?)</\1>", html, re.S):
            if "src" not in attrs and hash_source(text) not in csp:
                bad.append((url, tag, f"inline {tag} not allowed by its hash"))
    assert len(pages) > 10
    assert not bad, bad


def test_no_stylesheet_or_script_names_another_origin():
    files = list((ROOT_DIR / "static").rglob("*.css")) + list((ROOT_DIR / "static").rglob("*.js"))
    files += list((ROOT_DIR / "service_worker").glob("*.js"))
    assert any(f.name == "safety.js" for f in files) and any(f.suffix == ".css" for f in files)
    for path in files:
        text = path.read_text(encoding="utf-8")
        code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        assert not re.search(r"https?://|[\"'`(]//[\w-]", code), path
        assert "@import" not in text, path


def strings(value):
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("locale", ["km", "en"])
def test_the_manifest_is_discreet(client, locale):
    """The home-screen name, the shortcuts and the description show on the phone outside Mitta."""
    html = client.get(f"/{locale}/").get_data(as_text=True)
    href = next(a["href"] for _, t, a in parse(html).tags if t == "link" and a.get("rel") == "manifest")
    manifest = client.get(href).get_json(force=True)
    assert manifest["name"] == manifest["short_name"] == BRAND[locale]
    found = [s for s in strings(manifest) if sensitive_words(s)]
    assert not found, found


def test_nothing_sends_notifications():
    """No notification can show a sensitive word on a locked screen: nothing sends any."""
    for path in list((ROOT_DIR / "static").rglob("*.js")) + list((ROOT_DIR / "service_worker").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        assert "showNotification" not in text and "Notification(" not in text, path
