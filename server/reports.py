"""Problem reports, the web part: "Report a problem with this listing" on every service page, its
flood limits, and `flask reports list|close|purge`. What is kept, and how, is
server/report_store.py (plain Python), which the maintainers' call sheet reads too.

Flood limits live in this process's memory only, keyed by a keyed hash of the address with a key
that is never written anywhere, so not even a hash of an address reaches the disk. They count on
the app's one clock (server/clock.py), as the day a report is stamped with does.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from urllib.parse import parse_qsl

import click
from flask import Blueprint, current_app, request
from flask.cli import AppGroup

from .extensions import content
from .security import same_origin
from .rendering import clock, page
from .report_store import (DB_NAME, KINDS, MAX_TEXT_BYTES, RETENTION_DAYS, Full, Report, add, all_reports,  # noqa: F401
                           close, open_by_service, purge)

bp = Blueprint("reports", __name__, url_prefix="/<locale>")

# (burst, seconds per new token): a person sends a few at once (a queue emptied when the phone
# comes back online); the whole server takes a steady trickle.
LIMITS = {"client": (10, 60.0), "all": (120, 5.0)}


def db_path(app=None) -> str:
    """MITTA_DB (config DB), else reports.sqlite3 in the app's instance folder."""
    app = app or current_app
    return str(app.config.get("DB") or os.path.join(app.instance_path, DB_NAME))


# ---------------------------------------------------------------- flood limits, in memory only

class Limiter:
    """Token buckets: one for the whole server and one per client. A client is a keyed hash of
    its address with a key made at start and kept only here, so the table cannot be turned back
    into addresses and disappears with the process."""

    MAX_CLIENTS = 10_000

    def __init__(self, limits=None, clock=time.monotonic):
        # `clock`: seconds; the app gives its one clock's (server/clock.py).
        self.limits = {**LIMITS, **(limits or {})}
        self.clock = clock
        self.secret = os.urandom(32)
        self.buckets = {}
        self.lock = threading.Lock()

    def _take(self, key, burst, every, now):
        tokens, then = self.buckets.get(key, (burst, now))
        # max(0, …): a wall clock set back must not take tokens away.
        tokens = min(burst, tokens + max(0.0, now - then) / every)
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
    service = content().service(service_id.lower())
    try:
        if not same_origin():
            raise Refused(403, "origin")
        if service is None:
            raise Refused(404, "service")
        kind, text = _fields()
        if not current_app.extensions["report_limits"].allow(request.remote_addr or ""):
            raise Refused(429, "busy")
        try:
            add(db_path(), service.id, kind, text, clock().today())
        except Full:
            raise Refused(429, "busy") from None
    except Refused as refused:
        return _answer(service, refused.problem, refused.code)
    return _answer(service, None, 200)


def _answer(service, problem, code):
    response = current_app.make_response(
        (page("reports/result.html", service=service, problem=problem), code))
    response.headers["Cache-Control"] = "no-store"
    if code == 429:
        response.headers["Retry-After"] = str(int(current_app.extensions["report_limits"].limits["client"][1]))
    return response


# ---------------------------------------------------------------- maintainers' commands

cli = AppGroup("reports", help="Problem reports sent from the service pages.")


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
    if not close(db_path(), report_id, clock().today()):
        click.echo(f"No open report has the id {report_id}.", err=True)
        raise SystemExit(1)
    click.echo(f"Report {report_id} closed; it will be deleted after {RETENTION_DAYS} days.")


@cli.command("purge")
def purge_command():
    """Delete reports closed more than RETENTION_DAYS ago (this also happens on start and on every report)."""
    click.echo(f"{purge(db_path(), clock().today())} closed report(s) older than {RETENTION_DAYS} days deleted.")


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(cli)
    app_clock = app.extensions["clock"]
    app.extensions["report_limits"] = Limiter(app.config.get("REPORT_LIMITS"), app_clock.seconds)
    purge(db_path(app), app_clock.today())
