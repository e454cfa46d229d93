"""Issue 14 through the real app: the share text (one builder for the service page, lists and the
SMS link), QR codes in pages, and the province card to print. The browser half (QR codes decoded
from the screen and from the PDF, print layout, offline, axe) is tests/browser/test_outreach_phone.py."""
import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from content_copies import DOUBTFUL_NUMBER, small_content
from conftest import TODAY, make_app
from server.cards import card_for
from server.share import PLAIN
from server.sitemap import page_urls
from server.content.languages import table_codes
from server.paths import CONTENT_DIR

PUBLIC = "https://mitta.example.org"
LOCALES = table_codes(CONTENT_DIR)
NOTE = {"en": "* Not yet checked - call to confirm", "km": "* មិនទាន់បានពិនិត្យ - សូមហៅដើម្បីបញ្ជាក់"}

# The GSM 7-bit alphabet an SMS uses for Latin text (160 characters a message; the extension
# characters count twice). Anything else, Khmer included, is sent as UCS-2: 70 characters.
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("^{}\\[~]|€\f")
# Words that would say who a card is for. English as whole words, Khmer anywhere.
WHO_IT_IS_FOR_EN = ["sex work", "sex worker", "sex workers", "entertainment worker", "entertainment workers",
                    "karaoke", "brothel", "massage", "beer garden"]
WHO_IT_IS_FOR_KM = ["រកស៊ីផ្លូវភេទ", "ពលករកម្សាន្ត", "ខារ៉ាអូខេ", "ម៉ាស្សា"]


