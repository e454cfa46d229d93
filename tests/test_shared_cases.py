"""Every case in tests/cases/ against the server's Python (the browser test runs the same cases
against the phone's JavaScript)."""
import datetime as dt

import pytest

from server.content.model import Alert, Provenance, Schedule, Text
from server.search import normalize, search
from shared_cases import cambodia_date, cases, search_index


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
