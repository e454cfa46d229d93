"""What a filled-in review sheet changes, what it must refuse, and writing it.

`plan()` reads every row against the texts as they are now (texts.py) and returns a Plan: the new
text of each file, a diff per file, and the refusals. Any refusal and nothing is written: a row
whose English or current text changed since the export (the key's fingerprint no longer matches),
a reviewed text that drops or changes a placeholder, one with a banned variant of the glossary
(content/glossary.yaml) or without the language's script, and then anything the content check
refuses once the new files are loaded, in a copy of content/, as the app would load them.
Plain Python, no Flask.
"""
from __future__ import annotations

import difflib
import io
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from . import marks, texts
from .sheet import STATUSES

SCRIPTS = {"km": re.compile("[\u1780-\u17ff]")}   # a text in this language has a letter of its script


@dataclass
class Plan:
    refusals: list[str] = field(default_factory=list)
    old: dict[str, str] = field(default_factory=dict)      # file -> its text now
    new: dict[str, str] = field(default_factory=dict)      # file -> its text after the import
    changed: int = 0
    reviewed: int = 0
    unsure: list[str] = field(default_factory=list)         # rows left in draft, as "row N (page)"

    def diffs(self):
        """(file, unified diff) for each file the import changes."""
        for file in sorted(self.new):
            if self.new[file] != self.old[file]:
                yield file, "".join(difflib.unified_diff(
                    self.old[file].splitlines(keepends=True), self.new[file].splitlines(keepends=True),
                    fromfile=f"a/{file}", tofile=f"b/{file}"))


def _label(row):
    return f"row {row.number}" + (f" ({row.where})" if row.where else "")


def _terms(sources, lang, today):
    """The glossary's terms: the Khmer ones, held in Khmer texts only."""
    if lang != "km":
        return ()
    from ..content.glossary import read_glossary
    from ..content.reader import Reader
    return read_glossary(Reader(sources.content, today), sources.content) or ()


def _rules(row, item, new, lang, terms):
    """Why `new` may not replace `item`'s text, or None."""
    if item.file.endswith(".po") and texts.placeholders(new) != texts.placeholders(item.english):
        return (f"{_label(row)}: the reviewed text must keep the placeholders of the English "
                f"({', '.join(texts.placeholders(item.english)) or 'none'}); it has "
                f"{', '.join(texts.placeholders(new)) or 'none'}")
    script = SCRIPTS.get(lang)
    if script and script.search(item.current) and not script.search(new):
        return f"{_label(row)}: the reviewed text has no {lang} letters"
    if item.place.startswith("body.") and texts.PARAGRAPH_BREAK.search(new.strip()):
        return f"{_label(row)}: one paragraph per row (the reviewed text has an empty line in it)"
    for term in terms:
        for _, variant in term.misuse(new):
            return f"{_label(row)}: '{variant}' is not the project's Khmer for {term.en}: write {term.km} (content/glossary.yaml)"
    return None


def decide(rows, current: dict, lang: str, terms):
    """(refusals, {(file, place): new text or None}, reviewed keys, unsure labels)."""
    refusals, edits, unsure, seen = [], {}, [], set()
    for row in rows:
        key = texts.parse_key(row.key)
        if key is None:
            refusals.append(f"{_label(row)}: its hidden key is not one `flask content review export` wrote")
            continue
        code, file, place, print_ = key
        if code != lang:
            refusals.append(f"{_label(row)}: this row reviews {code}, not {lang}")
            continue
        item = current.get((file, place))
        if item is None:
            refusals.append(f"{_label(row)}: this text is no longer in Mitta ({file}, {place})")
            continue
        if texts.fingerprint(item.english, item.current) != print_:
            what = [name for name, now, then in (("English", item.english, row.english), ("current text", item.current, row.current))
                    if now != then.strip()] or ["English or current text"]
            refusals.append(f"{_label(row)}: the {' and the '.join(what)} changed since the export "
                            f"({file}): export a new sheet for this text")
            continue
        if (file, place) in seen:
            refusals.append(f"{_label(row)}: the same text is in the sheet twice")
            continue
        seen.add((file, place))
        status = row.status.strip().lower()
        new = unicodedata.normalize("NFC", row.reviewed.strip())
        if status and status not in STATUSES:
            refusals.append(f"{_label(row)}: status {row.status!r} is not one of {', '.join(STATUSES)}")
        elif status == "unsure":
            unsure.append(_label(row))
        elif status == "changed" and not new:
            refusals.append(f"{_label(row)}: marked changed, but the reviewed text is empty")
        elif status == "ok" and new and new != item.current:
            refusals.append(f"{_label(row)}: marked ok, but a different reviewed text is written: mark it changed, or clear it")
        elif new and new != item.current:
            problem = _rules(row, item, new, lang, terms)
            if problem:
                refusals.append(problem)
            else:
                edits[(file, place)] = new
        elif status in ("ok", "changed"):
            edits[(file, place)] = None   # reviewed as it is
    return refusals, edits, unsure


