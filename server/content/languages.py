"""The table of languages (content/languages.yaml): the one place a language is named.

Routes, the language switch, Accept-Language, manifests, the offline pack, the HSDS API, the static
export and the statistics take their languages from `Content.languages`, so a language is added by
a row and a catalog, not by code. No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .reader import Reader, line_of


@dataclass(frozen=True)
class Language:
    code: str
    name: str                      # in itself: what the switch shows
    html_lang: str
    required: bool                 # content files must carry it
    fallback: tuple[str, ...]      # content languages shown, in order, where a text lacks this one
    script: str                    # ISO 15924
    font: bool                     # its pages need Mitta's font
    review: bool                   # a native speaker reviews our texts in it (server/review/)
    status: str                    # live | preparing

    @property
    def live(self) -> bool:
        return self.status == "live"


@dataclass(frozen=True)
class Languages:
    """Every language in the table, in the order they are offered; `codes` are the live ones
    (routed, offered, packed), the first of them the language of any doubt."""
    all: tuple[Language, ...]

    @property
    def live(self) -> tuple[Language, ...]:
        return tuple(lang for lang in self.all if lang.live)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.live)

    @property
    def default(self) -> str:
        return self.codes[0]

    def __getitem__(self, code) -> Language:
        return next(lang for lang in self.all if lang.code == code)

    def __contains__(self, code) -> bool:
        return code in self.codes

    def __iter__(self):
        return iter(self.live)

    def __len__(self):
        return len(self.live)

    def names(self) -> dict[str, str]:
        return {lang.code: lang.name for lang in self.live}

    def others(self, code) -> tuple[str, ...]:
        return tuple(c for c in self.codes if c != code)


def read_languages(r: Reader, root: Path, catalogs: list[Path] | None = None) -> Languages | None:
    """The table, checked: codes unique, fallbacks known, the first row live and required, and a
    live language other than the first has its catalog (when `catalogs` is given)."""
    path = root / "languages.yaml"
    data, lines = r.read(path, "languages.json")
    if data is None:
        return None
    rows = data["languages"]
    codes = [row["code"] for row in rows]
    ok = True
    for i, row in enumerate(rows):
        if codes.index(row["code"]) != i:
            r.problem(path, line_of(lines, ("languages", i, "code")), f"languages[{i}].code: '{row['code']}' is listed twice")
            ok = False
        for j, f in enumerate(row["fallback"]):
            if f not in codes or f == row["code"]:
                r.problem(path, line_of(lines, ("languages", i, "fallback", j)),
                          f"languages[{i}].fallback[{j}]: '{f}' is not another language of this table")
                ok = False
        if row["status"] == "live" and catalogs is not None \
                and not any((d / row["code"] / "LC_MESSAGES" / "messages.mo").is_file() for d in catalogs):
            r.problem(path, line_of(lines, ("languages", i, "status")),
                      f"languages[{i}] ({row['code']}): live, but it has no compiled catalog "
                      f"(server/translations/{row['code']}/LC_MESSAGES/messages.mo: `make translations`)")
            ok = False
    if not (rows[0]["status"] == "live" and rows[0]["required"]):
        r.problem(path, line_of(lines, ("languages", 0)),
                  "languages[0]: the first language is the one of any doubt; it must be live and required")
        ok = False
    if not ok:
        return None
    return Languages(tuple(Language(row["code"], row["name"], row["html_lang"], row["required"], tuple(row["fallback"]),
                                    row["script"], row["font"], row["review"], row["status"]) for row in rows))


def table_codes(content_dir, live_only=True) -> tuple[str, ...]:
    """The codes of content/languages.yaml read plainly, for tools that run without an app
    (tests' parameters, the bench scripts): the app itself takes them from its checked model."""
    import yaml
    rows = yaml.safe_load((Path(content_dir) / "languages.yaml").read_text(encoding="utf-8"))["languages"]
    return tuple(row["code"] for row in rows if row["status"] == "live" or not live_only)
