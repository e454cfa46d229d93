"""Writing organisation files back: the one content writer, for the importer (server/exchange/) and
the call sheet's `flask content checked` (server/calls.py).

A file is edited in place with ruamel.yaml's round-trip mode, so comments, key order, quoting and
the fields an edit does not touch stay as they were. Nothing reaches content/ unless the result
loads: the edited files are written into one copy of content/, that copy is loaded like the app
would load it, and only then are the edited files copied over the real ones.
"""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .loader import ContentError, load


def yaml():
    """ruamel in round-trip mode, set to write the way content/ is written."""
    from ruamel.yaml import YAML
    y = YAML()  # round-trip: comments, order and quoting of untouched values are kept
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    return y


def quoted(value):
    """Strings double-quoted, as content/ writes them: PyYAML would read an unquoted 10:00 as a
    number (YAML 1.1), and a number like 117 must stay text."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    if isinstance(value, str):
        return DoubleQuotedScalarString(value)
    if isinstance(value, list):
        return [quoted(v) for v in value]
    if isinstance(value, dict):
        return {k: quoted(v) for k, v in value.items()}
    return value


def file_of(content_dir, slug) -> Path:
    return Path(content_dir) / "directory" / f"{slug}.yaml"


def load_yaml(content_dir, slug):
    """An organisation file as ruamel's round-trip data, ready to edit."""
    return yaml().load(file_of(content_dir, slug).read_text(encoding="utf-8"))


class Trial:
    """content/ with the edited files in it, loaded once: `problems` ([] when it loads) and
    `write()`, which copies the edited files over the real ones."""

    def __init__(self, content_dir: Path, trial_dir: Path, slugs, error: ContentError | None):
        self.content_dir, self.trial_dir, self.slugs, self.error = content_dir, trial_dir, list(slugs), error

    @property
    def problems(self) -> list[str]:
        """The problems, named as in content/ (not in the temporary copy)."""
        if self.error is None:
            return []
        return [str(p).replace(str(self.trial_dir.parent) + "/", "") for p in self.error.problems]

    def write(self) -> list[Path]:
        if self.error is not None:
            raise self.error
        written = []
        for slug in self.slugs:
            shutil.copyfile(file_of(self.trial_dir, slug), file_of(self.content_dir, slug))
            written.append(file_of(self.content_dir, slug))
        return written


@contextmanager
def trial(content_dir, docs, icons_dir=None):
    """A Trial of writing organisation files ({slug: data}): one copy of content/, one load."""
    content_dir = Path(content_dir)
    y = yaml()
    with tempfile.TemporaryDirectory() as tmp:
        trial_dir = Path(tmp) / "content"
        shutil.copytree(content_dir, trial_dir)
        for slug, data in docs.items():
            with open(file_of(trial_dir, slug), "w", encoding="utf-8") as out:
                y.dump(data, out)
        try:
            load(trial_dir, icons_dir=icons_dir)
            error = None
        except ContentError as e:
            error = e
        yield Trial(content_dir, trial_dir, docs, error)


def write_checked(content_dir, docs, icons_dir=None) -> list[Path]:
    """Write organisation files ({slug: data}) only if content/ then loads (ContentError: nothing
    written)."""
    with trial(content_dir, docs, icons_dir) as t:
        return t.write()
