"""The README and docs/ lead somewhere: every relative link points at a file that exists (and at a
heading it has, when it names one), every project path they name in `code` exists, and every
`module.name` or `Class.name` of server/ they name is defined there. A newcomer who follows them
must never land on nothing; a file or function renamed without its docs fails here."""
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\n]+)`")
# The folders a path in `code` is read from; `build/`, `instance/` and `.venv/` are made by commands.
PROJECT = ("server/", "static/", "service_worker/", "tests/", "scripts/", "deploy/", "content/")
PLACEHOLDER = re.compile(r"[<>*…{}]")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"`|\*\*", "", heading.strip().lower())
    text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {slug(m) for m in re.findall(r"^#+ (.*)$", text, re.M)}


def links(path: Path):
    """Relative link targets, outside code (an example of a link in `code` is not one)."""
    text = CODE.sub("", re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S))
    for target in LINK.findall(text):
        if not re.match(r"[a-z]+:", target):
            yield target


def named_paths(path: Path):
    for code in CODE.findall(path.read_text(encoding="utf-8")):
        for word in code.split():
            word = word.strip(".,;:()'\"")
            if word.startswith(PROJECT) and not PLACEHOLDER.search(word):
                yield word


SOURCES = sorted((ROOT / "server").glob("*.py")) + sorted((ROOT / "server" / "content").glob("*.py"))
SUFFIXES = {"py", "js", "css", "html", "json", "md", "yaml", "txt"}  # a file's name, not a member
DOTTED = re.compile(r"^([A-Za-z_]\w*)\.([A-Za-z_]\w*)(?:\(.*\))?$")


def owners() -> dict[str, list[Path]]:
    """What a dotted name's first part may be: a module of server/ (by its file name) or a class
    defined in one."""
    found: dict[str, list[Path]] = {}
    for source in SOURCES:
        found.setdefault(source.stem, []).append(source)
        for name in re.findall(r"^class (\w+)", source.read_text(encoding="utf-8"), re.M):
            found.setdefault(name, []).append(source)
    return found


def defines(source: Path, name: str) -> bool:
    text = source.read_text(encoding="utf-8")
    return bool(re.search(rf"^\s*(def|class) {name}\b|^\s*{name}\s*[:=]", text, re.M))


def test_docs_exist_and_the_readme_links_each():
    readme = set(links(ROOT / "README.md"))
    missing = [p.name for p in DOCS[1:] if f"docs/{p.name}" not in readme]
    assert len(DOCS) > 1 and not missing, missing


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(doc):
    broken = []
    for target in links(doc):
        file, _, anchor = target.partition("#")
        found = (doc.parent / file).resolve() if file else doc
        if not found.exists():
            broken.append(target)
        elif anchor and found.suffix == ".md" and anchor not in anchors(found):
            broken.append(target)
    assert not broken, broken


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_project_path_named_exists(doc):
    missing = sorted({p for p in named_paths(doc) if not (ROOT / p).exists()})
    assert not missing, missing


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_server_name_named_is_defined(doc):
    known = owners()
    undefined = []
    for code in CODE.findall(doc.read_text(encoding="utf-8")):
        match = DOTTED.match(code)
        if match and match[2] not in SUFFIXES and match[1] in known and not any(defines(s, match[2]) for s in known[match[1]]):
            undefined.append(code)
    assert not undefined, undefined
