"""How "reviewed" is stored, per language (content/FORMAT.md, "Review marks").

- A UI string (a gettext catalog): its translator comment `# draft: not yet reviewed by a native
  speaker` becomes `# reviewed: NAME, ORGANISATION, YYYY-MM-DD`.
- A content file (YAML, or a guide's front matter): `<lang>_reviewed: {by, date, texts}` lists the
  texts reviewed so far (their keys, as in the sheet); once every text of the file is, the list goes
  and the file's status becomes `reviewed` (`km_status`, a guide's `khmer_status`).

Plain Python, no Flask.
"""
from __future__ import annotations

DRAFT_COMMENT = "draft: not yet reviewed by a native speaker"
REVIEWED_PREFIX = "reviewed: "


def reviewable_languages(content_dir=None) -> tuple[str, ...]:
    """The languages a native speaker reviews (`review: true` in content/languages.yaml), those
    still being prepared too: their texts are reviewed before they go live. Read from the file,
    as the review tools read every content file (a reviewer's copy may be elsewhere)."""
    from pathlib import Path

    import yaml

    from ..paths import CONTENT_DIR
    path = Path(content_dir or CONTENT_DIR) / "languages.yaml"
    return tuple(row["code"] for row in yaml.safe_load(path.read_text(encoding="utf-8"))["languages"] if row["review"])


def status_key(lang: str, guide: bool) -> str:
    """The field that says a file's texts in `lang` are draft or reviewed."""
    return "khmer_status" if guide and lang == "km" else f"{lang}_status"


def reviewed_key(lang: str) -> str:
    return f"{lang}_reviewed"


def catalog_comment(by: str, on) -> str:
    return f"{REVIEWED_PREFIX}{by}, {on.isoformat()}"


def catalog_reviewed(comments) -> bool:
    return any(c.startswith(REVIEWED_PREFIX) for c in comments)


def file_reviewed(data, lang: str, guide: bool) -> tuple[bool, set[str]]:
    """(the whole file is reviewed in `lang`, the paths of the texts reviewed so far)."""
    if not isinstance(data, dict):
        return False, set()
    mark = data.get(reviewed_key(lang)) or {}
    return data.get(status_key(lang, guide)) == "reviewed", set(mark.get("texts") or ())
