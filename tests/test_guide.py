"""The safety guidance as a reader gets it from the real app: every article in both languages,
its sources and review date, and links that lead to help in the directory."""
import html as htmllib
import re
from urllib.parse import urljoin

import pytest

from server.content.model import NEEDS
from server.sitemap import page_urls
from server.content.languages import table_codes
from server.paths import CONTENT_DIR
from site_crawl import links

LOCALES = table_codes(CONTENT_DIR)
LAST_REVIEWED = {"en": "Last reviewed:", "km": "បានពិនិត្យចុងក្រោយ៖"}
DRAFT_NOTE = "អត្ថបទខ្មែរនេះ ជាសេចក្តីព្រាង។"
KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


@pytest.fixture
def articles(app):
    return app.extensions["content"].articles


def text(fragment):
    """What a reader sees of an HTML fragment: tags gone, entities decoded, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def element(html, pattern):
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return found.group(1)


def test_there_are_at_least_twelve_articles(articles):
    assert len(articles) >= 12, [a.slug for a in articles]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_article_renders_in_its_language(client, articles, locale):
    for a in articles:
        response = client.get(f"/{locale}/guide/{a.slug}/")
        assert response.status_code == 200, a.slug
        html = response.get_data(as_text=True)
        assert f'<html lang="{locale}"' in html
        assert text(element(html, r"<h1[^>]*>(.*?)</h1>")) == a.title(locale), a.slug
        assert htmllib.escape(a.summary(locale), quote=False) in html
        assert a.body_html(locale) in html
        # The tab title says nothing about what was read.
        assert a.title(locale) not in element(html, r"<title>(.*?)</title>")
        reviewed = text(element(html, r'<p class="guide-reviewed">(.*?)</p>'))
        assert reviewed.startswith(LAST_REVIEWED[locale]), reviewed
        assert f'<time datetime="{a.reviewed_on.isoformat()}">' in html
        assert str(a.reviewed_on.year) in reviewed
        assert (DRAFT_NOTE in html) == (locale == "km" and a.khmer_draft), a.slug


def test_khmer_articles_are_written_in_khmer(client, articles):
    for a in articles:
        body = element(client.get(f"/km/guide/{a.slug}/").get_data(as_text=True),
                       r'<div class="guide-body">(.*?)</div>')
        khmer = len(re.findall("[\u1780-\u17ff]", body))
        assert khmer > len(text(body)) / 3, a.slug


@pytest.mark.parametrize("locale", LOCALES)
def test_sources_are_listed_at_the_end(client, articles, locale):
    for a in articles:
        html = client.get(f"/{locale}/guide/{a.slug}/").get_data(as_text=True)
        assert a.sources, a.slug
        sources = element(html, r'<ol class="sources">(.*?)</ol>')
        items = re.findall(r"<li[^>]*>(.*?)</li>", sources, re.S)
        assert [text(i) for i in items] == [title for title, _ in a.sources]
        for (title, url), item in zip(a.sources, items):
            if url:
                assert f'<a href="{htmllib.escape(url)}" rel="noreferrer">' in item
        # Nothing of the article comes after its sources.
        assert html.index('id="sources"') > html.index('class="guide-body"')
        assert html.index('id="sources"') > html.index("guide-reviewed")


def test_the_pep_article_says_72_hours_first(client):
    for locale in LOCALES:
        html = client.get(f"/{locale}/guide/pep-72-hours/").get_data(as_text=True)
        body = element(html, r'<div class="guide-body">(.*?)</div>')
        first = text(re.search(r"<(p|h2|ul|ol)>(.*?)</\1>", body, re.S).group(2))
        assert "72" in first.translate(KHMER_DIGITS), (locale, first)


@pytest.mark.parametrize("locale", LOCALES)
def test_help_links_lead_to_the_related_directory_categories(client, articles, locale):
    for a in articles:
        html = client.get(f"/{locale}/guide/{a.slug}/").get_data(as_text=True)
        help_box = element(html, r'<section class="card guide-help"[^>]*>(.*?)</section>')
        anchors = re.findall(r'<a class="help-link" href="([^"]+)" data-category="([^"]+)" '
                             r'data-provinces="([^"]*)">', help_box)
        assert [c for _, c, _ in anchors] == list(a.categories), a.slug
        for href, category, provinces in anchors:
            assert href == f"/{locale}/category/{category}/"
            page = client.get(href)
            assert page.status_code == 200, href
            assert f"/{locale}/province/" in page.get_data(as_text=True)
            # guide.js may point the link at the reader's province only where that page exists.
            for province in provinces.split():
                assert client.get(f"/{locale}/province/{province}/{category}/").status_code == 200


def test_pep_help_reaches_pep_services_in_pursat(client):
    html = client.get("/en/guide/pep-72-hours/").get_data(as_text=True)
    assert 'href="/en/category/pep-prep/" data-category="pep-prep"' in html
    provinces = re.search(r'data-category="pep-prep" data-provinces="([^"]*)"', html).group(1).split()
    assert "pursat" in provinces
    listing = client.get("/en/province/pursat/pep-prep/")
    assert listing.status_code == 200


@pytest.mark.parametrize("locale", LOCALES)
def test_index_groups_articles_by_need_urgent_first(client, articles, locale):
    html = client.get(f"/{locale}/guide/").get_data(as_text=True)
    groups = re.findall(r'<section class="guide-group guide-need-(\w+)"', html)
    assert groups[0] == "urgent"
    assert groups == [n for n in NEEDS if any(a.need == n for a in articles)]
    listed = []
    for need, section in re.findall(r'guide-need-(\w+)".*?>(.*?)</section>', html, re.S):
        hrefs = re.findall(r'<a class="guide-link" href="/\w+/guide/([^/]+)/">', section)
        assert hrefs == [a.slug for a in articles if a.need == need]
        listed += hrefs
        # Icons are decoration: hidden from screen readers, the title says it all.
        for svg in re.findall(r"<svg[^>]*>", section):
            assert 'aria-hidden="true"' in svg
        assert section.count("<svg") == len(hrefs)
    assert sorted(listed) == sorted(a.slug for a in articles)
    for a in articles:
        assert htmllib.escape(a.title(locale), quote=False) in html


@pytest.mark.parametrize("locale,text_404", [("en", "Page not found"), ("km", "រកទំព័រមិនឃើញ")])
def test_an_unknown_article_is_a_404_in_the_readers_language(client, locale, text_404):
    response = client.get(f"/{locale}/guide/no-such-article/")
    assert response.status_code == 404
    assert text_404 in response.get_data(as_text=True)


def test_the_offline_pack_lists_the_index_and_every_article(app, articles):
    for locale in LOCALES:
        with app.test_request_context(f"/{locale}/"):
            urls = page_urls(locale)
        assert f"/{locale}/guide/" in urls
        for a in articles:
            assert f"/{locale}/guide/{a.slug}/" in urls


def test_home_links_the_urgent_articles_and_the_index(client, articles):
    for locale in LOCALES:
        html = client.get(f"/{locale}/").get_data(as_text=True)
        section = element(html, r'<h2 id="guidance">(.*?)</section>')
        hrefs = links(section)
        urgent = [f"/{locale}/guide/{a.slug}/" for a in articles if a.need == "urgent"]
        assert urgent and all(u in hrefs for u in urgent)
        assert f"/{locale}/guide/" in hrefs


def test_links_inside_articles_lead_somewhere(client, articles):
    for locale in LOCALES:
        for a in articles:
            for href in links(a.body_html(locale)):
                if href.startswith(("https:", "tel:", "sms:")):
                    continue
                target = urljoin(f"/{locale}/guide/{a.slug}/", href)   # as the browser resolves it
                assert client.get(target).status_code == 200, (a.slug, href)


def test_about_page_says_the_khmer_is_being_reviewed_and_how_to_report(client):
    html = client.get("/en/about/").get_data(as_text=True)
    assert "A native Khmer speaker is checking it now." in html
    assert 'id="report"' in html and "Tell the outreach worker" in html
    km = client.get("/km/guide/pep-72-hours/").get_data(as_text=True)
    assert 'href="/km/about/#report"' in km


@pytest.mark.parametrize("locale,shown", [
    ("km", '<a href="tel:1280" data-call>1280</a> (១២៨០)'),   # Latin digits to dial, Khmer beside
    ("en", '<a href="tel:1280" data-call>1280</a>'),
])
def test_numbers_in_article_prose_are_tel_links_with_latin_digits(client, locale, shown):
    html = client.get(f"/{locale}/guide/emergency/").get_data(as_text=True)
    body = element(html, r"<article[^>]*>(.*?)</article>")
    assert shown in body
    # every number of the directory the article gives can be tapped, abroad in its international form
    assert 'href="tel:117"' in body and 'href="tel:1288"' in body
    job = client.get(f"/{locale}/guide/job-offers-and-trafficking/").get_data(as_text=True)
    assert 'href="tel:1300" data-call>1300</a>' in job
