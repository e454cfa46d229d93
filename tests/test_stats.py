"""Reach figures without tracking: a scripted browse counted per kind, province and need and
nothing else; `flask stats` and its small-number rule; 1,000 concurrent requests against the
real server each counted once; a server killed outright keeps every batch it wrote; and the log
still holds no address and no search term."""
import csv
import http.client
import io
import json
import signal
import sqlite3
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from time import monotonic, sleep

import pytest

import conftest
from server.stats import store
from server.stats.counter import Counter

DAY = conftest.TODAY.date().isoformat()   # 2026-12-01, the Cambodian day on the test clock
SECRET = "pep-after-rape-pursat"


def counts(path):
    if not path.exists():
        return {}
    with sqlite3.connect(path) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'counts'").fetchone():
            return {}   # the reports made the file; no count was written yet
        return {tuple(row[:5]): row[5] for row in
                db.execute("SELECT day, lang, kind, province, need, n FROM counts WHERE day = ?", (DAY,))}


def total(path):
    return sum(counts(path).values())


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return tmp_path_factory.mktemp("stats") / "reports.sqlite3"


@pytest.fixture(scope="module")
def app(db):
    """One app for the module (an app takes seconds to load), writing to its own database."""
    return conftest.make_app({"DB": str(db)})


@pytest.fixture(scope="module")
def model(app):
    return app.extensions["content"]


# ---------------------------------------------------------------- what a browse counts

def test_a_scripted_browse_is_counted_per_kind_province_and_need_and_nothing_else(app, model, db):
    client = app.test_client()
    service = next(s for s in model.services if s.listed)
    article = model.articles[0].slug
    need = next(c.slug for c in model.needs if c.slug != "emergency")
    browse = {
        # counted: path -> times
        "/km/": 3, "/en/": 1,
        "/km/province/pursat/": 2, "/en/province/kratie/": 1,
        f"/km/province/pursat/{need}/": 2, f"/km/category/{need}/": 1, "/km/emergency/": 1,
        f"/km/service/{service.id}/": 2, f"/en/service/{service.id.upper()}/": 1,
        "/km/guide/": 1, f"/km/guide/{article}/": 1,
        f"/km/search?q={SECRET}": 2, "/en/search": 1,
        "/km/province/pursat/card/": 1,
    }
    for path, times in browse.items():
        for _ in range(times):
            assert client.get(path, environ_base={"REMOTE_ADDR": "203.0.113.9"},
                              headers={"User-Agent": "SecretPhone/1.0"}).status_code == 200, path
    # A browser revalidating a page it had is a view too.
    etag = client.get("/en/").headers["ETag"]
    assert client.get("/en/", headers={"If-None-Match": etag}).status_code == 304
    # Not counted: other pages, errors, HEAD, redirects, static files, JSON, the pack but its first part.
    uncounted = ["/km/about/", "/km/privacy/", "/km/safety/", "/km/offline/", "/km/province/nowhere/",
                 f"/km/province/pursat/{need}-nope/", "/km/guide/nothing/", "/xx/", "/", "/km/search-index.json",
                 "/manifest-km.webmanifest", next(iter(app.extensions["assets"].by_url))]
    statuses = {path: client.get(path).status_code for path in uncounted}
    assert statuses["/km/province/nowhere/"] == 404 and statuses["/"] == 302 and statuses["/km/about/"] == 200
    assert client.head("/km/").status_code == 200
    # Problem reports: those answered "Sent"; a refused one is not.
    form = {"content_type": "application/x-www-form-urlencoded"}
    assert client.post(f"/km/service/{service.id}/report/", data="kind=moved", **form).status_code == 200
    assert client.post(f"/km/service/{service.id}/report/", data="kind=wrong", **form).status_code == 400

    assert counts(db) == {}, "a request waited for the database"
    app.extensions["stats"].flush()
    assert counts(db) == {
        (DAY, "km", "home", "", ""): 3, (DAY, "en", "home", "", ""): 3,   # one, its ETag, then a 304
        (DAY, "km", "province", "pursat", ""): 2, (DAY, "en", "province", "kratie", ""): 1,
        (DAY, "km", "need", "pursat", need): 2, (DAY, "km", "need", "", need): 1,
        (DAY, "km", "need", "", "emergency"): 1,
        (DAY, "km", "service", "", ""): 2, (DAY, "en", "service", "", ""): 1,
        (DAY, "km", "guide", "", ""): 2,
        (DAY, "km", "search", "", ""): 2, (DAY, "en", "search", "", ""): 1,
        (DAY, "km", "card", "pursat", ""): 1,
        (DAY, "km", "report", "", ""): 1,
    }
    with sqlite3.connect(db) as connection:
        assert [row[1] for row in connection.execute("PRAGMA table_info(counts)")] == [
            "day", "lang", "kind", "province", "need", "n"]
    data = b"".join(p.read_bytes() for p in db.parent.glob("reports.sqlite3*"))
    for leak in (SECRET.encode(), b"203.0.113", b"SecretPhone", b"09:00"):
        assert leak not in data

    # What the maintainer then reads: every one of these counts is under 10.
    out = app.test_cli_runner().invoke(args=["stats", "--csv"]).output
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["kind", "province", "need", "km", "en"]
    assert ["home", "", "", "< 10", "< 10"] in rows and ["report", "", "", "< 10", "< 10"] in rows
    assert {cell for row in rows[1:] for cell in row[3:]} == {"< 10"}


