"""The tables in tests/cases/: one set of cases for each behaviour that exists both on the server
(Python) and on the phone (JavaScript), so the two cannot drift. tests/test_shared_cases.py runs
every case against the Python, tests/browser/test_shared_cases_on_the_phone.py against the real static JS in
Chromium."""
import datetime as dt
import json
from pathlib import Path

CASES = Path(__file__).with_name("cases")


def table(name):
    return json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))


def search_index():
    """The table's index, built the way the server builds the one it ships to the phone."""
    from server.search import entry
    return [entry(d["kind"], d["title"], "", "/", d["names"], d["extra"]) for d in table("search")["index"]]


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


def cambodia_date(instant: str) -> dt.date:
    from server.content.model import CAMBODIA
    return dt.datetime.fromisoformat(instant).astimezone(CAMBODIA).date()