def _catalog(text: str, lang: str, edits: dict, mark: str) -> str:
    """The catalog with `edits` ({message place: new text, or None when reviewed as it is})."""
    catalog = read_po(io.BytesIO(text.encode("utf-8")), locale=lang)
    for message in catalog:
        if not message.id:
            continue
        count = len(message.string) if isinstance(message.string, (list, tuple)) else 1
        hits = [(i, edits[texts.message_place(message, i)]) for i in range(count) if texts.message_place(message, i) in edits]
        if not hits:
            continue
        for index, new in hits:
            if new is None:
                continue
            if isinstance(message.string, (list, tuple)):
                strings = list(message.string)
                strings[index] = new
                message.string = tuple(strings)
            else:
                message.string = new
        message.user_comments = [c for c in message.user_comments
                                 if c != marks.DRAFT_COMMENT and not c.startswith(marks.REVIEWED_PREFIX)] + [mark]
    out = io.BytesIO()
    write_po(out, catalog, width=76)
    return out.getvalue().decode("utf-8")


def _node(data, place):
    node = data
    for part in place.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _mark_file(data, lang, guide, done: set, every: set, by, on):
    """Record the reviewed texts in the file's data; the file turns reviewed when all are."""
    status, key = marks.status_key(lang, guide), marks.reviewed_key(lang)
    if data.get(status) == "reviewed":
        return   # reviewed already (a later review of one of its texts changes the text, not who reviewed the file)
    from ..content.writer import quoted
    done = set((data.get(key) or {}).get("texts") or ()) | done
    mark = {"by": quoted(by), "date": on}
    if every <= done:
        data[status] = "reviewed"
    else:
        mark["texts"] = quoted(sorted(done & every, key=_natural))
    if key in data:
        data[key] = mark
    else:
        data.insert(list(data).index(status) + 1 if status in data else 0, key, mark)


def _natural(place):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", place)]


def _content_file(text: str, file: str, lang: str, edits: dict, every: set, by, on) -> str:
    from ..content.writer import quoted, yaml
    guide = file.endswith(".md")
    if guide:
        front, start = texts.split_front_matter(text)
    else:
        front, start = text, None
    y = yaml()
    data = y.load(front)
    mine = {place: new for (f, place), new in edits.items() if f == file}
    for place, new in mine.items():
        if new is not None and not place.startswith("body."):
            _node(data, place)[lang] = quoted(new)
    _mark_file(data, lang, guide, set(mine), every, by, on)
    out = io.StringIO()
    y.dump(data, out)
    if not guide:
        return out.getvalue()
    body = {int(p.split(".")[1]): new for p, new in mine.items() if p.startswith("body.") and new is not None}
    if body:
        begin, end = texts.body_span(text, lang, start)
        chunk = text[begin:end]
        core = chunk.strip()
        lead, tail = chunk[: len(chunk) - len(chunk.lstrip())], chunk[len(chunk.rstrip()):]
        parts = texts.PARAGRAPH_BREAK.split(core)
        for i, new in body.items():
            parts[2 * i] = new
        text = text[:begin] + lead + "".join(parts) + tail + text[end:]
    return "---\n" + out.getvalue() + "---\n" + text[start:]


def plan(sources: texts.Sources, rows, lang: str, by: str, on, icons_dir=None) -> Plan:
    """What the sheet's rows would change; refusals when anything must not be written."""
    result = Plan()
    items = texts.items(sources, lang)
    current = {(i.file, i.place): i for i in items}
    refusals, edits, result.unsure = decide(rows, current, lang, _terms(sources, lang, on))
    result.refusals += refusals
    if not by.strip():
        result.refusals.append("--by is empty: say who reviewed (NAME, ORGANISATION)")
    result.changed = sum(1 for v in edits.values() if v is not None)
    result.reviewed = len(edits)
    files = sorted({file for file, _ in edits})
    for file in files:
        text = sources.path(file).read_text(encoding="utf-8")
        result.old[file] = text
        if file.endswith(".po"):
            mine = {place: new for (f, place), new in edits.items() if f == file}
            result.new[file] = _catalog(text, lang, mine, marks.catalog_comment(by, on))
        else:
            every = {i.place for i in items if i.file == file}
            result.new[file] = _content_file(text, file, lang, edits, every, by, on)
    if not result.refusals and result.new:
        result.refusals += trial(sources, result.new, lang, on, icons_dir)
    return result


def trial(sources: texts.Sources, new: dict, lang: str, today, icons_dir=None) -> list[str]:
    """Load a copy of content/ with the new files, as the app would: its problems, named as in
    content/ (nothing to say when it loads)."""
    from ..content.loader import ContentError, load
    with tempfile.TemporaryDirectory() as tmp:
        copy = texts.Sources(Path(tmp) / "content", Path(tmp) / "translations")
        shutil.copytree(sources.content, copy.content)
        catalog = sources.path(texts.catalog_file("km"))
        for file, text in new.items():
            target = copy.path(file)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        km = copy.path(texts.catalog_file("km")) if texts.catalog_file("km") in new else catalog
        try:
            load(copy.content, today=today, icons_dir=icons_dir, catalog=km if km.is_file() else None)
        except ContentError as error:
            return [str(p).replace(tmp + "/", "") for p in error.problems]
        for file, text in new.items():
            if file.endswith(".po"):
                try:
                    read_po(io.BytesIO(text.encode("utf-8")), locale=lang, abort_invalid=True)
                except Exception as error:  # noqa: BLE001
                    return [f"{file}: the catalog would not read back ({error})"]
    return []


def write(sources: texts.Sources, result: Plan) -> list[Path]:
    if result.refusals:
        raise ValueError("refused: " + "; ".join(result.refusals))
    written = []
    for file, text in result.new.items():
        if text != result.old[file]:
            path = sources.path(file)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written