# ---------------------------------------------------------------- flask stats

def test_flask_stats_shows_every_count_under_10_as_under_10(app, db):
    # In 2027, apart from the browse's day (the default month, the clock's, is December 2026).
    store.add(str(db), {store.Key("2027-03-01", "km", "home"): 9, store.Key("2027-03-02", "km", "home"): 1234,
                        store.Key("2027-03-31", "en", "home"): 10,
                        store.Key("2027-03-05", "km", "need", "kratie", "pep-prep"): 1,
                        store.Key("2027-03-06", "km", "province", "pursat"): 9,
                        store.Key("2027-03-07", "km", "province", "pursat"): 1,
                        store.Key("2027-02-28", "en", "card", "pursat"): 500,
                        store.Key("2027-04-01", "en", "card", "pursat"): 500})
    runner = app.test_cli_runner()

    def rows(*args):
        result = runner.invoke(args=["stats", "--csv", *args])
        assert result.exit_code == 0, result.output
        return list(csv.reader(io.StringIO(result.output)))

    assert rows("--month", "2027-03") == [
        ["kind", "province", "need", "km", "en"],
        ["home", "", "", "1243", "10"],               # 9 + 1234; the 10 on the 31st shown as it is
        ["province", "pursat", "", "10", "< 10"],      # 9 + 1 over two days make 10
        ["need", "kratie", "pep-prep", "< 10", "< 10"],
    ]
    assert rows("--month", "2027-02") == [["kind", "province", "need", "km", "en"], ["card", "pursat", "", "< 10", "500"]]
    text = runner.invoke(args=["stats", "--month", "2027-03"]).output
    assert "2027-03-01 to 2027-03-31" in text and "pep-prep" in text and '"< 10"' in text
    assert "1243" in text and "9" not in text.replace("1234", "").split("\n", 1)[1].replace("2027", "")
    assert "2026-12-01 to 2026-12-31" in runner.invoke(args=["stats"]).output   # the clock's month
    assert "Nothing was counted" in runner.invoke(args=["stats", "--month", "2025-01"]).output
    for bad in ("2026-13", "12-2026", "2026-1", "soon"):
        result = runner.invoke(args=["stats", "--month", bad])
        assert result.exit_code == 2 and "YYYY-MM" in result.output


def test_batches_add_up_whoever_writes_them(tmp_path):
    """Two processes on one database each add their batch (ON CONFLICT … n = n + excluded.n)."""
    path = str(tmp_path / "reports.sqlite3")
    key = store.Key("2026-12-01", "km", "card", "kratie")
    store.add(path, {key: 4})
    store.add(path, {key: 7, store.Key("2026-12-01", "en", "card", "kratie"): 1})
    assert store.month_counts(path, "2026-12") == {("card", "kratie", ""): {"km": 11, "en": 1}}


def test_a_batch_that_cannot_be_written_is_said_and_kept_for_the_next_try(tmp_path, caplog):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    where = {"path": str(blocked / "reports.sqlite3")}
    counter = Counter(lambda batch: store.add(where["path"], batch), every=3600)
    for _ in range(3):
        counter.add(store.Key(DAY, "km", "home"))
    counter.close()   # as at exit: the write fails, and the log says so
    assert "stats: 3 counts not written yet" in caplog.text
    where["path"] = str(tmp_path / "reports.sqlite3")
    assert counter.flush() == 3
    assert store.month_counts(where["path"], "2026-12") == {("home", "", ""): {"km": 3}}