def sms(text):
    """(characters in the first message, number of messages) as a phone counts them."""
    if set(text) <= GSM7 | GSM7_EXT:
        units, single, part = sum(2 if c in GSM7_EXT else 1 for c in text), 160, 153
    else:
        units, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return (single, 1) if units <= single else (part, -(-units // part))


def visible(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.fixture(scope="module")
def app():
    return make_app({"PUBLIC_URL": PUBLIC})


@pytest.fixture(scope="module")
def small_app(tmp_path_factory):
    return make_app({"PUBLIC_URL": PUBLIC, "CONTENT_DIR": str(small_content(tmp_path_factory.mktemp("small")))})


def page_text(client, service, locale):
    """The share text as the service page carries it, and as its SMS link carries it."""
    page = client.get(f"/{locale}/service/{service.id}/").get_data(as_text=True)
    carried = html.unescape(re.search(r'<div class="share" id="share" data-share-text="([^"]*)"', page).group(1))
    body = unquote(re.search(r'href="sms:\?body=([^"]*)"', page).group(1))
    return carried, body


def share_documents(client, locale):
    """Every share-texts document of a language (national, then provinces'), as the pack lists them."""
    with client.application.test_request_context():
        urls = [u for u in page_urls(locale) if "/share-texts" in u]
    assert urls[0] == f"/{locale}/share-texts.json"
    return {u: client.get(u).get_json() for u in urls}


def texts(client, locale):
    """Every listed service's text, from the documents together."""
    return {i: t for doc in share_documents(client, locale).values() for i, t in doc.items()}


class ShareLinks(HTMLParser):
    """(service id, the documents its list names) for each Share link in a list of a page."""

    def __init__(self, page):
        super().__init__()
        self.lists, self.found = [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul":
            self.lists.append(attrs.get("data-share-texts", "").split() if "card-list" in (attrs.get("class") or "") else None)
        if tag == "a" and "data-share" in attrs:
            self.found.append((attrs["data-share"], next(urls for urls in reversed(self.lists) if urls is not None)))

    def handle_endtag(self, tag):
        if tag == "ul":
            self.lists.pop()


def unshareable(pages, documents):
    """Share links whose text is in none of the documents their list names: (page, service id)."""
    return [(path, service) for path, page in pages for service, urls in ShareLinks(page).found
            if not any(service in documents.get(url, {}) for url in urls)]


def service_named(app, name):
    return next(s for s in app.extensions["content"].services if s.name.en == name)


# ------------------------------------------------------------------ share text

@pytest.mark.parametrize("locale", LOCALES)
def test_service_page_sms_link_and_lists_share_the_same_text(app, locale):
    client = app.test_client()
    listed = texts(client, locale)
    model = app.extensions["content"]
    assert set(listed) == {s.id for s in model.listed_services}
    for service in model.listed_services:
        carried, body = page_text(client, service, locale)
        assert carried == body == listed[service.id], service.name.en
    # A list's Share link names its service and where the list's texts are: the national
    # document and the province's own, no other.
    page = client.get(f"/{locale}/province/pursat/hiv-testing/").get_data(as_text=True)
    links = re.findall(r'href="/' + locale + r'/service/([0-9a-f-]+)/#share" data-share="\1"', page)
    assert links and set(links) <= set(listed)
    assert set(re.findall(r'data-share-texts="([^"]*)"', page)) <= {
        f"/{locale}/share-texts/pursat.json", f"/{locale}/share-texts.json /{locale}/share-texts/pursat.json"}
    # On every page, every list's Share links find their text in the documents the list names.
    documents = share_documents(client, locale)
    with app.test_request_context():
        pages = [(p, client.get(p).get_data(as_text=True)) for p in page_urls(locale) if p.endswith("/")]
    shown = [link for _, page in pages for link in ShareLinks(page).found]
    assert len(shown) > 50 and not unshareable(pages, documents)
    # A province's document holds what its own pages show, not the whole directory.
    assert all(len(doc) < len(listed) for doc in documents.values())


@pytest.mark.parametrize("locale", LOCALES)
def test_share_text_puts_name_and_number_in_the_first_sms(app, locale, capsys):
    client = app.test_client()
    listed = texts(client, locale)
    sizes = []
    for service in app.extensions["content"].listed_services:
        text = listed[service.id]
        lines = text.split("\n")
        assert lines[0] == service.name(locale).translate(PLAIN)
        assert lines[-1] == f"{PUBLIC}/{locale}/service/{service.id}/"
        first, parts = sms(text)
        if service.public_phones:
            # (a number abroad says its country after it: "1300* (Call from inside Thailand)")
            assert lines[1].split(", ")[0].split(" (")[0].rstrip("*") == service.public_phones[0].number
            # The name and the first number as dialled reach the phone in the first message
            # (its "*" may open the second; the note that explains it comes later anyway).
            core = lines[0] + "\n" + service.public_phones[0].number
            assert len(core) <= first, (service.name(locale), len(core))
        if locale == "en":
            assert set(text) <= GSM7 | GSM7_EXT, sorted(set(text) - GSM7 - GSM7_EXT)
        sizes.append((len(text), parts))
    with capsys.disabled():
        lengths = sorted(n for n, _ in sizes)
        print(f"\nshare text {locale}: {len(sizes)} services, {lengths[0]}-{lengths[-1]} characters "
              f"(median {lengths[len(lengths) // 2]}), {max(p for _, p in sizes)} SMS at most")


ABROAD = {"en": ["+66 2 957 5851* (In Thailand), +66 2 957 5852* (In Thailand)", "1300* (Call from inside Thailand)"],
          "km": ["+66 2 957 5851* (នៅប្រទេសថៃ), +66 2 957 5852* (នៅប្រទេសថៃ)", "1300* (ហៅពីក្នុងប្រទេសថៃ)"]}


@pytest.mark.parametrize("locale", LOCALES)
def test_share_text_says_which_country_a_number_is_in(app, locale):
    """The Thai numbers (content-review.md §3): a short code says it works only from inside
    Thailand, a full number is in the international form that works from any SIM."""
    listed = texts(app.test_client(), locale)
    embassy, crisis_centre = (service_named(app, name) for name in
                              ("Cambodian embassy in Bangkok", "Helpline 1300 in Thailand"))
    assert [listed[embassy.id].split("\n")[1], listed[crisis_centre.id].split("\n")[1]] == ABROAD[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_share_text_per_confidence(small_app, locale):
    listed = texts(small_app.test_client(), locale)
    # Confirmed and plausible numbers, the plausible one marked and explained.
    hotline = listed[service_named(small_app, "National test hotline").id].split("\n")
    assert hotline[1:3] == ["011 222 333, 012 777 888*", NOTE[locale]]
    # Confirmed only: no mark, no note.
    moved = listed[service_named(small_app, "Moved test office").id].split("\n")
    assert moved[1] == "012 999 222" and NOTE[locale] not in moved
    # A doubtful number is never shared; the service's other number is.
    shelter = listed[service_named(small_app, "Doubtful test shelter").id]
    assert shelter.split("\n")[1] == "1280*"
    for form in (DOUBTFUL_NUMBER, DOUBTFUL_NUMBER.replace(" ", "")):
        assert form not in json.dumps(listed, ensure_ascii=False)
    # No number, address or hours known: the name and the link.
    walk_in = service_named(small_app, "Pursat walk-in hospital")
    assert listed[walk_in.id].split("\n") == [walk_in.name(locale), f"{PUBLIC}/{locale}/service/{walk_in.id}/"]
    # Services in no list are not shared from lists.
    assert service_named(small_app, "Defunct test centre").id not in listed


def test_share_link_comes_from_public_url_not_from_the_request(app):
    client = app.test_client()
    service = app.extensions["content"].emergency_services[0]
    page = client.get(f"/en/service/{service.id}/", headers={"Host": "evil.example",
                                                               "X-Forwarded-Host": "evil.example"})
    assert "evil.example" not in page.get_data(as_text=True)
    assert f"{PUBLIC}/en/service/{service.id}/" in page_text(client, service, "en")[0]


# ------------------------------------------------------------------ QR codes in pages

def qr_codes(page):
    return re.findall(r'<svg class="qr".*?</svg>', page, re.S)


def test_every_service_page_and_home_carry_one_small_inline_qr_code(app, capsys):
    client = app.test_client()
    sizes = {}
    for locale in LOCALES:
        paths = [f"/{locale}/"] + [f"/{locale}/service/{s.id}/" for s in app.extensions["content"].listed_services]
        for path in paths:
            codes = qr_codes(client.get(path).get_data(as_text=True))
            assert len(codes) == 1, path
            svg = codes[0]
            # Drawn inline, from our own bytes: no file, no other origin, no XML prolog.
            assert not re.search(r"https?://|<\?xml|<image|href=", svg), path
            assert 'role="img" aria-label="' in svg
            sizes[path] = len(svg.encode())
    # Budget for the offline pack: one path of run lengths, about 2 KB a page.
    assert max(sizes.values()) <= 2600, max(sizes.items(), key=lambda kv: kv[1])
    with capsys.disabled():
        print(f"\nQR code bytes per page: {min(sizes.values())}-{max(sizes.values())}, "
              f"{sum(sizes.values()) // len(sizes)} on average over {len(sizes)} pages")


# ------------------------------------------------------------------ the province card

def cards(app, locale):
    client = app.test_client()
    model = app.extensions["content"]
    for province in model.provinces:
        response = client.get(f"/{locale}/province/{province.slug}/card/")
        assert response.status_code == 200
        yield province, card_for(model, province), response.get_data(as_text=True)


def printed(page):
    """The first card's text (the others are the same, for cutting)."""
    sheet = page.split('<div class="print-sheet">', 1)[1]
    return visible(sheet.split("</section>", 1)[0])


@pytest.mark.parametrize("locale", LOCALES)
def test_every_card_is_discreet_and_lists_only_public_numbers(app, locale):
    model = app.extensions["content"]
    public = {p.number for s in model.services for p in s.public_phones}
    for province, card, page in cards(app, locale):
        text = printed(page)
        assert page.count('class="print-card"') == 4
        title = re.search(r"<title>(.*?)</title>", page).group(1)
        for found in (text, title):
            assert not [w for w in WHO_IT_IS_FOR_EN if re.search(rf"(?<![a-z]){w}(?![a-z])", found, re.I)], province.slug
            assert not [w for w in WHO_IT_IS_FOR_KM if w in found], province.slug
        for s in card.emergency:
            assert all(p.number in text for p in s.public_phones), (province.slug, s.name.en)
        shown = set(re.findall(r"\b\d{3}(?: \d{2,4}){1,3}\b|\b1\d{2,3}\b", text))
        assert shown <= public, (province.slug, shown - public)
        assert {"en": "Checked on", "km": "បានពិនិត្យនៅ"}[locale] in text


def test_every_card_has_the_urgent_needs_or_says_where_the_nearest_are(app):
    for province, card, page in cards(app, "en"):
        text = printed(page)
        for section in card.sections:
            for service in section.services:
                assert service.callable
                for phone in service.public_phones:
                    assert phone.number + ("" if phone.confidence == "confirmed" else "*") in text
            if section.nearest:
                assert f"Nearest: {section.nearest.name.en}" in text
        assert card.checked_on and card.checked_on <= TODAY.date()


def test_card_of_the_small_directory(small_app):
    model = small_app.extensions["content"]
    sections = {p: {tuple(c.slug for c in s.categories): s for s in card_for(model, model.province(p)).sections}
                for p in ("pursat", "kampong-speu", "kratie")}
    hiv = ("hiv-testing", "pep-prep")
    # Local and callable first: the walk-in hospital has no number, the defunct and the
    # temporarily closed offices are not callable.
    assert [s.name.en for s in sections["pursat"][hiv].services] == ["Pursat test clinic"]
    assert [s.name.en for s in sections["pursat"][("legal-aid",)].services] == ["Moved test office"]
    # Nothing local: the nearest neighbour's, named.
    assert sections["kampong-speu"][hiv].nearest.slug == "pursat"
    # Nothing local or near: national services.
    assert [s.name.en for s in sections["kratie"][("legal-aid",)].services] == ["National test hotline"]
    page = small_app.test_client().get("/en/province/pursat/card/").get_data(as_text=True)
    assert "012 345 678*" in printed(page) and "* Not yet checked - call to confirm" not in page
    assert "* Not yet checked — call to confirm" in printed(page)


def test_cards_are_saved_offline_linked_from_province_pages_and_not_from_home(app):
    client = app.test_client()
    for locale in LOCALES:
        with app.test_request_context():
            urls = set(page_urls(locale))
        for province in app.extensions["content"].provinces:
            card = f"/{locale}/province/{province.slug}/card/"
            assert card in urls
            assert f'href="{card}"' in client.get(f"/{locale}/province/{province.slug}/").get_data(as_text=True)
        assert f"/{locale}/share-texts.json" in urls and f"/{locale}/share-texts/pursat.json" in urls
        assert "/card/" not in client.get(f"/{locale}/").get_data(as_text=True)
    assert client.get("/en/province/nowhere/card/").status_code == 404
