"""`flask content due` (the call sheet) and `flask content checked` (recording a call)."""
import csv
import io
import shutil
from pathlib import Path

import pytest

from server.cli import content as content_cli
from server.content import load
from cli_fixtures import copy, run  # noqa: F401  (fixtures: a content copy, the content CLI)

ROOT = Path(__file__).resolve().parent.parent


def sheet(run, copy, today):
    text = run("due", "--csv", "--today", today, "--dir", copy)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_the_call_sheet_lists_what_is_due_with_numbers_and_questions(run, copy, app):
    model = app.extensions["content"]
    rows = sheet(run, copy, "2026-12-01")
    by_id = {r["service_id"]: r for r in rows}
    never = {s.id for s in model.services if not s.provenance.checked_on}
    doubtful = {s.id: p for s in model.services for p in s.phones if p.confidence == "doubtful"}
    assert never and doubtful and set(by_id) == never | set(doubtful)
    for sid, phone in doubtful.items():
        assert "doubtful number" in by_id[sid]["why"] and f"{phone.number} (doubtful)" in by_id[sid]["numbers"]
        assert f"is {phone.number} really the number of" in by_id[sid]["ask"]
    assert rows[0]["why"].startswith("doubtful number")   # the most urgent first
    for sid in never:
        assert "never checked" in by_id[sid]["why"]
        for p in model.service(sid).phones:
            assert p.number in by_id[sid]["numbers"]
    later = sheet(run, copy, "2027-08-01")
    assert len(later) == len(model.services)   # every check is now older than 180 days
    stale = next(r for r in later if r["service_id"] not in never)
    assert "days ago" in stale["why"]
    text = run("due", "--today", "2026-12-01", "--dir", copy)
    assert f"{len(rows)} service(s) to call" in text


def test_a_call_that_confirms_a_number(run, copy, app):
    model = app.extensions["content"]
    service = next(s for s in model.services if not s.provenance.checked_on
                   and any(p.confidence == "plausible" for p in s.phones))
    phone = next(p for p in service.phones if p.confidence == "plausible")
    out = run("checked", service.id, "--by", "Sophea", "--date", "2026-11-29", "--phone",
              phone.number.replace(" ", ""), "--works", "--dir", copy)
    assert f"{phone.number} works: confirmed" in out
    after = load(copy).service(service.id)
    assert str(after.provenance.checked_on) == "2026-11-29" and after.provenance.checked_by == "phone call by Sophea"
    assert next(p for p in after.phones if p.id == phone.id).confidence == "confirmed"
    assert service.id not in {r["service_id"] for r in sheet(run, copy, "2026-12-01")}


def test_a_dead_number_is_deleted_and_the_reason_kept_for_maintainers(run, copy, app):
    model = app.extensions["content"]
    service = next(s for s in model.services if any(p.confidence == "doubtful" for p in s.phones))
    phone = next(p for p in service.phones if p.confidence == "doubtful")
    run("checked", service.id, "--by", "Dara", "--date", "2026-11-29", "--phone", phone.number, "--dead", "--dir", copy)
    after = load(copy).service(service.id)
    assert phone.id not in {p.id for p in after.phones}
    text = (copy / "directory" / f"{model.organization(service.organization_id).slug}.yaml").read_text(encoding="utf-8")
    assert f"{phone.number} removed: dead when called on 2026-11-29 by Dara." in text


@pytest.mark.parametrize("args, says", [
    (["00000000-0000-4000-8000-000000000000", "--by", "X"], "no service has the id"),
    (["{sid}", "--by", "X", "--phone", "099 999 999", "--works"], "has no number 099 999 999"),
    (["{sid}", "--by", "X", "--works"], "--phone and --works/--dead go together"),
    (["{sid}", "--by", "X", "--date", "2999-01-01"], "is in the future"),
    (["{sid}", "--by", "X", "--date", "2026-02-30"], "Invalid value for '--date'"),
])
def test_a_call_that_cannot_be_recorded_changes_nothing(run, copy, app, args, says):
    sid = app.extensions["content"].services[0].id
    before = {p: p.read_bytes() for p in (copy / "directory").glob("*.yaml")}
    out = run("checked", *[a.format(sid=sid) for a in args], "--dir", copy, code=1 if "Invalid" not in says else 2)
    assert says in out
    assert before == {p: p.read_bytes() for p in (copy / "directory").glob("*.yaml")}
