"""Every case in tests/cases/ against the server's Python (the browser test runs the same cases
against the phone's JavaScript)."""
import datetime as dt

import pytest

from server.content.model import Alert, Provenance, Schedule, Text
from server.search import normalize, search
from shared_cases import cambodia_date, cases, content_cases, content_problems, index_urls, search_index


def run(kind, args):
    if kind == "normalize":
        return normalize(args[0])
    if kind == "search":
        return [doc["title"] for doc in search(search_index(), args[0])]
    if kind == "open_now":
        hours, at = args
        return any(Schedule(tuple(h["byday"]), h["opens_at"], h["closes_at"]).is_open(dt.datetime.fromisoformat(at))
                   for h in hours)
    if kind == "checked":
        checked_on, at = args
        return Provenance("a source", checked_on and dt.date.fromisoformat(checked_on),
                          checked_on and "someone").status(cambodia_date(at))
    if kind == "alert":
        start, until, at = args
        return Alert(Text("ប្ដូរលេខ", "Number changed"), dt.date.fromisoformat(until),
                     start and dt.date.fromisoformat(start)).shows(cambodia_date(at))
    raise AssertionError(kind)


@pytest.mark.parametrize("kind,args,expected", cases())
def test_the_server_agrees_with_the_table(kind, args, expected):
    assert run(kind, args) == expected


@pytest.fixture(scope="module")
def shipped_index():
    """The index each language's search page ships to the phone, joined as the phone joins it."""
    from conftest import make_app
    client = make_app().test_client()
    return {locale: [doc for url in index_urls(client.get(f"/{locale}/search").get_data(as_text=True))
                     for doc in client.get(url).get_json()] for locale in ("km", "en")}


@pytest.mark.parametrize("locale,query,what", content_cases())
def test_the_server_finds_needs_and_countries_by_their_romanised_spellings(shipped_index, locale, query, what):
    urls = [doc["url"] for doc in search(shipped_index[locale], query)]
    assert content_problems(locale, what, urls) == []
