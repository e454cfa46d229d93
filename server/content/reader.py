"""Reading content files: each value keeps its line, and every problem names file, line and reason.

Every problem names the file, the line and what is wrong, so that someone who keeps the data in a
text editor can fix it without reading code.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from . import model as m
from .rules import UUID_PATTERN, not_a_uuid

SCHEMAS = Path(__file__).with_name("schemas")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self):
        return f"{self.file}:{self.line or 1}: {self.message}"


class ContentError(Exception):
    def __init__(self, problems):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0))
        super().__init__("\n".join(str(p) for p in self.problems))


class _Loader(yaml.SafeLoader):
    """Dates stay strings, so an impossible one is reported with its line instead of crashing."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _schema_registry():
    from referencing import Registry, Resource
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(
            schema, default_specification=__import__("referencing.jsonschema").jsonschema.DRAFT202012)))
    return Registry().with_resources(resources)


class Reader:
    """Reads files, remembering each value's line, and collects problems as it goes."""

    def __init__(self, root: Path, today: dt.date):
        self.root = root
        self.today = today
        self.problems: list[Problem] = []
        self.registry = _schema_registry()
        self.hash = hashlib.sha256()
        # (path, text, line offset) -> (data, lines) of a text that parsed: the glossary check
        # reads every file the other readers have read, and parsing is most of a load's time.
        self._parsed = {}

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def problem(self, path, line, message):
        self.problems.append(Problem(self.name(path) if isinstance(path, Path) else path, line, message))

    def text(self, path: Path):
        raw = path.read_bytes()
        self.hash.update(self.name(path).encode() + b"\0" + raw + b"\0")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            self.problem(path, line, "not UTF-8 text")
            return None

    def yaml(self, path: Path, text: str, line_offset: int = 0):
        """(data, lines) where lines maps a path tuple to its line number."""
        key = (str(path), text, line_offset)
        if key in self._parsed:
            return self._parsed[key]
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
            line = mark.line + 1 + line_offset if mark else None
            problem = getattr(e, "problem", None) or str(e)
            self.problem(path, line, f"malformed YAML: {problem}")
            return None, {}
        finally:
            loader.dispose()
        lines = {}

        def walk(n, at):
            lines[at] = n.start_mark.line + 1 + line_offset
            if isinstance(n, yaml.MappingNode):
                for key, value in n.value:
                    lines[at + (key.value,)] = key.start_mark.line + 1 + line_offset
                    walk(value, at + (key.value,))
                    lines[at + (key.value,)] = key.start_mark.line + 1 + line_offset
            elif isinstance(n, yaml.SequenceNode):
                for i, item in enumerate(n.value):
                    walk(item, at + (i,))

        if node is not None:
            walk(node, ())
        self._parsed[key] = (data, lines)
        return data, lines

    def read(self, path: Path, schema: str):
        """(data, lines) of a YAML file that meets `schema`; (None, lines) after a problem."""
        if not path.is_file():
            self.problem(path, None, "file is missing")
            return None, {}
        text = self.text(path)
        if text is None:
            return None, {}
        data, lines = self.yaml(path, text)
        if data is None and not any(p.file == self.name(path) for p in self.problems):
            self.problem(path, 1, "the file is empty")
        if data is not None and not self.check_schema(path, data, lines, schema):
            return None, lines
        if isinstance(data, dict):
            self.check_statuses(path, data, lines)
        return data, lines

    def check_statuses(self, path, data, lines):
        """A file with texts in a language beyond the two every file carries says whether they
        are a draft (`vi_status: draft`): pages show the "not yet reviewed" line from it."""
        wanted = {}

        def walk(node, at):
            if isinstance(node, dict):
                if "km" in node and "en" in node:
                    for lang in node.keys() & set(m.Text.__dataclass_fields__) - {"km", "en"}:
                        wanted.setdefault(lang, at + (lang,))
                for key, value in node.items():
                    walk(value, at + (key,))
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    walk(value, at + (i,))
        walk(data, ())
        for lang, at in sorted(wanted.items()):
            if f"{lang}_status" not in data:
                self.problem(path, line_of(lines, at), f"{dotted(at)}: a text in '{lang}' needs "
                             f"'{lang}_status: draft' (or reviewed) at the top of the file")

    def check_schema(self, path, data, lines, schema_id) -> bool:
        schema = self.registry.contents(schema_id)
        validator = jsonschema.Draft202012Validator(
            schema, registry=self.registry, format_checker=jsonschema.FormatChecker())
        ok = True
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            ok = False
            at = tuple(error.absolute_path)
            self.problem(path, line_of(lines, at), f"{dotted(at)}: {explain(error)}")
        return ok


def line_of(lines, at):
    while at not in lines and at:
        at = at[:-1]
    return lines.get(at)


def dotted(at):
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def explain(error) -> str:
    """jsonschema's messages, said the way a content editor needs them."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing in ("km", "en"):
            return f"the {'Khmer' if missing == 'km' else 'English'} text ({missing}) is missing"
        return f"'{missing}' is required"
    if error.validator == "pattern" and path and path[-1] == "km":
        return "the Khmer text (km) has no Khmer script in it"
    if error.validator == "pattern" and error.validator_value == UUID_PATTERN:
        return not_a_uuid(error.instance)
    if error.validator == "format" and error.validator_value == "date":
        return f"{error.instance!r} is not a real date (YYYY-MM-DD)"
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field")
    if error.validator in ("oneOf", "anyOf") and path and path[-1] == "checked_on":
        return f"{error.instance!r} is not a real date (YYYY-MM-DD)"
    return error.message


def repeated(spellings) -> list[int]:
    """Where a spelling is listed again in another case or spacing: a slip, and it only grows the
    index every phone downloads."""
    seen, again = set(), []
    for j, spelling in enumerate(spellings):
        key = " ".join(spelling.casefold().split())
        if key in seen:
            again.append(j)
        seen.add(key)
    return again


def text_of(d):
    return m.Text(km=d["km"].strip(), en=d["en"].strip(), vi=(d.get("vi") or "").strip() or None) if d else None
