"""Recorded readings (content/audio/recordings.yaml, written by `flask content audio add`): which
text each clip reads, who reads it, and the hash of that text when it was recorded. No Flask.

A recording is never wrong by itself: only the text it reads can move on. So each entry keeps the
sha256 of what it reads; when the text's hash differs the recording still plays, marked "older
than the text", and `flask content due` lists it for re-recording.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .reader import Reader

FOLDER = "audio"
INDEX = "recordings.yaml"


@dataclass(frozen=True)
class Recording:
    file: str            # name in content/audio/
    reads: str           # article:SLUG | service:ID | emergency
    lang: str
    speaker: str
    date: dt.date
    text_sha256: str
    seconds: float
    bytes: int
    section: int | None = None
    current: bool = True   # False: the text changed since it was recorded

    @property
    def key(self) -> tuple:
        return (self.reads, self.section, self.lang)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def sections(body_html: str) -> list[str]:
    """An article's sections: the text from each <h2> to the next (the part before the first
    heading belongs to the first section)."""
    parts = re.split(r"(?=<h2[ >])", body_html)
    if len(parts) > 1 and not _plain(parts[0]):
        parts = parts[1:]
    elif len(parts) > 1:
        parts = [parts[0] + parts[1]] + parts[2:]
    return parts


def text_read(model: m.Content, reads: str, lang: str, section: int | None = None) -> str | None:
    """The plain text a recording of `reads` reads in `lang`, or None when there is no such thing
    (an unknown article or service, a section it does not have)."""
    if reads == "emergency":
        return " ".join(f"{(s.public_phones[0].number if s.public_phones else '')} {s.name(lang)}"
                        for s in model.emergency_services)
    kind, _, name = reads.partition(":")
    if kind == "article" and (a := model.article(name)):
        if section is None:
            return _plain(f"{a.title(lang)} {a.summary(lang)} {a.body_html(lang)}")
        parts = sections(a.body_html(lang))
        return _plain(parts[section - 1]) if 1 <= section <= len(parts) else None
    if kind == "service" and (s := model.service(name)):
        return _plain(s.description(lang))   # its "What it is"
    return None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_recordings(r: Reader, root: Path, model: m.Content) -> tuple[Recording, ...]:
    """The index's entries, each marked current or not; problems (a missing file, a text that
    does not exist, the same text recorded twice) go to `r`. No index: no recordings."""
    path = root / FOLDER / INDEX
    if not path.is_file():
        return ()
    data, lines = r.read(path, "recordings.json")
    if data is None:
        return ()
    found, seen = [], set()
    for i, e in enumerate(data["audio"]):
        line = lines.get(("audio", i))
        text = text_read(model, e["reads"], e["lang"], e.get("section"))
        if text is None:
            r.problem(path, line, f"audio[{i}]: {e['reads']}{' section ' + str(e['section']) if e.get('section') else ''} "
                      "is no text in the content")
            continue
        if not (root / FOLDER / e["file"]).is_file():
            r.problem(path, line, f"audio[{i}]: {FOLDER}/{e['file']} is missing")
            continue
        rec = Recording(e["file"], e["reads"], e["lang"], e["speaker"], dt.date.fromisoformat(e["date"]),
                        e["text_sha256"], float(e["seconds"]), int(e["bytes"]), e.get("section"),
                        current=text_hash(text) == e["text_sha256"])
        if rec.key in seen:
            r.problem(path, line, f"audio[{i}]: {e['reads']} in {e['lang']} is recorded twice")
            continue
        seen.add(rec.key)
        found.append(rec)
    return tuple(found)
