"""Problem reports: "Report a problem with this listing" on every service page, kept for the
maintainers' call sheet (`flask content due`) and `flask reports list|close|purge`.

A report keeps the service, what is wrong (one of KINDS), the optional text and the Cambodian day
it arrived: no time of day, no address, no cookie, nothing about the phone. Flood limits live in
this process's memory only, keyed by a keyed hash of the address with a key that is never written
anywhere, so not even a hash of an address reaches the disk. Closed reports are deleted
RETENTION_DAYS after they were closed, on start and on every write.

SQLite (stdlib) in WAL mode with synchronous=FULL: every write is one transaction, so a report is
either wholly there or not at all, whatever happens to the process mid-write.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import sqlite3
import threading
import time
from collections import namedtuple
from contextlib import closing
from urllib.parse import parse_qsl, urlsplit

import click
from flask import Blueprint, current_app, has_app_context, render_template, request
from flask.cli import AppGroup

from .extensions import content
from .paths import INSTANCE_DIR

bp = Blueprint("reports", __name__, url_prefix="/<locale>")

# What a person can say is wrong, and how the call sheet words it.
KINDS = {
    "number": "number doesn't work",
    "closed": "closed",
    "moved": "moved",
    "other": "other",
}
MAX_TEXT_BYTES = 2048
RETENTION_DAYS = 90
# A slow flood over weeks must not fill the disk: past this many open reports, new ones wait.
MAX_OPEN = 5000
# (burst, seconds per new token): a person sends a few at once (a queue emptied when the phone
# comes back online); the whole server takes a steady trickle.
LIMITS = {"client": (10, 60.0), "all": (120, 5.0)}

DB_NAME = "reports.sqlite3"

Report = namedtuple("Report", "id service_id kind text day status closed_on")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS reports (
    id        INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ({", ".join(repr(k) for k in KINDS)})),
    text      TEXT NOT NULL DEFAULT '' CHECK (length(CAST(text AS BLOB)) <= {MAX_TEXT_BYTES}),
    day       TEXT NOT NULL,
    status    TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_on TEXT
);
CREATE INDEX IF NOT EXISTS reports_status ON reports (status, closed_on);
"""


# ---------------------------------------------------------------- the database

def db_path(app=None) -> str:
    """MITTA_DB (config DB), else reports.sqlite3 in the instance folder. Works without an app
    too (for `flask content due`), from the same environment variable and folder."""
    if app is None and has_app_context():
        app = current_app
    if app is not None:
        return str(app.config.get("DB") or os.path.join(app.instance_path, DB_NAME))
    return os.environ.get("MITTA_DB") or os.path.join(INSTANCE_DIR, DB_NAME)


def connect(path: str, create: bool = True) -> sqlite3.Connection | None:
    """A connection with the schema in place; None when the file does not exist and `create` is
    false (reading must not leave an empty database behind)."""
    if not create and not os.path.exists(path):
        return None
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA busy_timeout=10000")
    db.executescript(SCHEMA)
    return db


class _Transaction:
    """`with transaction(db):` BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, value, tb):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _purge(db, today: dt.date) -> int:
    cutoff = (today - dt.timedelta(days=RETENTION_DAYS)).isoformat()
    return db.execute("DELETE FROM reports WHERE status = 'closed' AND closed_on <= ?", (cutoff,)).rowcount


class Full(Exception):
    """Too many open reports are waiting: a flood, or nobody is reading them."""


def add(path, service_id, kind, text, today: dt.date) -> int:
    with closing(connect(path)) as db, _Transaction(db):
        _purge(db, today)
        (waiting,) = db.execute("SELECT count(*) FROM reports WHERE status = 'open'").fetchone()
        if waiting >= MAX_OPEN:
            raise Full()
        return db.execute("INSERT INTO reports (service_id, kind, text, day) VALUES (?, ?, ?, ?)",
                          (service_id, kind, text, today.isoformat())).lastrowid


def all_reports(path, status=None) -> list[Report]:
    db = connect(path, create=False)
    if db is None:
        return []
    with closing(db):
        where, args = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = db.execute(f"SELECT id, service_id, kind, text, day, status, closed_on FROM reports {where} "
                          "ORDER BY id", args).fetchall()
    return [Report(*row) for row in rows]


def close(path, report_id: int, today: dt.date) -> bool:
    db = connect(path, create=False)
    if db is None:
        return False
    with closing(db), _Transaction(db):
        return db.execute("UPDATE reports SET status = 'closed', closed_on = ? WHERE id = ? AND status = 'open'",
                          (today.isoformat(), report_id)).rowcount == 1


def purge(path, today: dt.date) -> int:
    db = connect(path, create=False)
    if db is None:
        return 0
    with closing(db), _Transaction(db):
        return _purge(db, today)


def open_by_service(path=None) -> dict[str, list[Report]]:
    """{service id: [open Report, oldest first]} for the call sheet; {} when there is no database."""
    found = {}
    for report in all_reports(path or db_path(), "open"):
        found.setdefault(report.service_id, []).append(report)
    return found


# ---------------------------------------------------------------- flood limits, in memory only

class Limiter:
    """Token buckets: one for the whole server and one per client. A client is a keyed hash of
    its address with a key made at start and kept only here, so the table cannot be turned back
    into addresses and disappears with the process."""

    MAX_CLIENTS = 10_000

    def __init__(self, limits=None, clock=time.monotonic):
        self.limits = {**LIMITS, **(limits or {})}
        self.clock = clock
        self.secret = os.urandom(32)
        self.buckets = {}
        self.lock = threading.Lock()

    def _take(self, key, burst, every, now):
        tokens, then = self.buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - then) / every)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return False
        self.buckets[key] = (tokens - 1, now)
        return True

    def allow(self, address: str) -> bool:
        client = hmac.new(self.secret, address.encode(), hashlib.sha256).digest()[:16]
        now = self.clock()
        with self.lock:
            if len(self.buckets) > self.MAX_CLIENTS:
                # Forget the clients whose bucket has filled up again: they start full anyway.
                burst, every = self.limits["client"]
                self.buckets = {k: v for k, v in self.buckets.items()
                                if k == b"all" or v[0] + (now - v[1]) / every < burst}
            # Refuse one client's flood before it costs the others a global token.
            if not self._take(client, *self.limits["client"], now):
                return False
            if not self._take(b"all", *self.limits["all"], now):
                tokens, then = self.buckets[client]
                self.buckets[client] = (tokens + 1, then)   # not this client's fault
                return False
            return True


# ---------------------------------------------------------------- the form's POST

def _same_origin():
    """Like the remove-from-phone POST: another site may not send reports in a visitor's name.
    Browsers send Sec-Fetch-Site; older ones an Origin ("null" under our no-referrer policy)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin in (None, "null") or urlsplit(origin).netloc == request.host


