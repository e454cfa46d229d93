"""Problem reports through the real app: the form on every service page, the POST and each way
it can be refused, flood limits, the database across restarts and crashes, `flask reports`, and
the call sheet."""
import re
import csv
import datetime as dt
import io
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from html import unescape

import pytest

import conftest
from server import report_store, reports
from server.cli import content as content_cli

CLOCK = "2026-12-01T09:00+07:00"
HEADINGS = {"en": "Sent. Thank you.", "km": "បានផ្ញើហើយ។ សូមអរគុណ។"}
NOT_SENT = {"en": "The report was not sent", "km": "របាយការណ៍មិនត្រូវបានផ្ញើទេ"}


def make_app(**config):
    return conftest.make_app({"CLOCK": CLOCK, **config})


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def service(app):
    return next(s for s in app.extensions["content"].services if s.listed)


def post(client, service_id, data=None, locale="en", **kwargs):
    kwargs.setdefault("content_type", "application/x-www-form-urlencoded")
    if isinstance(data, dict):
        from urllib.parse import urlencode
        data = urlencode(data)
    return client.post(f"/{locale}/service/{service_id}/report/", data=data, **kwargs)


def h1(response):
    text = response.get_data(as_text=True)
    return unescape(text[text.index("<h1>") + 4:text.index("</h1>")])


def stored(path):
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return db.execute("SELECT service_id, kind, text, day, status FROM reports ORDER BY id").fetchall()


# ---------------------------------------------------------------- the form

@pytest.mark.parametrize("locale, summary, hint", [
    ("en", "Report a problem with this listing", "Please do not write your name"),
    ("km", "រាយការណ៍បញ្ហាអំពីព័ត៌មាននេះ", "សូមកុំសរសេរឈ្មោះ"),
])
def test_every_service_page_has_the_form_in_its_language(client, app, locale, summary, hint):
    for service in app.extensions["content"].services:
        page = client.get(f"/{locale}/service/{service.id}/").get_data(as_text=True)
        assert f"<summary>{summary}</summary>" in page
        assert '<form method="post" action="report/" data-report' in page   # relative: this service's
        assert hint in page
    for kind in reports.KINDS:
        assert f'name="kind" value="{kind}"' in page
    assert 'name="text" rows="3" maxlength="2048"' in page
    assert re.search(r"/static/js/report\.[0-9a-f]+\.js", page)


# ---------------------------------------------------------------- sending

