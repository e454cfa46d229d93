"""Issue 11 through the real app: doubtful numbers nowhere a user looks, no dead ends, status,
alerts and listings. Most tests use a small made-up directory (tests/content_copies.py), so they
do not depend on which real services exist; the crawls also run over the real content."""
import datetime as dt
import json
import re
from urllib.parse import quote

import pytest

from content_copies import DOUBTFUL_NUMBER, small_content
import conftest
from server.sitemap import page_urls

ICT = dt.timezone(dt.timedelta(hours=7))
BEFORE_ALERT_ENDS = dt.datetime(2026, 12, 1, 9, tzinfo=ICT)      # the small content's alert ends 2026-12-15
AFTER_ALERT_ENDS = dt.datetime(2026, 12, 16, 9, tzinfo=ICT)
LOCALES = ("km", "en")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return small_content(tmp_path_factory.mktemp("small"))


def make_app(content=None, when=BEFORE_ALERT_ENDS):
    config = {"CLOCK": lambda: when}
    if content:
        config["CONTENT_DIR"] = str(content)
    return conftest.make_app(config)


@pytest.fixture(scope="module")
def small_app(small):
    return make_app(small)


@pytest.fixture(scope="module", params=["small", "real"])
def any_app(request, small):
    return make_app(small if request.param == "small" else None)


def main(response):
    html = response.get_data(as_text=True)
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def visible_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def every_page(app):
    """Every page of both languages (the sitemap, which the offline pack saves too), rendered."""
    client = app.test_client()
    with app.test_request_context():
        urls = [u for locale in LOCALES for u in page_urls(locale)]
    return {u: client.get(u) for u in urls}


def spellings(number, tel):
    """The ways a number can appear in a page: as written, without spaces, dialled, URL-encoded."""
    return {number, number.replace(" ", ""), tel, quote(number), quote(number, safe=""), number.replace(" ", "%20")}


def service_named(app, name):
    return next(s for s in app.extensions["content"].services if s.name.en == name)


def names_in_order(html, names):
    at = [html.find(n) for n in names]
    assert all(i >= 0 for i in at), dict(zip(names, at))
    return at == sorted(at)


# ------------------------------------------------------------------ doubtful numbers

def test_a_doubtful_number_appears_on_no_page_in_no_search_and_in_no_share_text(any_app):
    model = any_app.extensions["content"]
    doubtful = model.doubtful_phones
    assert doubtful, "the content has no doubtful number to look for"
    client = any_app.test_client()
    pages = every_page(any_app)
    assert len(pages) > 100
    for service, phone in doubtful:
        forms = spellings(phone.number, phone.tel)
        for url, response in pages.items():
            body = response.get_data(as_text=True)
            assert not [f for f in forms if f in body], (phone.number, url)
        for locale in LOCALES:
            index = client.get(f"/{locale}/search-index.json").get_data(as_text=True)
            assert not [f for f in forms if f in index], (phone.number, locale)
            for query in (phone.number, phone.number.replace(" ", "")):
                found = main(client.get(f"/{locale}/search", query_string={"q": query}))
                # The query itself is echoed in the search box; the results must not hold it.
                results = found.split("data-search-results", 1)[1]
                assert service.id not in results and "tel:" + phone.tel not in results


def test_the_offline_pack_holds_no_doubtful_number(any_app):
    client = any_app.test_client()
    source = client.get("/sw-pack.js").get_data(as_text=True)
    pack = json.loads(re.search(r"^self\.PACK = (.*);$", source, re.M).group(1))
    for locale in LOCALES:
        bundle = "".join(client.get(url).get_data(as_text=True) for url, _digest, _size in pack["locales"][locale])
        assert len(bundle) > 50_000
        for _, phone in any_app.extensions["content"].doubtful_phones:
            assert not [f for f in spellings(phone.number, phone.tel) if f in bundle], (phone.number, locale)


def test_a_service_keeps_its_other_numbers_when_one_is_doubtful(small_app):
    shelter = service_named(small_app, "Doubtful test shelter")
    page = small_app.test_client().get(f"/en/service/{shelter.id}/").get_data(as_text=True)
    assert 'href="tel:1280"' in page
    assert "sms:?body=" + quote("Doubtful test shelter\n1280") in page  # server/share.py: name, then numbers
    assert DOUBTFUL_NUMBER not in page


def test_a_plausible_number_says_to_confirm_beside_it(small_app):
    hotline = service_named(small_app, "National test hotline")
    page = visible_text(main(small_app.test_client().get(f"/en/service/{hotline.id}/")))
    assert "Checked on" in page
    assert "Call 012 777 888 Not yet checked — call to confirm" in page
    assert "Call 011 222 333 Not yet checked" not in page


# ------------------------------------------------------------------ no dead ends

def chooser_targets(client, locale, model):
    """For every need, the page each province's button on that need's page leads to."""
    for need in model.needs:
        html = main(client.get(f"/{locale}/category/{need.slug}/"))
        for p in model.provinces:
            link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>' + re.escape(p.name(locale)) + "</a>", html)
            assert link, (need.slug, p.slug)
            yield p, need, link.group(1)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_province_need_page_has_something_to_call(any_app, locale):
    model = any_app.extensions["content"]
    client = any_app.test_client()
    public = {ph.tel for s in model.listed_services for ph in s.public_phones}
    pages = 0
    for province, need, url in chooser_targets(client, locale, model):
        response = client.get(url)
        assert response.status_code == 200, url
        html = main(response)
        calls = set(re.findall(r'href="tel:([^"]+)"', html))
        assert calls and calls <= public, (url, calls)
        assert not re.search(r'<ul class="card-list">\s*</ul>', html), url
        pages += 1
    assert pages == len(model.needs) * len(model.provinces)