class Refused(Exception):
    def __init__(self, code, problem):
        self.code, self.problem = code, problem


def _fields():
    """kind and text from an urlencoded body; anything else a page could not have sent is refused."""
    if request.mimetype != "application/x-www-form-urlencoded":
        raise Refused(415, "malformed")
    try:
        body = request.get_data(cache=False).decode("utf-8")
        pairs = parse_qsl(body, keep_blank_values=True, strict_parsing=bool(body), max_num_fields=4,
                          errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "malformed") from None
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or not set(names) <= {"kind", "text"}:
        raise Refused(400, "malformed")
    fields = dict(pairs)
    kind = fields.get("kind", "")
    if kind not in KINDS:
        raise Refused(400, "kind")
    text = fields.get("text", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if any(ord(c) < 0x20 and c not in "\t\n" or ord(c) == 0x7F for c in text):
        raise Refused(400, "malformed")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise Refused(413, "long")
    return kind, text


@bp.route("/service/<service_id>/report/", methods=["POST"])
def report(service_id):
    from .directory import today  # the app's clock (config CLOCK), shared with the pages

    service = content().service(service_id.lower())
    try:
        if not _same_origin():
            raise Refused(403, "origin")
        if service is None:
            raise Refused(404, "service")
        kind, text = _fields()
        if not current_app.extensions["report_limits"].allow(request.remote_addr or ""):
            raise Refused(429, "busy")
        try:
            add(db_path(), service.id, kind, text, today())
        except Full:
            raise Refused(429, "busy") from None
    except Refused as refused:
        return _answer(service, refused.problem, refused.code)
    return _answer(service, None, 200)


def _answer(service, problem, code):
    response = current_app.make_response(
        (render_template("reports/result.html", service=service, problem=problem), code))
    response.headers["Cache-Control"] = "no-store"
    if code == 429:
        response.headers["Retry-After"] = str(int(current_app.extensions["report_limits"].limits["client"][1]))
    return response


# ---------------------------------------------------------------- maintainers' commands

cli = AppGroup("reports", help="Problem reports sent from the service pages.")


def _today():
    from .directory import today
    return today()


@cli.command("list")
@click.option("--all", "everything", is_flag=True, help="closed reports too")
def list_command(everything):
    """Open reports (with --all, closed ones too), oldest first."""
    found = all_reports(db_path(), None if everything else "open")
    model = content()
    for r in found:
        service = model.service(r.service_id)
        name = service.name.en if service else "(no longer in content/)"
        closed = f" closed {r.closed_on}" if r.status == "closed" else ""
        click.echo(f"{r.id}  {r.day}  {r.status}{closed}  {name} [{r.service_id}]  {KINDS[r.kind]}"
                   + (f": {r.text}" if r.text else ""))
    click.echo(f"{len(found)} report(s). Close one once the listing is checked: flask reports close ID")


@cli.command("close")
@click.argument("report_id", type=int)
def close_command(report_id):
    """Mark report ID dealt with; it is deleted RETENTION_DAYS later."""
    if not close(db_path(), report_id, _today()):
        click.echo(f"No open report has the id {report_id}.", err=True)
        raise SystemExit(1)
    click.echo(f"Report {report_id} closed; it will be deleted after {RETENTION_DAYS} days.")


@cli.command("purge")
def purge_command():
    """Delete reports closed more than RETENTION_DAYS ago (this also happens on start and on every report)."""
    click.echo(f"{purge(db_path(), _today())} closed report(s) older than {RETENTION_DAYS} days deleted.")


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(cli)
    app.extensions["report_limits"] = Limiter(app.config.get("REPORT_LIMITS"), app.config.get("REPORT_CLOCK")
                                              or time.monotonic)
    with app.app_context():
        purge(db_path(app), _today())