def test_reading_the_counts_creates_no_database(tmp_path):
    path = tmp_path / "none.sqlite3"
    assert store.month_counts(str(path), "2026-12") == {}
    assert not path.exists()


# ---------------------------------------------------------------- the real server

def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, http.client.HTTPException):
        return None   # the server is gone


def test_1000_concurrent_requests_are_each_counted_once_and_a_killed_server_keeps_its_batches(
        own_server, reports_db, model, tmp_path):
    # Two servers, started side by side (each start is one core's work): one that writes only at
    # exit, stopped with SIGTERM; one that writes every 0.2 s, killed with SIGKILL.
    own_server.env["MITTA_STATS_FLUSH_SECONDS"] = "3600"
    killed_db = tmp_path / "killed.sqlite3"
    killed = conftest.LiveServer(tmp_path, {"MITTA_DB": str(killed_db), "MITTA_STATS_FLUSH_SECONDS": "0.2"})
    with ThreadPoolExecutor(1) as starting:
        other = starting.submit(killed.start, 90)
        own_server.start(wait=90)   # the pack is built first; a shared machine may be slow
        other.result()
    try:
        stopped_then_killed(own_server, reports_db, killed, killed_db, model)
    finally:
        killed.stop()


def stopped_then_killed(server, db, killed, killed_db, model):
    service = next(s for s in model.services if s.listed)
    kinds = {"/km/": ("km", "home", "", ""), "/en/province/pursat/": ("en", "province", "pursat", ""),
             "/km/province/kratie/pep-prep/": ("km", "need", "kratie", "pep-prep"),
             f"/km/service/{service.id}/": ("km", "service", "", ""),
             f"/km/search?q={SECRET}": ("km", "search", "", "")}
    # A save: the first part of each language's first save, as the service worker asks for it.
    config = urllib.request.urlopen(server.url + "/sw-pack.js").read().decode()
    pack = json.loads(config.removeprefix("self.PACK = ").removesuffix(";\n"))
    saves = {pack["locales"][locale][0][0]: (locale, "save", "", "") for locale in ("km", "en")}
    later = [pack["locales"][locale][1][0] for locale in ("km", "en")]   # the same saves' next parts
    paths = [path for path in kinds for _ in range(192)] + [url for url in [*saves, *later] for _ in range(10)]
    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(lambda path: fetch(server.url + path), paths))
    assert statuses == [200] * 1000
    assert counts(db) == {}, "a request waited for the database"
    # SIGTERM, as systemd stops a service: the server writes what it holds, then exits.
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(30) == 0, server.log_text()[-2000:]
    expected = {(DAY, *key): 192 for key in kinds.values()} | {(DAY, *key): 10 for key in saves.values()}
    assert counts(db) == expected                     # each once: none lost, none twice

    log = server.log_text()
    assert log.count("GET /km/search 200") == 192      # the access log was written…
    for leak in (SECRET, "?q=", "127.0.0.1 -", " 127.0.0.1"):
        assert leak not in log.replace(server.url, "")  # …never an address or a search term

    # Killed outright (SIGKILL) while counting: the batch written before stays whole, and the
    # last one is lost or written, never in part and never twice.
    for _ in range(50):
        assert fetch(killed.url + "/km/") == 200
    wait_for(lambda: total(killed_db) == 50, killed)   # the next write, 0.2 s away
    with ThreadPoolExecutor(10) as pool:
        answers = [pool.submit(fetch, killed.url + "/en/") for _ in range(100)]
        wait_for(lambda: sum(a.done() for a in answers) >= 20, killed)
        killed.stop()
    answered = sum(a.result() == 200 for a in answers)
    with sqlite3.connect(killed_db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    found = counts(killed_db)
    assert found.pop((DAY, "km", "home", "", "")) == 50
    assert set(found) <= {(DAY, "en", "home", "", "")} and found.get((DAY, "en", "home", "", ""), 0) <= 100
    assert 20 <= answered <= 100


def wait_for(condition, server, seconds=15):
    deadline = monotonic() + seconds
    while not condition():
        assert monotonic() < deadline, server.log_text()[-2000:]
        sleep(0.02)
