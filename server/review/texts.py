"""Every text a reader sees in one language, as the rows of a review sheet.

Three kinds of text, each with a stable key (`Item.key`: the file, the text's place in it and a
fingerprint of its English and its current translation at export, so an import can tell a row that
went stale):

- UI strings: each message of the language's gettext catalog (place: the msgid, its context and
  plural index);
- content fields: each `{<lang>: …, en: …}` text of the YAML files and of a guide's front matter
  (place: its path, `services.0.summary`);
- guide paragraphs: each block of a guide's body in that language, paired with the English block at
  the same position (place: `body.3`).

The key also names the language, so a sheet says which language it reviews.

`Where` is the page the text shows on. A content field's page follows from what holds it (a service's
page, a province's, a guide's). A UI string's is found by rendering a sample of the app's pages
(`ui_places`): the first page of the sample that shows it (home for the header and footer). One that
no sampled page shows (a message the phone's scripts say, a form's answer) has no page: those rows
come last, under an empty `Where`.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.pofile import read_po

from ..content.articles import LANG_MARK
from . import marks

CATALOG = "translations/{lang}/LC_MESSAGES/messages.po"
SKIPPED = {"glossary.yaml", "short-codes.yaml"}  # the project's own terms and codes: no reader sees them
PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n\s*)")
# gettext's python-format and str.format placeholders: a translation must keep each one.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0 +]*\d*[diouxXeEfFgGcrsa]|\{[A-Za-z_]\w*\}")


def fingerprint(english: str, current: str) -> str:
    return hashlib.sha256(json.dumps([english, current], ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Item:
    file: str          # content/…, or translations/<lang>/LC_MESSAGES/messages.po
    place: str         # where in the file (see the module docstring)
    where: str         # the page it shows on
    english: str
    current: str
    reviewed: bool
    lang: str

    @property
    def key(self) -> str:
        return json.dumps([self.lang, self.file, self.place, fingerprint(self.english, self.current)], ensure_ascii=False)


def parse_key(key: str):
    """(lang, file, place, fingerprint), or None for anything that is not a key we wrote."""
    try:
        value = json.loads(key)
    except (TypeError, ValueError):
        return None
    if isinstance(value, list) and len(value) == 4 and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


@dataclass(frozen=True)
class Sources:
    """Where the texts are read from and written to: a content folder and a translations folder."""
    content: Path
    translations: Path

    def path(self, file: str) -> Path:
        head, _, rest = file.partition("/")
        return (self.content if head == "content" else self.translations) / rest


def catalog_file(lang: str) -> str:
    return CATALOG.format(lang=lang)


def message_place(message, index: int) -> str:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return json.dumps([msgid, message.context, index], ensure_ascii=False)


def catalog_items(sources: Sources, lang: str, places=None):
    path = sources.path(catalog_file(lang))
    if not path.is_file():
        return []
    with open(path, "rb") as f:
        catalog = read_po(f, locale=lang)
    items = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for index, string in enumerate(strings):
            english = ids[min(index, len(ids) - 1)]
            place = message_place(message, index)
            items.append(Item(catalog_file(lang), place, (places or {}).get(place, ""), english, string or "",
                              marks.catalog_reviewed(message.user_comments), lang))
    return items


def yaml_texts(node, lang, at=()):
    """(path, text mapping) of each `{lang: …, en: …}` in a YAML document, in file order."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str) and isinstance(node.get(lang), str):
            yield at, node
            return
        for key, value in node.items():
            yield from yaml_texts(value, lang, at + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from yaml_texts(value, lang, at + (i,))


def place_of(path) -> str:
    return ".".join(str(p) for p in path)


def page_of(file: str, path, data, lang: str) -> str:
    """The page a content field shows on, from what holds it."""
    name = file.split("/")[-1].rsplit(".", 1)[0]
    if file == "content/provinces.yaml" and path[:1] == ("provinces",):
        return f"/{lang}/province/{data['provinces'][path[1]]['slug']}/"
    if file == "content/categories.yaml" and path[:1] == ("categories",):
        return f"/{lang}/category/{data['categories'][path[1]]['slug']}/"
    if file.startswith("content/guide/"):
        return f"/{lang}/guide/{data.get('slug', name)}/"
    if file.startswith("content/directory/"):
        services = data.get("services") or []
        if path[:1] == ("services",):
            return f"/{lang}/service/{services[path[1]]['id']}/"
        if path[:1] == ("locations",):
            location = data["locations"][path[1]].get("id")
            for s in services:
                if location in (s.get("locations") or ()):
                    return f"/{lang}/service/{s['id']}/"
        if services:
            return f"/{lang}/service/{services[0]['id']}/"
    return f"/{lang}/"


def split_front_matter(text: str):
    """(front matter text with its last newline, body start) of a guide, or None: the guide is
    "---\n" + front matter + "---\n" + the text from body start."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    return (text[4:end + 1], end + 5) if end >= 0 else None


def body_span(text: str, lang: str, start: int):
    """(start, end) of the body in `lang` in a guide's text, or None."""
    found = [m for m in LANG_MARK.finditer(text, start)]
    for i, mark in enumerate(found):
        if mark.group(1) == lang:
            return mark.end(), found[i + 1].start() if i + 1 < len(found) else len(text)
    return None


def paragraphs(body: str) -> list[str]:
    core = body.strip()
    return PARAGRAPH_BREAK.split(core)[::2] if core else []


def _load(text):
    """Read only (the writer edits with ruamel, whose round trip keeps comments but is slow)."""
    import yaml
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def content_items(sources: Sources, lang: str):
    root = sources.content
    files = sorted(root.glob("*.yaml")) + sorted((root / "directory").glob("*.yaml")) + sorted((root / "guide").glob("*.md"))
    items = []
    for path in files:
        if path.name in SKIPPED:
            continue
        file = "content/" + path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        guide = path.suffix == ".md"
        split = split_front_matter(text) if guide else (text, None)
        if split is None:
            continue
        data = _load(split[0])
        whole, done = marks.file_reviewed(data, lang, guide)
        for at, mapping in yaml_texts(data, lang):
            place = place_of(at)
            items.append(Item(file, place, page_of(file, at, data, lang), str(mapping["en"]).strip(),
                              str(mapping[lang]).strip(), whole or place in done, lang))
        if guide:
            span, english = body_span(text, lang, split[1]), body_span(text, "en", split[1])
            if span is None:
                continue
            theirs = paragraphs(text[slice(*english)]) if english else []
            for i, block in enumerate(paragraphs(text[slice(*span)])):
                place = f"body.{i}"
                items.append(Item(file, place, page_of(file, (), data, lang), theirs[i] if i < len(theirs) else "",
                                  block, whole or place in done, lang))
    return items


def items(sources: Sources, lang: str, places=None) -> list[Item]:
    """Every text a reader sees in `lang`: the UI strings, then the content."""
    return catalog_items(sources, lang, places) + content_items(sources, lang)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text or ""))


