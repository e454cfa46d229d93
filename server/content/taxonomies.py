"""The small shared lists every other file refers to: provinces, categories and hotline short codes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .reader import Reader, line_of, repeated, text_of


@dataclass(frozen=True)
class Taxonomies:
    provinces: tuple[m.Province, ...]
    categories: tuple[m.Category, ...]
    short_codes: frozenset[tuple[str, str]]   # (region, number)
    category_lines: dict = None               # categories.yaml's lines, for checks made on the whole model


def read_taxonomies(r: Reader, root: Path, icons_dir=None) -> Taxonomies:
    short, _ = r.read(root / "short-codes.yaml", "short-codes.json")
    categories, category_lines = _categories(r, root / "categories.yaml", icons_dir)
    return Taxonomies(
        provinces=tuple(_provinces(r, root / "provinces.yaml")),
        categories=tuple(categories),
        short_codes=frozenset((s.get("region", m.HOME_REGION), s["number"])
                              for s in (short or {}).get("short_codes", [])),
        category_lines=category_lines)


def _unique_slugs(r: Reader, path, lines, kind, items):
    seen = set()
    for i, item in enumerate(items):
        if item["slug"] in seen:
            r.problem(path, line_of(lines, (kind, i, "slug")), f"{kind}[{i}].slug: '{item['slug']}' is used twice")
        seen.add(item["slug"])


def _unique_spellings(r: Reader, path, lines, kind, items):
    for i, item in enumerate(items):
        for j in repeated(item.get("spellings", ())):
            r.problem(path, line_of(lines, (kind, i, "spellings", j)),
                      f"{kind}[{i}].spellings[{j}]: '{item['spellings'][j]}' is listed twice")


def _provinces(r: Reader, path: Path):
    data, lines = r.read(path, "provinces.json")
    items = (data or {}).get("provinces", [])
    _unique_slugs(r, path, lines, "provinces", items)
    _unique_spellings(r, path, lines, "provinces", items)
    _check_neighbours(r, path, lines, items)
    return [m.Province(p["slug"], p["code"], text_of(p["name"]), tuple(p["spellings"]), bool(p.get("featured")),
                       tuple(p.get("neighbours", ()))) for p in items]


def _check_neighbours(r: Reader, path, lines, items):
    """Neighbours decide where a person is sent when nothing nearby can be called, so the map must
    be whole: real provinces, never itself, and both sides of every border. (The schema asks for
    the map's name, neighbours_source.)"""
    listed = {p["slug"]: set(p.get("neighbours", ())) for p in items}
    for i, p in enumerate(items):
        for j, other in enumerate(p.get("neighbours", ())):
            at = ("provinces", i, "neighbours", j)
            where = f"provinces[{i}].neighbours[{j}]"
            if other == p["slug"]:
                r.problem(path, line_of(lines, at), f"{where}: '{other}' lists itself as a neighbour")
            elif other not in listed:
                r.problem(path, line_of(lines, at), f"{where}: '{other}' is not a province")
            elif p["slug"] not in listed[other]:
                r.problem(path, line_of(lines, at),
                          f"{where}: '{p['slug']}' lists '{other}' but '{other}' does not list '{p['slug']}'")


def _categories(r: Reader, path: Path, icons_dir):
    data, lines = r.read(path, "categories.json")
    items = (data or {}).get("categories", [])
    _unique_slugs(r, path, lines, "categories", items)
    _unique_spellings(r, path, lines, "categories", items)
    for i, c in enumerate(items):
        if icons_dir and not (Path(icons_dir) / f"{c['icon']}.svg").is_file():
            r.problem(path, line_of(lines, ("categories", i, "icon")), f"categories[{i}].icon: no icon file {c['icon']}.svg")
        if c.get("where", {}).get("card") and not c["where"].get("first"):
            r.problem(path, line_of(lines, ("categories", i, "where", "card")),
                      f"categories[{i}].where.card: a card carries only what is said first (add first: true)")
    return [m.Category(c["slug"], text_of(c["name"]), c["icon"], c.get("need", True),
                       tuple(c.get("spellings", ())), _where(c.get("where"))) for c in items], lines


def _where(w):
    if not w:
        return None
    return m.Where(text_of(w["text"]), w["source"], bool(w.get("first")), text_of(w.get("card")))
