"""Maintainers' commands on content/: `flask content export`, `import`, `due`, `checked`.

Like `flask content check` they need no running app: they read content/ (or --dir) themselves,
and the problem reports through their storage (server/report_store.py), not the web part. "Today"
is the app's clock as a server started from the environment has it (MITTA_CLOCK, else the real
day in Cambodia: server/clock.py). Plain click, no Flask: they run where the web app cannot start.
"""
import csv
import io
import os
import sys
from pathlib import Path

import click

from . import calls, exchange, hsds_profile, public, report_store
from .clock import Clock
from .content import ContentError, load
from .paths import CATEGORY_ICONS, CONTENT_DIR

dir_option = click.option(
    "--dir", "directory", default=lambda: os.environ.get("MITTA_CONTENT_DIR", CONTENT_DIR),
    show_default="content/", help="the content folder")


def _model(directory):
    try:
        return load(directory, today=Clock.from_environment().today(), icons_dir=CATEGORY_ICONS)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("content/ has problems: fix them first (flask content check).", err=True)
        sys.exit(1)


def _profile_url():
    """The HSDS profile the API names, at MITTA_PUBLIC_URL as the server reads it (this command
    needs no app)."""
    return public.check(os.environ.get("MITTA_PUBLIC_URL") or public.DEFAULT) + hsds_profile.PATH


@click.command("export")
@click.option("--format", "kind", type=click.Choice(["hsds-json", "hsds-csv"]), required=True)
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@dir_option
def export(kind, target, directory):
    """Write the directory as HSDS 3.1 into TARGET: JSON files, or the tabular CSV package."""
    model = _model(directory)
    written = (exchange.write_json if kind == "hsds-json" else exchange.write_csv)(model, target, _profile_url())
    size = sum(p.stat().st_size for p in written)
    click.echo(f"{len(written)} files, {size:,} bytes in {target}: {len(model.organizations)} organisations, "
               f"{len(model.services)} services (doubtful numbers and maintainer notes left out)")


@click.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--apply", "do_apply", is_flag=True, help="write the changes into content/ (default: only show them)")
@dir_option
def import_(source, do_apply, directory):
    """Show what importing SOURCE (HSDS JSON, or a CSV package) would change; write it with --apply."""
    model = _model(directory)
    try:
        incoming = exchange.from_records(*exchange.read_input(source), model)
    except exchange.InputError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        click.echo(f"{len(error.problems)} problem(s) in the input: nothing was changed.", err=True)
        sys.exit(1)
    changes = exchange.diff(exchange.current(model), incoming)
    if not changes:
        click.echo("Nothing would change.")
        return
    for line in exchange.describe(changes):
        click.echo(line)
    counts = {a: sum(c.action == a for c in changes) for a in ("added", "changed", "removed")}
    click.echo(", ".join(f"{n} {a}" for a, n in counts.items()))
    # One copy of content/, loaded once, both to show what would stop an apply and to apply.
    with exchange.trial(changes, incoming, model, directory, CATEGORY_ICONS) as trial:
        blocking = incoming.blockers + trial.problems
        if blocking:
            click.echo("Cannot be applied until these are fixed in the input (Mitta's own rules):", err=True)
            for problem in blocking:
                click.echo("  " + problem, err=True)
            if do_apply:
                click.echo("Nothing was changed.", err=True)
                sys.exit(1)
            return
        if not do_apply:
            click.echo("Nothing was written: run again with --apply to write these changes.")
            return
        written = trial.write()
    click.echo(f"Written: {', '.join(str(p) for p in written)}. Check them with git diff, then commit.")


@click.command("due")
@click.option("--csv", "as_csv", is_flag=True, help="a CSV call sheet (UTF-8 with BOM, for a spreadsheet)")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="the day to count from (default: today in Cambodia)")
@dir_option
def due(as_csv, today, directory):
    """The call sheet: services never checked, checked over 180 days ago, with a doubtful number
    or an open problem report, each with its numbers and what to ask."""
    model = _model(directory)
    day = today.date() if today else Clock.from_environment().today()
    sheet = calls.due(model, day, open_reports())
    if as_csv:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["service_id", "organization", "service", "why", "numbers", "ask", "last_checked"])
        for d in sheet:
            writer.writerow([d.service.id, d.organization.name.en, d.service.name.en, "; ".join(d.reasons),
                             calls.numbers(d.service), "\n".join(d.questions),
                             d.service.provenance.checked_on or ""])
        click.echo("\ufeff" + out.getvalue(), nl=False)
        return
    for i, d in enumerate(sheet, 1):
        click.echo(f"{i}. {d.service.name.en} — {d.organization.name.en}  [{d.service.id}]")
        click.echo(f"   why: {'; '.join(d.reasons)}")
        click.echo(f"   numbers: {calls.numbers(d.service)}")
        for q in d.questions:
            click.echo(f"   ask: {q}")
    click.echo(f"{len(sheet)} service(s) to call. Record each call with: flask content checked SERVICE_ID --by NAME")
    old = [r for r in model.recordings if not r.current]
    if old:
        click.echo(f"{len(old)} recording(s) older than the text they read, to record again "
                   "(flask content audio add … replaces one):")
        for r in old:
            click.echo(f"  audio/{r.file}: {r.reads}{f' section {r.section}' if r.section else ''} in {r.lang}, "
                       f"read by {r.speaker} on {r.date}")


def open_reports():
    """{service id: [Report]} of open problem reports ({} before the first report arrives)."""
    return report_store.open_by_service()


@click.command("checked")
@click.argument("service_id")
@click.option("--by", required=True, help="who called")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="the day of the call (default: today)")
@click.option("--phone", help="the number called, as written in the file (or its id)")
@click.option("--works/--dead", default=None, help="whether --phone reached the service")
@dir_option
def checked(service_id, by, on, phone, works, directory):
    """Record a call: the service is checked on DATE by NAME; --phone N --works confirms the
    number, --dead deletes it (the reason goes into the maintainers' note)."""
    model = _model(directory)
    day = on.date() if on else Clock.from_environment().today()
    try:
        for line in calls.record_call(model, directory, service_id, by, day, phone, works, CATEGORY_ICONS):
            click.echo(line)
    except calls.CallError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing was changed.", err=True)
        sys.exit(1)
