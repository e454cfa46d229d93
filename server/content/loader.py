"""Read `content/`, check every file, and build the immutable model — or say precisely why not.

Loading is all-or-nothing: one problem anywhere and no model is returned, so the app never serves
half-valid content. Each kind of file has its own reader (taxonomies.py, organizations.py,
articles.py); references between files are checked in one pass here, once everything is read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from . import model as m
from .articles import digits, read_articles
from .glossary import check_all as check_terms
from .languages import read_languages
from .organizations import read_directory
from .recordings import read_recordings
from .reader import ContentError, Problem, Reader, line_of
from .taxonomies import read_taxonomies

__all__ = ["ContentError", "Problem", "load"]


def load(root, today: dt.date | None = None, icons_dir=None, catalog=None, translations=None) -> m.Content:
    """Load and check everything under `root`; raise ContentError listing every problem.
    `catalog`: the Khmer UI catalog (a .po file), held to content/glossary.yaml like the content.
    `today`: the day a check date may not be after, from the caller's clock (server/clock.py);
    the machine's day in Cambodia when none is given. `translations`: the UI catalogs' folders,
    where each live language of content/languages.yaml must have its catalog."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ContentError([Problem(str(root), None, "content folder not found")])
    if today is None:
        from ..clock import Clock  # the app's clock class; here unpinned
        today = Clock().today()
    r = Reader(root, today)
    languages = read_languages(r, root, [Path(t) for t in translations] if translations else None)
    tax = read_taxonomies(r, root, icons_dir)
    directory = read_directory(r, root / "directory", tax.short_codes)
    _cross_reference(r, tax, directory)
    phones = {digits(p.number): p for s in directory.services for p in s.public_phones}
    hidden = {digits(p.number) for s in directory.services for p in s.phones} - set(phones)
    articles = read_articles(r, root / "guide", tax.categories, phones, hidden)
    check_terms(r, root, catalog)
    if r.problems:
        raise ContentError(r.problems)
    content = m.Content(
        version=r.hash.hexdigest()[:16],
        provinces=tax.provinces, categories=tax.categories,
        organizations=tuple(directory.organizations), services=tuple(directory.services),
        locations=tuple(directory.locations), articles=tuple(articles), languages=languages)
    _no_empty_need_page(r, root / "categories.yaml", tax.category_lines, content)
    recordings = read_recordings(r, root, content)
    if r.problems:
        raise ContentError(r.problems)
    return replace(content, recordings=recordings) if recordings else content


def _no_empty_need_page(r: Reader, path: Path, lines, content: m.Content):
    """A need page with nothing to call or visit must say where that help is usually found:
    an empty list followed by the emergency numbers is a dead end for a person in danger."""
    pages = content.need_pages()
    for i, c in enumerate(content.categories):
        empty = [p.province.slug for p in pages if p.category is c and p.offers_nothing]
        if empty and not c.where:
            r.problem(path, line_of(lines, ("categories", i, "slug")),
                      f"categories[{i}] ({c.slug}): {len(empty)} province page(s) offer nothing to call or visit "
                      f"({', '.join(empty[:3])}{', …' if len(empty) > 3 else ''}): say where this help is usually "
                      "found, with its source (where: {text: …, source: …})")


def _cross_reference(r: Reader, tax, directory):
    """Every id is used once; every province, category and location named exists."""
    known = {
        "province": {p.slug for p in tax.provinces},
        "category": {c.slug for c in tax.categories},
        "location": {loc.id for loc in directory.locations},
    }
    unknown = {"province": "unknown province '{}'", "category": "unknown category '{}'",
               "location": "no location with id {}"}
    ids = {}
    for ref in directory.refs:
        if ref.kind == "id":
            if ref.value in ids:
                r.problem(ref.path, ref.line, f"{ref.where}: id {ref.value} is already used in {ids[ref.value]}")
            else:
                ids[ref.value] = f"{r.name(ref.path)}:{ref.line}"
        elif ref.value not in known[ref.kind]:
            r.problem(ref.path, ref.line, f"{ref.where}: {unknown[ref.kind].format(ref.value)}")
