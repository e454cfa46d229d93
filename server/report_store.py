"""Problem reports' storage: SQLite (stdlib), no Flask, so the maintainers' commands (`flask
content due`) read it without the web part (server/reports.py: the form's POST, the flood limits
and `flask reports …`).

A report keeps the service, what is wrong (one of KINDS), the optional text and the Cambodian day
it arrived: no time of day, no address, no cookie, nothing about the phone. Closed reports are
deleted RETENTION_DAYS after they were closed, on start and on every write.

WAL mode with synchronous=FULL: every write is one transaction, so a report is either wholly
there or not at all, whatever happens to the process mid-write.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections import namedtuple
from contextlib import closing

from .paths import INSTANCE_DIR

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


def default_path() -> str:
    """Without an app (`flask content due`): MITTA_DB, else reports.sqlite3 in the instance
    folder, as the app finds it (server/reports.py `db_path`)."""
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
    for report in all_reports(path or default_path(), "open"):
        found.setdefault(report.service_id, []).append(report)
    return found