def test_nothing_callable_here_falls_back_to_neighbours_then_national_then_emergency(small_app):
    page = small_app.test_client().get("/en/province/pursat/sti-care/").get_data(as_text=True)
    assert names_in_order(page, [
        "Pursat walk-in hospital",                       # local, listed clearly: no number to call
        "No checked service in Pursat yet — nearest:",
        "In Battambang (neighbouring province)", "Battambang test clinic",   # neighbours' order
        "In Kampong Speu (neighbouring province)", "Kampong Speu test clinic",
        "Everywhere in Cambodia", "National test hotline",
        "Emergency numbers", "Test ambulance", "Test police"])


def test_the_fallback_says_so_in_khmer_too(small_app):
    page = visible_text(main(small_app.test_client().get("/km/province/pursat/sti-care/")))
    assert "មិនទាន់មានសេវាដែលបានពិនិត្យនៅពោធិ៍សាត់ នៅឡើយទេ — កន្លែងជិតបំផុត៖" in page
    empty = visible_text(main(small_app.test_client().get("/km/province/pursat/mental-health/")))
    assert "យើងមិនទាន់មានកន្លែងសម្រាប់សេវានេះ នៅពោធិ៍សាត់ នៅឡើយទេ។" in empty
    assert "សាកល្បង Test ambulance" in page


def test_local_then_national_in_that_order(small_app):
    page = small_app.test_client().get("/en/province/pursat/legal-aid/").get_data(as_text=True)
    assert names_in_order(page, ["Moved test office", "Also in Pursat — no number to call now",
                                 "Closed-for-now test office", "Everywhere in Cambodia", "National test hotline"])
    assert "nearest:" not in page and "Test ambulance" not in page


# ------------------------------------------------------------------ status and alerts

def test_a_defunct_service_is_in_no_list_but_keeps_its_page(small_app):
    defunct = service_named(small_app, "Defunct test centre")
    client = small_app.test_client()
    own = f"/service/{defunct.id}/"
    for url, response in every_page(small_app).items():
        if not url.endswith(own):
            assert defunct.id not in response.get_data(as_text=True), url
    for locale in LOCALES:
        assert defunct.id not in client.get(f"/{locale}/search-index.json").get_data(as_text=True)
        assert defunct.id not in client.get(f"/{locale}/search", query_string={"q": "defunct"}).get_data(as_text=True)
    page = visible_text(main(client.get(f"/en{own}")))
    assert "This service has closed. We keep this page so you know" in page
    assert "tel:" not in main(client.get(f"/en{own}"))


def test_temporarily_closed_is_listed_with_a_banner(small_app):
    closed = service_named(small_app, "Closed-for-now test office")
    client = small_app.test_client()
    listed = main(client.get("/en/province/pursat/legal-aid/"))
    card = listed.split(f'/en/service/{closed.id}/', 1)[1].split("</li>\n</ul>", 1)[0]
    assert "Temporarily closed — call before you go." in card
    assert "Temporarily closed" in visible_text(main(client.get(f"/en/service/{closed.id}/")))


@pytest.mark.parametrize("when,shown", [(BEFORE_ALERT_ENDS, True), (AFTER_ALERT_ENDS, False)])
def test_an_alert_shows_on_the_page_and_in_lists_until_it_ends(small, when, shown):
    app = make_app(small, when)
    moved = service_named(app, "Moved test office")
    client = app.test_client()
    for url in (f"/en/service/{moved.id}/", "/en/province/pursat/legal-aid/"):
        html = main(client.get(url))
        assert ("Number changed on 1 December" in html) is shown, url
        if shown:
            assert 'data-alert-until="2026-12-15"' in html


# ------------------------------------------------------------------ listings that are not needs

def test_government_offices_are_no_need_but_listed_on_the_province_page_with_their_warning(small_app):
    client = small_app.test_client()
    office = service_named(small_app, "Test social affairs office")
    home = main(client.get("/en/"))
    assert "government-offices" not in home and "Government offices" not in home
    assert client.get("/en/category/government-offices/").status_code == 404
    assert client.get("/en/province/pursat/government-offices/").status_code == 404
    province = visible_text(main(client.get("/en/province/pursat/")))
    assert names_in_order(province, ["Government offices", "Test social affairs office", "Test warning about detention"])
    for need in small_app.extensions["content"].needs:
        assert office.id not in client.get(f"/en/province/pursat/{need.slug}/").get_data(as_text=True)


def test_the_emergency_need_does_not_list_the_emergency_numbers_twice(small_app):
    page = small_app.test_client().get("/en/province/pursat/emergency/").get_data(as_text=True)
    # Nothing nearby either: the page does not promise "nearest" when there is none.
    assert "We do not list a place for this in Pursat yet." in page and "nearest:" not in page
    assert page.count('href="tel:119"') == 1 and "Emergency numbers</h2>" not in page
