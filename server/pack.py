"""The offline pack: what a phone saves so that every page of its language opens without a
connection. Plain Python, no Flask: `build()` takes the loaded content model, the declared static
files (server/assets.py) and a function that renders one path, and returns an immutable `Pack`;
server/offline.py serves it, and a static export could write it to disk as it is.

The pack's **version** is the only version there is: a hash of every saved byte and of the service
worker's source. Pages travel in **parts**: JSON documents of at most PART_LIMIT bytes, named by
the hash of their bytes, so a part's URL never changes meaning (served immutable), a retry comes
from the browser's HTTP cache, a phone never parses more than PART_LIMIT at once, and an update
fetches only the parts that changed (the worker copies the others from the old version).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Callable, Iterable

from . import compress
from .assets import Asset
from .content.model import CAMBODIA
from .protocol import PART_LIMIT, digest_of, module_url, part_body, part_entry, part_url, stored_size

# What a first visit saves: the whole language while its parts and static files cross the link in
# FIRST_SAVE bytes, else the national pages, the guide and the featured provinces that fit, each other
# province on its own when the reader opens it. Issue 10's budget is a first visit of at most 400 KB
# as it crosses the link: brotli, which every browser Mitta serves asks for (Chromium does over
# plain HTTP too); the page that starts the save, sw.js and its modules, /sw-pack.js (less the
# provinces it lists, counted in the save), the manifest and the status words come on top, within
# HEADROOM (at 100x, with 20 KB of it, the whole first visit was km 395,186 B: scripts/pack_sizes.py). What the phone then keeps is the gzip of `stored_size` (700 KB budget).
FIRST_VISIT = 400 * 1024
HEADROOM = 14 * 1024
FIRST_SAVE = FIRST_VISIT - HEADROOM


def sent_size(content_type: str, body: bytes) -> int:
    """What one file or part costs a first visit on the link: its brotli where the server sends one
    (server/compress.py, whose cache then serves these very bytes), else its bytes."""
    mime = content_type.split(";")[0].strip()
    if not compress.compressible(mime, body):
        return len(body)
    return min(len(body), len(compress.encode(body, "br")))


@dataclass(frozen=True)
class Page:
    path: str
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Part:
    digest: str
    body: bytes           # {"path": [content type, text], …}
    paths: tuple[str, ...]
    stored: int           # about what it takes on the phone: the worker keeps it whole, gzipped

    @property
    def url(self) -> str:
        return part_url(self.digest)


@dataclass(frozen=True)
class Pack:
    version: str
    pages: dict[str, Page]
    files: dict[str, Asset]          # URL -> static file, the same for every language
    parts: dict[str, tuple[Part, ...]]  # locale -> the parts a first visit saves
    worker_source: str
    modules: dict[str, str]          # name -> source of each module sw.js imports (protocol.js…)
    clock: dt.datetime               # the time every page was rendered at
    # locale -> province -> its parts, saved when the reader opens that province; empty while
    # the whole language fits FIRST_SAVE.
    later: dict[str, dict[str, tuple[Part, ...]]]
    first: dict[str, tuple[str, ...]]  # locale -> the provinces in its first save, when not all

    def all_parts(self):
        for locale, parts in self.parts.items():
            yield from parts
            for group in self.later[locale].values():
                yield from group

    def part(self, digest: str) -> Part | None:
        return next((p for p in self.all_parts() if p.digest == digest), None)

    def stored(self, locale: str) -> int:
        return sum(p.stored for p in self.parts[locale]) + sum(
            stored_size(f.content_type, f.body) for f in self.files.values())

    @property
    def modules_digest(self) -> str:
        return digest_of("".join(f"{name}\n{source}\n" for name, source in self.modules.items()).encode())

    def module_urls(self) -> dict[str, str]:
        """URL -> module name, in the order sw.js imports them."""
        return {module_url(self.modules_digest, name): name for name in self.modules}

    def config(self) -> dict:
        """What the service worker needs, as the JSON of /sw-pack.js."""
        return {
            "version": self.version,
            "modules": list(self.module_urls()),
            "locales": {locale: entries(parts) for locale, parts in self.parts.items()},
            "provinces": {locale: {slug: entries(parts) for slug, parts in groups.items()}
                          for locale, groups in self.later.items()},
            "first": self.first,
            "files": {url: [f.digest, stored_size(f.content_type, f.body)] for url, f in sorted(self.files.items())},
            # Browsers ask for /favicon.ico by themselves (a page that names no icon): the saved
            # icon answers, so that request never needs the network.
            "aliases": {"/favicon.ico": url for url, f in self.files.items() if f.name == "icons/favicon.ico"},
        }


def content_day(model) -> dt.datetime:
    """Noon (Cambodia) on the newest date anyone checked the content: the pack's fixed clock, so
    "open now" and "may be out of date" cannot change its bytes (the phone recomputes both)."""
    dates = [s.provenance.checked_on for s in model.services if s.provenance.checked_on]
    dates += [a.reviewed_on for a in model.articles if a.reviewed_on]
    day = max(dates, default=dt.date(2026, 1, 1))
    return dt.datetime.combine(day, dt.time(12), tzinfo=CAMBODIA)


def kind(path: str) -> tuple:
    """Where a page sits in its language's parts: pages of one shape side by side, so each part's
    gzip finds the previous page's markup within its 32 KB window. The section (first segment
    after the language), the depth, then the last segment where it is not the page's own slug:
    /km/province/<slug>/card/ with the other cards, /km/province/<slug>/<need>/ with the same
    need in the other provinces (mostly the same national list), service pages together."""
    segments = [s for s in path.split("/") if s]
    section = segments[1] if len(segments) > 1 else ""
    last = segments[-1] if len(segments) > 3 else ""  # /<locale>/<section>/<slug>/<last>/
    return (section, len(segments), last, path)


def split(pages: list[Page]) -> list[Part]:
    """Pages in the order of `kind`, cut into parts of at most PART_LIMIT bytes (a bigger page
    alone)."""
    pages = sorted(pages, key=lambda page: kind(page.path))
    parts, held, size = [], [], 2

    def close():
        if held:
            body = part_body(text for _, text in held)
            parts.append(Part(digest_of(body), body, tuple(p.path for p, _ in held),
                              stored_size("application/json", body)))

    for page in pages:
        text = part_entry(page.path, page.content_type, page.body)
        if held and size + len(text.encode()) + 1 > PART_LIMIT:
            close()
            held, size = [], 2
        held.append((page, text))
        size += len(text.encode()) + 1
    close()
    return parts


def fits(parts: Iterable[Part], room: int) -> bool:
    """Whether `parts` cross the link in `room` bytes (stops counting once they do not)."""
    for part in parts:
        room -= sent_size("application/json", part.body)
        if room < 0:
            return False
    return True


def entries(parts: Iterable[Part]) -> list:
    """Parts as the worker's configuration lists them."""
    return [[p.url, p.digest, p.stored] for p in parts]


