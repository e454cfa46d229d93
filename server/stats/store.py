"""The counts' storage and the month's table: SQLite (stdlib), no Flask, in the same database as
the problem reports (server/report_store.py: MITTA_DB, else reports.sqlite3 in the instance
folder), created on the first write.

One row per Cambodian day, language, kind, province and need ('' where a page has none) holds a
number, and nothing else. A batch is one transaction that adds to each row
(`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`), so two processes writing to the same
file add up, and a process killed mid-write leaves the batch wholly there or not at all.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import os
import sqlite3
from contextlib import closing
from typing import Iterable, Mapping, NamedTuple

# Pages counted (server/stats/web.py says which endpoint is which), then offline saves and
# problem reports: the order of the month's table.
PAGE_KINDS = ("home", "province", "need", "service", "guide", "search", "card")
KINDS = PAGE_KINDS + ("save", "report")
# A count under this is shown as "< 10": a figure must never point at one person in a small province.
SMALL = 10

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS counts (
    day      TEXT NOT NULL,
    lang     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ({", ".join(repr(k) for k in KINDS)})),
    province TEXT NOT NULL DEFAULT '',
    need     TEXT NOT NULL DEFAULT '',
    n        INTEGER NOT NULL CHECK (n > 0),
    PRIMARY KEY (day, lang, kind, province, need)
) WITHOUT ROWID;
"""


class Key(NamedTuple):
    """What one count is of: the whole of it."""
    day: str
    lang: str
    kind: str
    province: str = ""
    need: str = ""


def connect(path: str, create: bool = True) -> sqlite3.Connection | None:
    """As report_store.connect: WAL, synchronous=FULL, a busy timeout; None when the file does
    not exist and `create` is false (reading must not leave an empty database behind)."""
    if not create and not os.path.exists(path):
        return None
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA busy_timeout=10000")
    db.executescript(SCHEMA)
    return db


def add(path: str, batch: Mapping[Key, int]) -> None:
    """Add a batch of counts in one transaction."""
    rows = [(*Key(*key), n) for key, n in batch.items() if n > 0]
    if not rows:
        return
    with closing(connect(path)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT INTO counts (day, lang, kind, province, need, n) VALUES (?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (day, lang, kind, province, need) DO UPDATE SET n = n + excluded.n", rows)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of `month` (YYYY-MM); ValueError for anything else."""
    year, number = (int(part) for part in month.split("-")) if len(month) == 7 and month[4] == "-" else (0, 0)
    if not (1 <= year <= 9999 and 1 <= number <= 12):
        raise ValueError(f"{month!r} is not a month written YYYY-MM")
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def month_counts(path: str, month: str) -> dict[tuple[str, str, str], dict[str, int]]:
    """{(kind, province, need): {lang: the month's total}}; {} when there is no database."""
    first, last = month_days(month)
    db = connect(path, create=False)
    if db is None:
        return {}
    with closing(db):
        rows = db.execute("SELECT kind, province, need, lang, sum(n) FROM counts WHERE day BETWEEN ? AND ? "
                          "GROUP BY kind, province, need, lang", (first.isoformat(), last.isoformat())).fetchall()
    found: dict[tuple[str, str, str], dict[str, int]] = {}
    for kind, province, need, lang, n in rows:
        found.setdefault((kind, province, need), {})[lang] = n
    return found


def shown(n: int) -> str:
    """A count as the table shows it: "< 10" under SMALL (nought included, so a blank cannot be
    told from a small count), else the number."""
    return f"< {SMALL}" if n < SMALL else str(n)


def table(counts: Mapping[tuple[str, str, str], Mapping[str, int]], langs: Iterable[str]) -> list[list[str]]:
    """The month's rows, header first: kind, province, need, then one column per language (those
    given, then any other the counts hold). No totals: a total beside a "< 10" would let that
    count be worked out by subtraction."""
    langs = list(dict.fromkeys([*langs, *sorted({lang for per in counts.values() for lang in per})]))
    order = {kind: i for i, kind in enumerate(KINDS)}
    rows = [["kind", "province", "need", *langs]]
    for (kind, province, need), per in sorted(counts.items(), key=lambda item: (order.get(item[0][0], len(order)), item[0])):
        rows.append([kind, province, need, *(shown(per.get(lang, 0)) for lang in langs)])
    return rows


def as_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def as_text(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
                     for row in rows) + "\n"
