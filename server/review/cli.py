"""`flask content review export` and `import`: the sheet a native speaker fills in, and taking it back."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..clock import Clock
from ..paths import CATEGORY_ICONS, CONTENT_DIR, SERVER
from . import applying, marks, sheet, texts

TRANSLATIONS_DIR = os.path.join(SERVER, "translations")


def _sources(directory, translations):
    return texts.Sources(Path(directory).resolve(), Path(translations).resolve())


content_dir = click.option("--dir", "directory", default=lambda: os.environ.get("MITTA_CONTENT_DIR", CONTENT_DIR),
                           show_default="content/", help="the content folder")
translations_dir = click.option("--translations", default=TRANSLATIONS_DIR, show_default="server/translations/",
                                help="the gettext catalogs' folder")


@click.group("review", help="The review sheet for native speakers: export it, take it back.")
def review():
    pass


@review.command("export")
@click.option("--lang", required=True, type=click.Choice(marks.reviewable_languages()), help="the language to review")
@click.option("--status", type=click.Choice(("draft", "all")), default="draft", show_default=True,
              help="draft: only texts not yet reviewed; all: every text")
@click.option("--site", default=lambda: os.environ.get("MITTA_PUBLIC_URL", ""), show_default="MITTA_PUBLIC_URL",
              help="the public address the Where links start with (e.g. https://mitta.example.org); "
                   "without it they are paths (/km/guide/condoms/)")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@content_dir
@translations_dir
def export_sheet(lang, status, site, file, directory, translations):
    """Write FILE.xlsx: one row per text a reader sees in LANG, grouped by page."""
    from .. import create_app, public
    sources = _sources(directory, translations)
    app = create_app({"CONTENT_DIR": str(sources.content), "CLOCK": Clock.from_environment().now})
    found = texts.items(sources, lang, texts.ui_places(app, sources, lang))
    chosen = [i for i in found if status == "all" or not i.reviewed]
    sheet.write(file, chosen, lang, site=public.check(site) if site else "")
    click.echo(f"{file}: {len(chosen)} text(s) to review in {lang} ({len(found) - len(chosen)} already reviewed "
               f"left out)" if status == "draft" else f"{file}: {len(chosen)} text(s) in {lang}")


@review.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", required=True, help='who reviewed: "NAME, ORGANISATION"')
@click.option("--lang", type=click.Choice(marks.reviewable_languages()), default=None,
              help="the sheet's language (read from its rows when not given)")
@click.option("--apply", "apply_", is_flag=True, help="write the changes (without it, only show them)")
@content_dir
@translations_dir
def import_sheet(file, by, lang, apply_, directory, translations):
    """Show what a filled-in review sheet changes; with --apply, write it and mark the texts reviewed."""
    sources = _sources(directory, translations)
    try:
        rows = sheet.read(file)
    except sheet.NotTheSheet as error:
        click.echo(f"{file}: refused: {error}. Nothing was written.", err=True)
        sys.exit(1)
    lang = lang or _language(rows)
    if lang is None:
        click.echo(f"{file}: refused: its rows name no language Mitta reviews. Nothing was written.", err=True)
        sys.exit(1)
    result = applying.plan(sources, rows, lang, by, Clock.from_environment().today(), icons_dir=CATEGORY_ICONS)
    for name, diff in result.diffs():
        click.echo(diff, nl=False)
    if result.refusals:
        for refusal in result.refusals:
            click.echo(f"refused: {refusal}", err=True)
        click.echo(f"{len(result.refusals)} row(s) or problem(s) refused: nothing was written. Correct them "
                   "(or remove those rows) and import again.", err=True)
        sys.exit(1)
    click.echo(f"{result.changed} text(s) changed, {result.reviewed} marked reviewed by {by}; "
               f"{len(result.unsure)} left in draft as unsure" + (f": {', '.join(result.unsure)}" if result.unsure else ""))
    if apply_:
        for path in applying.write(sources, result):
            click.echo(f"wrote {path}")
    else:
        click.echo("Nothing written: run again with --apply to write this.")


def _language(rows):
    """The language the sheet's keys name (each row's is checked against it)."""
    for row in rows:
        key = texts.parse_key(row.key)
        if key and key[0] in marks.reviewable_languages():
            return key[0]
    return None


def draft_counts(directory, translations=TRANSLATIONS_DIR):
    """{lang: {kind: texts still in draft}} for `flask content check`."""
    sources = _sources(directory, translations)
    counts = {}
    for lang in marks.reviewable_languages():
        kinds = {"UI strings": 0, "content fields": 0, "guide paragraphs": 0}
        for item in texts.items(sources, lang):
            if not item.reviewed:
                kind = ("UI strings" if item.file.endswith(".po") else
                        "guide paragraphs" if item.place.startswith("body.") else "content fields")
                kinds[kind] += 1
        counts[lang] = kinds
    return counts
