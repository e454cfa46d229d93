"""`flask content check`: validate every content file, naming file, line and problem.

Registered as a Flask CLI plugin (see pyproject.toml) and deliberately needing no app, because its
job is to explain content that the app would refuse to start with.
"""
import os
import sys

import click

from .clock import Clock
from .content import ContentError, load
from .paths import CATEGORY_ICONS, CONTENT_DIR, KHMER_CATALOG


@click.group("content", help="Work with the directory and guidance files in content/.")
def content():
    pass


@content.command("check")
@click.option("--dir", "directory", default=lambda: os.environ.get("MITTA_CONTENT_DIR", CONTENT_DIR),
              show_default="content/", help="the content folder to check")
@click.option("--translations", default=None, help="the gettext catalogs folder whose drafts are counted (default server/translations/)")
def check(directory, translations):
    """Check every file; exit 1 and list the problems when anything is wrong."""
    try:
        model = load(directory, today=Clock.from_environment().today(), icons_dir=CATEGORY_ICONS, catalog=KHMER_CATALOG)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s): nothing was published.", err=True)
        sys.exit(1)
    click.echo(f"content OK: {len(model.organizations)} organisations, {len(model.services)} services, "
               f"{len(model.articles)} articles, {len(model.provinces)} provinces; version {model.version}")
    # Where to look for services next: pages that can only say where such help is usually found.
    pages = model.need_pages()
    empty = [p for p in pages if p.offers_nothing]
    click.echo(f"{len(empty)} of {len(pages)} province × need pages offer nothing to call or visit "
               "and say where that help is usually found instead:")
    for category in model.needs:
        count = sum(1 for p in empty if p.category is category)
        if count:
            click.echo(f"  {category.slug}: {count}")
    # For maintainers only: these numbers are never shown to users until a call confirms them.
    doubtful = model.doubtful_phones
    if doubtful:
        click.echo(f"{len(doubtful)} doubtful number(s), hidden from users until a call confirms them:")
        for service, phone in doubtful:
            org = model.organization(service.organization_id)
            click.echo(f"  {phone.number}  {org.slug}: {service.name.en}  (source: {phone.source or service.provenance.source})")
    # What a native speaker has still to review (`flask content review export`), per language.
    from .review.cli import draft_counts
    for lang, kinds in draft_counts(directory, *([translations] if translations else [])).items():
        click.echo(f"in draft in {lang}: {sum(kinds.values())} text(s) ("
                   + ", ".join(f"{count} {kind}" for kind, count in kinds.items()) + ")")


from .maintain import checked, due, export, import_  # noqa: E402  (they need the group above)
from .review.cli import review  # noqa: E402
from .audio import audio  # noqa: E402

for command in (export, import_, due, checked, review, audio):
    content.add_command(command)
