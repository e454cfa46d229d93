"""The tables in tests/cases/: one set of cases for each behaviour that exists both on the server
(Python) and on the phone (JavaScript), so the two cannot drift. tests/test_shared_cases.py runs
every case against the Python, tests/browser/test_shared_cases_on_the_phone.py against the real static JS in
Chromium."""
import datetime as dt
import functools
import json
from pathlib import Path

CASES = Path(__file__).with_name("cases")


def table(name):
    return json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))


def search_index():
    """The table's index, built the way the server builds the one it ships to the phone."""
    from server.search import entry
    return [entry(d["kind"], d["title"], "", "/", d["names"], d["extra"], d.get("everywhere", False))
            for d in table("search")["index"]]


def cases():
    """pytest params: (kind, args, expected), with readable ids."""
    import pytest
    s = table("search")
    rows = [("normalize", [text], want) for text, want in s["normalize"]]
    rows += [("search", [query], want) for query, want in s["search"]]
    rows += [("open_now", [hours, at], want) for hours, at, want in table("open_now")["cases"]]
    rows += [("checked", [checked_on, at], want) for checked_on, at, want in table("checked")["cases"]]
    rows += [("alert", [start, until, at], want) for start, until, at, want in table("alert")["cases"]]
    counts = {}
    params = []
    for kind, args, want in rows:
        counts[kind] = counts.get(kind, 0) + 1
        params.append(pytest.param(kind, args, want, id=f"{kind}-{counts[kind]}"))
    return params


def content_cases():
    """pytest params for the table's `content` rows: (locale, query, what)."""
    import pytest
    return [pytest.param(locale, query, what, id=f"content-{n}")
            for n, (locale, query, what) in enumerate(table("search")["content"], 1)]


def index_urls(page_html):
    """The search index's documents, as the search page lists them for the phone (data-index)."""
    import re
    return re.search(r'data-index="([^"]+)"', page_html).group(1).split()


@functools.lru_cache(maxsize=1)
def _model():
    from server.content import load
    return load(CASES.parent.parent / "content")


def content_problems(locale, what, urls):
    """What is wrong with a search's results (their URLs, in order) for a `content` row: [] when
    what must come first does, and every service the row promises is found."""
    model = _model()
    first, lead = None, False   # lead: the services themselves come first, in any order
    if "country" in what:
        services = [s for s in model.listed_services if s.country == what["country"]]
    elif "spelling" in what:
        services, lead = [s for s in model.listed_services if what["spelling"] in s.spellings], True
    elif "organization" in what:
        services, lead = [s for s in model.listed_services
                          if model.organization(s.organization_id).slug == what["organization"]], True
    elif "category" in what:
        first = f"/{locale}/category/{what['category']}/"
        # With a province: its own services and the national ones (they serve it too).
        services = [s for s in model.listed_services if what["category"] in s.categories
                    and ("province" not in what or what["province"] in s.provinces or s.national)]
        if "province" in what:
            first = None  # a need is in no province: only its services there are asked for
    else:
        # A province alone: its page, then its own services (national ones do not carry its names).
        first = f"/{locale}/province/{what['province']}/"
        services = [s for s in model.listed_services if what["province"] in s.provinces]
    must = [f"/{locale}/service/{s.id}/" for s in services]
    problems = [] if services or first else ["the row expects nothing: it cannot fail"]
    if first and urls[:1] != [first]:
        problems.append(f"first is {urls[:1]}, not {first}")
    if lead and set(urls[:len(must)]) != set(must):
        problems.append(f"first are {urls[:len(must)]}, not {sorted(must)}")
    problems += [f"missing {u}" for u in must if u not in urls]
    return problems


def cambodia_date(instant: str) -> dt.date:
    from server.content.model import CAMBODIA
    return dt.datetime.fromisoformat(instant).astimezone(CAMBODIA).date()
