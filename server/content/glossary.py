"""The project's Khmer terms (content/glossary.yaml): one word for one idea, everywhere.

A reader who meets two words for "shelter" wonders whether they are two things. So every Khmer text
— each `km` value in the YAML files, the Khmer body and front matter of each guide, and the Khmer UI
catalog — is searched for the banned variants of each term, and each one found is a problem naming
its file and line, like any other broken content.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from .articles import LANG_MARK
from .reader import Reader

GLOSSARY = "glossary.yaml"


@dataclass(frozen=True)
class Term:
    en: str
    km: str
    banned: tuple[str, ...]
    allowed: tuple[str, ...]  # longer words that contain a banned variant and are fine (មិត្តភក្តិ)
    alone: bool               # a text that is nothing but a banned variant is a label and fine

    def misuse(self, text: str):
        """(index, variant) of each banned variant in `text` that no allowed word covers."""
        if self.alone and text.strip() in self.banned:
            return
        for variant in self.banned:
            start = text.find(variant)
            while start >= 0:
                if not any(self._covers(text, start, variant, word) for word in self.allowed):
                    yield start, variant
                start = text.find(variant, start + 1)

    @staticmethod
    def _covers(text, start, variant, word):
        at = word.find(variant)
        while at >= 0:
            if start - at >= 0 and text.startswith(word, start - at):
                return True
            at = word.find(variant, at + 1)
        return False


def read_glossary(r: Reader, root: Path):
    """The terms, and the Latin words Khmer text may carry; None when the file is broken."""
    path = root / GLOSSARY
    if not path.is_file():
        return None  # a content folder without a glossary (a test's small one) has no terms to hold
    data, _ = r.read(path, "glossary.json")
    if data is None:
        return None
    terms = tuple(Term(t["en"], t["km"], tuple(t["banned"]), tuple(t.get("allowed", ())), t.get("alone", False))
                  for t in data["terms"])
    return terms


def check_yaml(r: Reader, path: Path, data, lines, terms):
    """Every `km` value of a YAML document (front matter included)."""
    def walk(node, at):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "km" and isinstance(value, str):
                    _report(r, path, value, lines.get(at + (key,)), terms, literal=True)
                else:
                    walk(value, at + (key,))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, at + (i,))
    walk(data, ())


def check_lines(r: Reader, path: Path, text: str, first_line: int, terms):
    """Khmer Markdown: each line is its own line of the file."""
    for n, line in enumerate(text.split("\n")):
        _report(r, path, line, first_line + n, terms)


def check_catalog(r: Reader, path: Path, terms):
    """The Khmer UI catalog: each translation, at the line of its msgstr."""
    if not path.is_file():
        return
    raw = path.read_text(encoding="utf-8").split("\n")
    with open(path, "rb") as f:
        catalog = read_po(f, locale="km")
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        line = next((i + 1 for i in range(message.lineno - 1, len(raw)) if raw[i].startswith("msgstr")),
                    message.lineno)
        for string in strings:
            for term in terms:
                for _, variant in term.misuse(string or ""):
                    found = next((i + 1 for i in range(line - 1, len(raw)) if variant in raw[i]), line)
                    r.problem(path, found, _message(term, variant))


def _report(r, path, text, line, terms, literal=False):
    for term in terms:
        for start, variant in term.misuse(text):
            r.problem(path, (line or 1) + (text[:start].count("\n") if literal else 0), _message(term, variant))


def _message(term, variant):
    return (f"'{variant}' is not the project's Khmer for {term.en}: write {term.km} "
            f"(content/glossary.yaml)")


def check_all(r: Reader, root: Path, catalog: Path | None):
    """Search every Khmer text under `root` (and the Khmer catalog) for banned variants."""
    terms = read_glossary(r, root)
    if not terms:
        return
    for path in sorted(root.glob("*.yaml")) + sorted((root / "directory").glob("*.yaml")):
        if path.name == GLOSSARY:
            continue
        data, lines = _parse(r, path, path.read_text(encoding="utf-8"))
        check_yaml(r, path, data, lines, terms)
    for path in sorted((root / "guide").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---\n", 4)
        if not text.startswith("---\n") or end < 0:
            continue  # the article reader says what is wrong
        data, lines = _parse(r, path, text[4:end], line_offset=1)
        check_yaml(r, path, data, lines, terms)
        km = LANG_MARK.search(text, end)
        if km and km.group(1) == "km":
            after = LANG_MARK.search(text, km.end())
            body = text[km.end(): after.start() if after else len(text)]
            check_lines(r, path, body, text[: km.end()].count("\n") + 1, terms)
    if catalog is not None:
        check_catalog(r, Path(catalog), terms)


def _parse(r: Reader, path, text, line_offset=0):
    """Parse quietly: a file that does not parse is already reported by its own reader."""
    before = list(r.problems)
    data, lines = r.yaml(path, text, line_offset)
    r.problems[:] = before
    return data, lines
