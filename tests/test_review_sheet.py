"""The review sheet for native speakers: exported, filled in with openpyxl as a reviewer would, and
imported into a copy of content/ and of the catalogs: the diff, the refusals (a stale row, a dropped
placeholder, a glossary variant, a file that is not the sheet) with nothing written, and the
applied change with "Reviewed by" on the guide's page."""
import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape
from openpyxl import load_workbook

from conftest import TODAY, make_app
from server.cli import content as content_cli
from server.review.sheet import HEADERS

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "/km/guide/condoms/"
BY = "Sokha Chan, Women's Network for Unity"
DRAFT_LINE = "A native speaker is checking it"


def copies(target):
    shutil.copytree(ROOT / "content", target / "content")
    (target / "translations").mkdir()
    for lang in ("km", "en"):
        shutil.copytree(ROOT / "server" / "translations" / lang, target / "translations" / lang,
                        ignore=shutil.ignore_patterns("*.mo"))
    return target / "content", target / "translations"


def run(args, code=0):
    result = CliRunner().invoke(content_cli, [str(a) for a in args], env={"MITTA_CLOCK": TODAY.isoformat()})
    assert result.exit_code == code, result.output
    return result.output


def fingerprint(*folders):
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One sheet of every Khmer draft text, exported from a pristine copy."""
    base = tmp_path_factory.mktemp("export")
    content, translations = copies(base)
    sheet = base / "review-km.xlsx"
    out = run(["review", "export", "--lang", "km", "--dir", content, "--translations", translations, sheet])
    assert "to review in km" in out
    return sheet


@pytest.fixture
def workspace(tmp_path, exported):
    """A fresh copy of content/ and the catalogs, and a copy of the sheet to fill in."""
    content, translations = copies(tmp_path)
    sheet = tmp_path / "filled.xlsx"
    shutil.copy(exported, sheet)
    return content, translations, sheet


def rows(sheet):
    book = load_workbook(sheet)
    return book, book["Review"]


def find(ws, where=None, english=None, file=None):
    for row in ws.iter_rows(min_row=2):
        if row[6].value and (where is None or row[0].value == where) and (english is None or row[1].value == english) \
                and (file is None or file in row[6].value):
            return row
    raise AssertionError(f"no row for {where} {english} {file}")


def in_draft(check_output):
    return int(re.search(r"in draft in km: (\d+) text", check_output).group(1))


def import_(content, translations, sheet, *extra, code=0):
    return run(["review", "import", sheet, "--by", BY, "--dir", content, "--translations", translations, *extra], code=code)


def test_the_sheet_opens_as_a_reviewer_needs_it(exported):
    book, ws = rows(exported)
    assert tuple(c.value for c in ws[1]) == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["G"].hidden
    assert not book.vba_archive
    about = find(ws, english="About")
    assert about[0].value == "/km/" and about[2].value == "អំពីយើង" and about[3].value is None
    assert about[2].font.name == "Khmer UI" and about[2].alignment.wrap_text
    assert any("E" in str(v.sqref) and "ok" in v.formula1 and "unsure" in v.formula1 for v in ws.data_validations.dataValidation)
    # Grouped by page: each page's rows come together, under one page row.
    seen, last = set(), None
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[6] and row[0] != last:
            assert row[0] not in seen, f"{row[0]} is in two places"
            seen.add(row[0])
            last = row[0]
    # Every paragraph of the guide is a row of its page, beside its English.
    guide = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == GUIDE and "body." in (r[6] or "")]
    assert len(guide) == 20
    assert guide[0][2].startswith("**ប្រើស្រោមអនាម័យ") and guide[0][1].startswith("**Use a condom")


def test_a_review_imported_stale_row_refused_then_applied(workspace):
    content, translations, sheet = workspace
    book, ws = rows(sheet)
    for row in ws.iter_rows(min_row=2):
        if row[0].value == GUIDE:
            row[4].value = "ok"
    paragraph = find(ws, where=GUIDE, file="body.3")
    new_text = "យើងមិនទាន់ដឹងថា អ្នកណាចែកស្រោមអនាម័យនៅពោធិ៍សាត់ ឬក្រចេះនៅពេលនេះទេ។ សូមសួរនៅមណ្ឌលសុខភាព។"
    paragraph[3].value, paragraph[4].value, paragraph[5].value = new_text, "changed", "shorter"
    unsure = find(ws, english="Back to the listing")
    unsure[4].value, unsure[5].value = "unsure", "listing or service?"
    stale = find(ws, file="directory/khana.yaml", english="HIV work with sex workers through partner organisations.")
    stale[4].value = "ok"
    stale_number = stale[0].row
    book.save(sheet)
    # Meanwhile a maintainer rewrites that English text.
    khana = content / "directory" / "khana.yaml"
    khana.write_text(khana.read_text(encoding="utf-8").replace(
        "HIV work with sex workers through partner organisations.", "HIV work with sex workers, through partners."),
        encoding="utf-8")
    before = fingerprint(content, translations)

    out = import_(content, translations, sheet, "--apply", code=1)
    assert f"row {stale_number} (/km/service/" in out and "English changed since the export" in out
    assert "nothing was written" in out
    assert fingerprint(content, translations) == before

    book, ws = rows(sheet)
    ws.delete_rows(stale_number)
    book.save(sheet)
    out = import_(content, translations, sheet)
    assert "+++ b/content/guide/condoms.md" in out and f"+{new_text}" in out
    assert "-khmer_status: draft" in out and "+khmer_status: reviewed" in out
    assert "1 left in draft as unsure: row" in out
    assert "Nothing written" in out and fingerprint(content, translations) == before

    drafts = in_draft(run(["check", "--dir", content, "--translations", translations]))
    out = import_(content, translations, sheet, "--apply")
    reviewed = int(re.search(r"(\d+) marked reviewed", out).group(1))
    assert reviewed == sum(1 for r in rows(sheet)[1].iter_rows(min_row=2, values_only=True) if r[0] == GUIDE and r[6])
    assert in_draft(run(["check", "--dir", content, "--translations", translations])) == drafts - reviewed
    guide = (content / "guide" / "condoms.md").read_text(encoding="utf-8")
    assert new_text in guide and "khmer_status: reviewed" in guide
    assert f'km_reviewed: {{by: "{BY}", date: 2026-12-01}}' in guide or f'by: "{BY}"' in guide
    catalog = (translations / "km" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    back = catalog.split('msgid "Back to the listing"')[0].rsplit("\n\n", 1)[1]
    assert "draft: not yet reviewed" in back, "an unsure text stays a draft"

    app = make_app({"CONTENT_DIR": str(content)})
    page = app.test_client().get(GUIDE).get_data(as_text=True)
    assert new_text in page
    assert f"<span lang=\"en\">{escape(BY)}</span>" in page and "បានពិនិត្យដោយ" in page
    assert DRAFT_LINE not in page and "class=\"guide-draft\"" not in page
    other = app.test_client().get("/km/guide/prep/").get_data(as_text=True)
    assert 'class="guide-draft"' in other and str(escape(BY)) not in other


def test_a_ui_string_changed_marks_it_reviewed_with_a_minimal_diff(workspace):
    content, translations, sheet = workspace
    book, ws = rows(sheet)
    row = find(ws, english="About")
    row[3].value, row[4].value = "អំពីកម្មវិធី", "changed"
    for other in ws.iter_rows(min_row=2):
        if other[6].value and "directory/iom.yaml" in other[6].value:
            other[4].value = "ok"
    book.save(sheet)
    out = import_(content, translations, sheet, "--apply")
    catalog = out[out.index("+++ b/translations/km/"):]
    diff = [line for line in catalog.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["-# draft: not yet reviewed by a native speaker", f"+# reviewed: {BY}, 2026-12-01",
                    '-msgstr "អំពីយើង"', '+msgstr "អំពីកម្មវិធី"']
    # Every text of the organisation's file reviewed as it is: its service pages say who reviewed them.
    assert re.search(r"^-km_status: draft  +#.*\n\+km_status: reviewed +#.*\n\+km_reviewed:", out, re.M), out[:400]
    app = make_app({"CONTENT_DIR": str(content)})
    service = next(s for s in app.extensions["content"].services if app.extensions["content"].organization(s.organization_id).slug == "iom")
    page = app.test_client().get(f"/km/service/{service.id}/").get_data(as_text=True)
    assert 'class="reviewed-by"' in page and str(escape(BY)) in page
    assert str(escape(BY)) not in app.test_client().get(f"/en/service/{service.id}/").get_data(as_text=True)


def refused(content, translations, sheet, reason):
    before = fingerprint(content, translations)
    out = import_(content, translations, sheet, "--apply", code=1)
    assert reason in out and ("Nothing was written" in out or "nothing was written" in out)
    assert fingerprint(content, translations) == before
    return out


def test_a_dropped_placeholder_is_refused(workspace):
    content, translations, sheet = workspace
    book, ws = rows(sheet)
    row = find(ws, english="%(num)d place")
    row[3].value, row[4].value = "កន្លែង", "changed"
    book.save(sheet)
    out = refused(content, translations, sheet, f"row {row[0].row} (/km/): the reviewed text must keep the placeholders")
    assert "%(num)d" in out


def test_a_banned_glossary_variant_is_refused(workspace):
    import yaml
    content, translations, sheet = workspace
    term = next(t for t in yaml.safe_load((content / "glossary.yaml").read_text(encoding="utf-8"))["terms"]
                if t["banned"] and not t.get("allowed"))
    book, ws = rows(sheet)
    row = find(ws, where=GUIDE, file="body.5")
    row[3].value, row[4].value = f"សូមប្រើ {term['banned'][0]} ។", "changed"
    book.save(sheet)
    refused(content, translations, sheet, f"row {row[0].row} ({GUIDE}): '{term['banned'][0]}' is not the project's Khmer")


def test_a_file_that_is_not_a_zip_is_refused(workspace):
    content, translations, sheet = workspace
    sheet.write_text("Where,English\n", encoding="utf-8")
    refused(content, translations, sheet, "not a spreadsheet")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(workspace):
    content, translations, sheet = workspace
    with zipfile.ZipFile(sheet, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (8 * 1024 * 1024) + b"</a>")
    refused(content, translations, sheet, "zip bomb")


def test_xml_with_an_entity_is_refused(workspace):
    content, translations, sheet = workspace
    with zipfile.ZipFile(sheet) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    name = "xl/worksheets/sheet1.xml"
    root = parts[name].index(b"<worksheet")
    parts[name] = (parts[name][:root] + b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                   + parts[name][root:].replace(b"<v>", b"<v>&b;", 1))
    with zipfile.ZipFile(sheet, "w", zipfile.ZIP_DEFLATED) as z:
        for filename, data in parts.items():
            z.writestr(filename, data)
    refused(content, translations, sheet, "DTD or entities")


def test_where_links_to_the_public_site_when_it_is_given(tmp_path):
    from server.review import sheet, texts
    item = texts.Item("content/guide/condoms.md", "body.0", GUIDE, "Use a condom.", "ប្រើស្រោមអនាម័យ។", False, "km")
    path = tmp_path / "linked.xlsx"
    sheet.write(path, [item], "km", site="https://mitta.example.org")
    _, ws = rows(path)
    assert ws["A2"].hyperlink.target == "https://mitta.example.org/km/guide/condoms/"
    assert [r.where for r in sheet.read(path)] == ["https://mitta.example.org/km/guide/condoms/"]


def test_exporting_is_no_visit_and_leaves_the_access_log_on(tmp_path, exported):
    """The pages the export renders to place each string are not visits (no access line), and a
    request served after an export still writes its line: the export changes no process state."""
    import logging

    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    access = logging.getLogger("mitta.access")
    keep = Keep()
    access.addHandler(keep)
    try:
        content, translations = copies(tmp_path)
        run(["review", "export", "--lang", "km", "--dir", content, "--translations", translations, tmp_path / "s.xlsx"])
        assert lines == []
        make_app().test_client().get("/en/about/")
        assert len(lines) == 1 and lines[0].startswith("GET /en/about/ 200"), lines
    finally:
        access.removeHandler(keep)
