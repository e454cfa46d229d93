"""The gettext catalogs: complete in Khmer and in step with the templates."""
import subprocess
import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "server" / "translations"
DRAFT = "draft: not yet reviewed by a native speaker"
# Every language of the table, the ones still being prepared too: a catalog is written before its
# language goes live.
LANGUAGES = [row["code"] for row in yaml.safe_load((ROOT / "content" / "languages.yaml").read_text("utf-8"))["languages"]]


def catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def test_every_message_has_a_khmer_translation():
    km = catalog("km")
    untranslated = [m.id for m in km if m.id and not m.string]
    fuzzy = [m.id for m in km if m.id and m.fuzzy]
    assert not untranslated, f"missing Khmer: {untranslated}"
    assert not fuzzy, f"fuzzy (not compiled, so shown in English): {fuzzy}"


def test_catalogs_are_in_step_with_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "--no-location", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with open(pot, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    for locale in LANGUAGES:
        ids = {m.id for m in catalog(locale) if m.id}
        assert ids == extracted, (
            f"{locale} catalog out of date: run `make extract`; "
            f"new: {sorted(extracted - ids)[:5]}, gone: {sorted(ids - extracted)[:5]}")


def test_draft_khmer_is_flagged_with_the_documented_comment():
    km = catalog("km")
    flags = {c for m in km if m.id for c in m.user_comments if c.startswith("draft")}
    assert flags <= {DRAFT}, f"use exactly '# {DRAFT}' so reviewers can find them: {flags}"


def test_every_language_beyond_the_first_two_is_complete_and_all_draft():
    """A language we write ourselves (Vietnamese) is translated in full, plurals included, and every
    string says it is a draft until a native speaker reviews it."""
    for locale in LANGUAGES[2:]:
        c = catalog(locale)
        untranslated = [m.id for m in c if m.id and (not m.string or not all(m.string if isinstance(m.string, tuple) else [m.string]))]
        fuzzy = [m.id for m in c if m.id and m.fuzzy]
        assert not untranslated and not fuzzy, (locale, untranslated[:5], fuzzy[:5])
        plurals = [m for m in c if m.id and isinstance(m.id, tuple)]
        assert plurals and all(len(m.string) == c.num_plurals for m in plurals), locale
        undrafted = [m.id for m in c if m.id and DRAFT not in m.user_comments]
        assert not undrafted, f"{locale}: mark every string '# {DRAFT}' until it is reviewed: {undrafted[:5]}"
