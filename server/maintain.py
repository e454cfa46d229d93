"""Maintainers' commands on content/: `flask content export`, `import`.

Like `flask content check` they need no running app: they read content/ (or --dir) themselves.
"""
import os
import sys
from pathlib import Path

import click

from . import exchange
from .content import ContentError, load
from .paths import CATEGORY_ICONS, CONTENT_DIR

dir_option = click.option(
    "--dir", "directory", default=lambda: os.environ.get("MITTA_CONTENT_DIR", CONTENT_DIR),
    show_default="content/", help="the content folder")


def _model(directory):
    try:
        return load(directory, icons_dir=CATEGORY_ICONS)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("content/ has problems: fix them first (flask content check).", err=True)
        sys.exit(1)


@click.command("export")
@click.option("--format", "kind", type=click.Choice(["hsds-json", "hsds-csv"]), required=True)
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@dir_option
def export(kind, target, directory):
    """Write the directory as HSDS 3.1 into TARGET: JSON files, or the tabular CSV package."""
    model = _model(directory)
    written = (exchange.write_json if kind == "hsds-json" else exchange.write_csv)(model, target)
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
    blocking = incoming.blockers + exchange.check_applies(changes, incoming, model, directory, CATEGORY_ICONS)
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
    written = exchange.apply(changes, incoming, model, directory, CATEGORY_ICONS)
    click.echo(f"Written: {', '.join(str(p) for p in written)}. Check them with git diff, then commit.")