def config_bytes(apart: dict[str, tuple[Part, ...]]) -> bytes:
    """The part of /sw-pack.js that lists the provinces kept apart, as it is sent."""
    return json.dumps({slug: entries(parts) for slug, parts in apart.items()}, separators=(",", ":")).encode()


def build(model, files: Iterable[Asset], locales: Iterable[str], paths: Callable[[str], Iterable[str]],
          render: Callable[[str, dt.datetime], tuple[str, bytes]], worker_source: str,
          modules: dict[str, str] | None = None,
          province: Callable[[str], str | tuple[str, ...] | None] = lambda path: None, first: Iterable[str] = (),
          first_save: int = FIRST_SAVE) -> Pack:
    """`paths(locale)`: every generated path a language saves (pages, JSON, manifest…);
    `render(path, clock)`: (content type, body) of that path as the app answers it at `clock`;
    `province(path)`: the province a path belongs to (None: national, the guide, the app), or the
    provinces (a tuple): a service page is saved with each province whose lists link to it;
    `first`: the provinces a first visit saves, while they fit, when the whole language does not."""
    clock = content_day(model)
    first = tuple(first)
    pages, parts, later, firsts = {}, {}, {}, {}
    files = tuple(files)
    statics = sum(sent_size(f.content_type, f.body) for f in files)
    for locale in locales:
        wanted = sorted(set(paths(locale)))
        for path in wanted:
            if path not in pages:
                pages[path] = Page(path, *render(path, clock))
        whole = tuple(split([pages[p] for p in wanted]))
        later[locale], firsts[locale] = {}, ()
        if fits(whole, first_save - statics):
            parts[locale] = whole
            continue
        groups: dict[str | None, list[Page]] = {}
        for path in wanted:
            found = province(path)
            for slug in found if isinstance(found, tuple) else (found,):
                groups.setdefault(slug, []).append(pages[path])
        national = groups.pop(None)
        apart = {slug: tuple(split(group)) for slug, group in sorted(groups.items())}
        # The featured provinces join the first save while it fits, counting the worker's
        # configuration that lists every province kept apart (it grows with the directory).
        room = first_save - statics - sent_size("application/json", config_bytes(apart))
        chosen = [slug for slug in first if slug in groups]
        while True:
            # A page in two chosen provinces is saved once.
            chosen_pages = {page.path: page for slug in chosen for page in groups[slug]}
            parts[locale] = tuple(split(national + [chosen_pages[path] for path in sorted(chosen_pages)]))
            if not chosen or fits(parts[locale], room):
                break
            chosen.pop()
        later[locale] = {slug: group for slug, group in apart.items() if slug not in chosen}
        firsts[locale] = tuple(chosen)
    files = {f.url: f for f in files}
    modules = dict(modules or {})
    version = hashlib.sha256(worker_source.encode())
    for name, source in modules.items():
        version.update(f"{name} {digest_of(source.encode())}\n".encode())
    for path, page in sorted(pages.items()):
        version.update(f"{path} {digest_of(page.body)}\n".encode())
    for url, file in sorted(files.items()):
        version.update(f"{url} {file.digest}\n".encode())
    return Pack(version.hexdigest()[:16], pages, files, parts, worker_source, modules, clock, later, firsts)