# --- Where a UI string shows: the app's own pages, rendered ------------------------------------

KIND_ORDER = ("", "emergency", "guide", "province", "category", "abroad", "service", "search", "about",
              "privacy", "safety", "offline")
PER_ENDPOINT = 4   # a few pages of each kind: a page of one kind shows the same strings, nearly
ALL_OF = {"guide.article", "directory.service"}   # a service's status and a guide's links vary its strings


def page_rank(url: str):
    """Pages in the order a reader meets them: home, emergency, guides, provinces, …"""
    if not url:
        return (len(KIND_ORDER) + 1, "")
    parts = urlsplit(url).path.strip("/").split("/")
    kind = parts[1] if len(parts) > 1 else ""
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), url)


def sample_pages(app, lang: str) -> list[str]:
    from ..sitemap import page_urls
    with app.test_request_context():
        urls = page_urls(lang)
        adapter = app.url_map.bind("localhost")
        counts, chosen = {}, []
        for url in sorted(urls, key=page_rank):
            endpoint = adapter.match(url)[0]
            counts[endpoint] = counts.get(endpoint, 0) + 1
            if counts[endpoint] <= PER_ENDPOINT or endpoint in ALL_OF:
                chosen.append(url)
    return chosen + [f"/{lang}/search?q=a", f"/{lang}/no-such-page/"]


def _pattern(string: str):
    """(the longest literal part, a regex of the whole) as the page's HTML would hold it; the part
    is looked for first, as a plain substring, since most pages do not show most strings."""
    from markupsafe import escape
    parts = [str(escape(p)) for p in PLACEHOLDER.split(string)]
    if not any(p.strip() for p in parts):
        return None
    return max(parts, key=len), re.compile(".{0,200}?".join(re.escape(p) for p in parts), re.S)


def ui_places(app, sources: Sources, lang: str) -> dict[str, str]:
    """{message place: the first sampled page that shows it} for the catalog of `lang`."""
    wanted = {}
    for item in catalog_items(sources, lang):
        pattern = _pattern(item.current)
        if pattern is not None:
            wanted[item.place] = pattern
    from ..rendering import clock, render
    with app.app_context():
        at = clock().now()
    found = {}
    for url in sample_pages(app, lang):
        # render(): the app's answer with given inputs, which no access line or count takes for a visit
        response = render(app, url, at=at)
        if response.status_code not in (200, 404) or not response.mimetype.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        for place, (part, pattern) in list(wanted.items()):
            if part in html and pattern.search(html):
                found[place] = url.split("?")[0]
                del wanted[place]
        if not wanted:
            break
    return found