@pytest.mark.parametrize("locale", ["en", "km"])
def test_a_report_is_stored_with_service_kind_text_and_day_only(client, service, reports_db, locale):
    response = post(client, service.id, {"kind": "number", "text": "  Rang twice,\r\nno answer  "}, locale=locale,
                    environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200 and h1(response) == HEADINGS[locale]
    assert f'href="/{locale}/service/{service.id}/"' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"
    assert stored(reports_db) == [(service.id, "number", "Rang twice,\nno answer", "2026-12-01", "open")]
    with sqlite3.connect(reports_db) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(reports)")]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert columns == ["id", "service_id", "kind", "text", "day", "status", "closed_on"]
    data = b"".join(p.read_bytes() for p in reports_db.parent.glob("reports.sqlite3*"))
    assert b"203.0.113" not in data and b"127.0.0.1" not in data


def test_every_kind_and_no_text_are_accepted(client, service, reports_db):
    for kind in reports.KINDS:
        assert post(client, service.id, f"kind={kind}").status_code == 200
    assert [r[1:3] for r in stored(reports_db)] == [(k, "") for k in reports.KINDS]


def test_the_text_may_be_2_kb_exactly(client, service, reports_db):
    text = "ក" * (2048 // 3) + "ab"   # 682 Khmer letters of 3 bytes and 2 ASCII: 2,048 bytes
    assert len(text.encode()) == 2048
    assert post(client, service.id, {"kind": "other", "text": text}).status_code == 200
    assert stored(reports_db)[0][2] == text


REFUSED = [
    # (what, body, content type, headers, status, words in English)
    ("no kind", "text=hello", None, {}, 400, "Please choose what is wrong"),
    ("unknown kind", "kind=robbed", None, {}, 400, "Please choose what is wrong"),
    ("2 KB and one byte", "kind=other&text=" + "x" * 2049, None, {}, 413, "The text is too long"),
    ("Khmer over 2 KB", "kind=other&text=" + "%E1%9E%80" * 683, None, {}, 413, "The text is too long"),
    ("bytes that are not UTF-8", "kind=other&text=%FF%FE", None, {}, 400, "could not be understood"),
    ("raw bytes that are not UTF-8", b"kind=other&text=\xff", None, {}, 400, "could not be understood"),
    ("a field twice", "kind=number&kind=closed", None, {}, 400, "could not be understood"),
    ("an unknown field", "kind=number&name=Srey", None, {}, 400, "could not be understood"),
    ("a NUL in the text", "kind=number&text=a%00b", None, {}, 400, "could not be understood"),
    ("not key=value", "kind", None, {}, 400, "could not be understood"),
    ("too many fields", "&".join(f"f{i}=1" for i in range(50)), None, {}, 400, "could not be understood"),
    ("JSON", '{"kind": "number"}', "application/json", {}, 415, "could not be understood"),
    ("multipart", "--x\r\n", "multipart/form-data; boundary=x", {}, 415, "could not be understood"),
    ("no body type", "kind=number", "", {}, 415, "could not be understood"),
    ("sent from another site", "kind=number", None, {"Sec-Fetch-Site": "cross-site"}, 403, "Mitta’s own pages"),
    ("another site, old browser", "kind=number", None, {"Origin": "https://evil.example"}, 403, "Mitta’s own pages"),
]


@pytest.mark.parametrize("what, body, kind, headers, status, words", REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_reports_are_refused_with_a_clear_page_in_the_users_language(client, service, reports_db,
                                                                         what, body, kind, headers, status, words):
    for locale in ("en", "km"):
        extra = {} if kind is None else {"content_type": kind}
        response = post(client, service.id, body, locale=locale, headers=headers, **extra)
        assert response.status_code == status, what
        assert response.mimetype == "text/html" and h1(response) == NOT_SENT[locale]
        page = response.get_data(as_text=True)
        assert f'<html lang="{locale}"' in page
        if locale == "en":
            assert words in unescape(page)
        assert "Srey" not in page and "evil" not in page   # the input is never repeated
    assert stored(reports_db) == []


def test_an_unknown_service_is_refused_in_the_users_language(client, reports_db):
    for locale, words in (("en", "This listing is not in Mitta any more."), ("km", "ព័ត៌មាននេះលែងមាននៅក្នុង«មិត្ត»ទៀតហើយ។")):
        response = post(client, "00000000-0000-4000-8000-000000000000", "kind=closed", locale=locale)
        assert response.status_code == 404 and h1(response) == NOT_SENT[locale]
        assert words in response.get_data(as_text=True)
    assert stored(reports_db) == []


def test_same_origin_posts_are_accepted_whatever_the_browser_sends(client, service, reports_db):
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
                    {"Origin": "http://localhost"}, {}):
        assert post(client, service.id, "kind=moved", headers=headers).status_code == 200, headers
    assert len(stored(reports_db)) == 4


def test_a_body_over_16_kb_and_a_get_are_refused(client, service, reports_db):
    assert post(client, service.id, "kind=other&text=" + "x" * 17000).status_code == 413
    assert client.get(f"/km/service/{service.id}/report/").status_code == 405
    assert stored(reports_db) == []


# ---------------------------------------------------------------- floods

class Clock:
    """The app's one clock (config CLOCK), moved on by hand: the flood limits count on it too."""

    def __init__(self):
        self.now = conftest.TODAY

    def __call__(self):
        return self.now


def test_one_client_flooding_is_refused_and_others_still_get_through(service, reports_db):
    clock = Clock()
    app = make_app(CLOCK=clock)
    client = app.test_client()
    burst, every = reports.LIMITS["client"]
    flooder = {"REMOTE_ADDR": "198.51.100.7"}
    answers = [post(client, service.id, "kind=number", environ_base=flooder).status_code for _ in range(burst + 5)]
    assert answers == [200] * burst + [429] * 5
    refused = post(client, service.id, "kind=number", environ_base=flooder, locale="km")
    assert refused.status_code == 429 and h1(refused) == NOT_SENT["km"] and int(refused.headers["Retry-After"]) > 0
    assert "Too many reports" in post(client, service.id, "kind=number", environ_base=flooder).get_data(as_text=True)
    assert post(client, service.id, "kind=number", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
    clock.now += dt.timedelta(seconds=every)   # one token back
    assert post(client, service.id, "kind=number", environ_base=flooder).status_code == 200
    assert post(client, service.id, "kind=number", environ_base=flooder).status_code == 429
    assert len(stored(reports_db)) == burst + 2


def test_many_clients_together_hit_the_servers_limit(service, reports_db):
    clock = Clock()
    app = make_app(CLOCK=clock, REPORT_LIMITS={"client": [2, 60], "all": [5, 10]})
    client = app.test_client()
    answers = [post(client, service.id, "kind=closed", environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}).status_code
               for i in range(8)]
    assert answers == [200] * 5 + [429] * 3
    clock.now += dt.timedelta(seconds=10)
    assert post(client, service.id, "kind=closed", environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 200
    # A client refused by the server's limit kept its own token: it is not its fault.
    assert app.extensions["report_limits"].allow("192.0.2.6") is False   # still no global token
    clock.now += dt.timedelta(seconds=10)
    assert app.extensions["report_limits"].allow("192.0.2.6") is True


def test_the_limiter_keeps_no_address(service):
    limiter = reports.Limiter()
    for i in range(50):
        limiter.allow(f"10.0.0.{i}")
    assert all(isinstance(k, bytes) and len(k) in (3, 16) for k in limiter.buckets)
    assert not any(b"10.0.0" in k for k in limiter.buckets)


def test_too_many_open_reports_wait(service, reports_db, monkeypatch):
    monkeypatch.setattr(report_store, "MAX_OPEN", 3)
    client = make_app().test_client()
    answers = [post(client, service.id, "kind=other", environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}).status_code
               for i in range(4)]
    assert answers == [200, 200, 200, 429]


# ---------------------------------------------------------------- restarts, crashes

def test_reports_survive_a_restart(service, reports_db):
    post(make_app().test_client(), service.id, {"kind": "moved", "text": "now next to the market"})
    again = make_app()
    assert reports.open_by_service() == {service.id: [
        reports.Report(1, service.id, "moved", "now next to the market", "2026-12-01", "open", None)]}
    out = again.test_cli_runner().invoke(args=["reports", "list"]).output
    assert "now next to the market" in out and service.name.en in out


def send(url, body):
    request = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_reports_survive_the_server_being_killed_mid_write(own_server, reports_db, service):
    """Four writers send 2 KB reports as fast as the server takes them; the server is killed
    (SIGKILL) while they write. Every report it answered 200 is there, whole; nothing is half
    written; and the restarted server carries on with the same database."""
    own_server.env["MITTA_REPORT_LIMITS"] = json.dumps({"client": [10 ** 6, 1], "all": [10 ** 6, 1]})
    own_server.env["MITTA_CLOCK"] = CLOCK
    own_server.start()
    url = f"{own_server.url}/en/service/{service.id}/report/"
    sent, acknowledged, stop = set(), [], threading.Event()

    def writer(n):
        for i in range(10 ** 6):
            text = f"writer {n} report {i} ".ljust(2000, ".")
            sent.add(text)
            try:
                status = send(url, f"kind=other&text={text}")
            except OSError:
                return   # the server is gone
            if status == 200:
                acknowledged.append(text)
            if stop.is_set():
                return

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 60:
        assert time.monotonic() < deadline, own_server.log_text()[-2000:]
        time.sleep(0.01)
    own_server.stop()   # SIGKILL: no shutdown, no checkpoint
    stop.set()
    for t in threads:
        t.join(15)

    with sqlite3.connect(reports_db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = stored(reports_db)
    texts = [r[2] for r in rows]
    assert set(acknowledged) <= set(texts), "a report answered 'Sent' was lost"
    assert set(texts) <= sent and len(set(texts)) == len(texts), "a report was half written or doubled"
    assert all(r[1] == "other" and r[3] == "2026-12-01" for r in rows)

    own_server.start()   # the same port and database
    assert send(url, "kind=closed&text=after the restart") == 200
    assert len(stored(reports_db)) == len(rows) + 1
    log = own_server.log_text()
    assert "POST /en/service/" in log   # the access log was written…
    assert "writer 0" not in log and "after the restart" not in log   # …never a report's text
    assert "127.0.0.1" not in log.replace(own_server.url, "")          # …nor an address


# ---------------------------------------------------------------- flask reports, purging

@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def run(*args, code=0):
        result = runner.invoke(args=["reports", *map(str, args)])
        assert result.exit_code == code, result.output
        return result.output
    return run


def test_flask_reports_list_close_and_purge(app, run, client, service, reports_db):
    assert "0 report(s)" in run("list")
    later = make_app(CLOCK="2027-03-01T09:00+07:00")   # 90 days after 2026-12-01, started now
    post(client, service.id, {"kind": "number", "text": "no answer"})
    post(client, service.id, "kind=closed")
    out = run("list")
    assert f"1  2026-12-01  open  {service.name.en} [{service.id}]  number doesn't work: no answer" in out
    assert f"2  2026-12-01  open  {service.name.en} [{service.id}]  closed" in out and "2 report(s)" in out
    assert "Report 1 closed" in run("close", 1)
    assert "No open report has the id 1" in run("close", 1, code=1)
    assert "No open report has the id 99" in run("close", 99, code=1)
    assert "1 report(s)" in run("list") and "closed 2026-12-01" in run("list", "--all")
    assert "0 closed report(s)" in run("purge")   # closed today: kept for 90 days
    out = later.test_cli_runner().invoke(args=["reports", "purge"]).output
    assert "1 closed report(s) older than 90 days deleted" in out
    assert [r[1] for r in stored(reports_db)] == ["closed"]   # the open one stays


def test_closed_reports_are_purged_on_start_and_on_write(client, run, service, reports_db):
    for _ in range(2):
        post(client, service.id, "kind=moved")
    run("close", 1)
    make_app(CLOCK="2027-02-28T09:00+07:00")   # 89 days later: kept
    assert len(stored(reports_db)) == 2
    make_app(CLOCK="2027-03-01T09:00+07:00")   # a start 90 days later deletes it
    assert [r[4] for r in stored(reports_db)] == ["open"]
    run("close", 2)
    later = make_app(CLOCK="2027-02-01T09:00+07:00").test_client()
    post(later, service.id, "kind=other")
    assert len(stored(reports_db)) == 2
    post(make_app(CLOCK="2027-06-01T09:00+07:00").test_client(), service.id, "kind=other")
    assert [r[2:] for r in stored(reports_db)] == [("", "2027-02-01", "open"), ("", "2027-06-01", "open")]


def test_reading_reports_creates_no_database(tmp_path):
    path = tmp_path / "none.sqlite3"
    assert reports.open_by_service(str(path)) == {} and reports.all_reports(str(path)) == []
    assert not path.exists()


def test_the_call_sheet_lists_open_reports_first(app, client, service, reports_db):
    post(client, service.id, {"kind": "number", "text": "nobody answers on Sundays"})
    runner = app.test_cli_runner()
    text = runner.invoke(content_cli, ["due", "--csv", "--today", "2026-12-01"]).output
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    assert rows[0]["service_id"] == service.id
    assert rows[0]["why"].startswith("problem report 1 (2026-12-01): number doesn't work")
    assert "Someone reported 'number doesn't work': nobody answers on Sundays." in rows[0]["ask"]
    assert "flask reports close 1" in rows[0]["ask"]
    app.test_cli_runner().invoke(args=["reports", "close", "1"])
    text = runner.invoke(content_cli, ["due", "--csv", "--today", "2026-12-01"]).output
    assert "problem report" not in text
