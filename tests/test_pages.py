"""Every page, in both languages, through the real app."""
import re

import pytest

from site_crawl import crawl

PAGES = ["/", "/about/", "/privacy/"]


def test_root_sends_khmer_when_in_doubt(client):
    for header in (None, "fr-FR,fr;q=0.9", "km-KH", "*"):
        headers = {"Accept-Language": header} if header else {}
        response = client.get("/", headers=headers)
        assert response.status_code == 302
        assert response.location == "/km/"
        assert "Accept-Language" in response.headers["Vary"]


def test_root_sends_english_readers_to_english(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,km;q=0.5"})
    assert response.location == "/en/"


@pytest.mark.parametrize("locale", ["km", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_is_in_its_language(client, locale, page):
    response = client.get(f"/{locale}{page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{locale}"' in html
    other = "en" if locale == "km" else "km"
    # The switch leads to the same page in the other language.
    assert f'href="/{other}{page}" hreflang="{other}"' in html


def test_khmer_pages_are_in_khmer_script(client):
    html = client.get("/km/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert re.search("[\u1780-\u17ff]", title), title
    assert "Help now" not in html and "ជំនួយឥឡូវនេះ" in html
    assert "Help now" in client.get("/en/").get_data(as_text=True)


def test_every_linked_page_answers_200_in_both_languages(client):
    pages = crawl(client)
    broken = {path: r.status_code for path, r in pages.items() if r.status_code != 200}
    assert not broken
    km = {p[3:] for p in pages if p.startswith("/km/")}
    en = {p[3:] for p in pages if p.startswith("/en/")}
    assert km == en, "every page exists in both languages"
    assert len(km) >= len(PAGES)


@pytest.mark.parametrize("path,locale,text", [
    ("/en/no-such-page/", "en", "Page not found"),
    ("/km/no-such-page/", "km", "រកទំព័រមិនឃើញ"),
    ("/xx/", "km", "រកទំព័រមិនឃើញ"),
])
def test_unknown_page_is_a_404_in_the_users_language(client, path, locale, text):
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{locale}"' in html and text in html


def test_unknown_locale_follows_accept_language(client):
    response = client.get("/xx/about/", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_wrong_method_is_a_clear_405(client):
    response = client.post("/en/about/")
    assert response.status_code == 405
    assert "This page cannot do that." in response.get_data(as_text=True)
