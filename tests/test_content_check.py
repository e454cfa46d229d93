"""`flask content check`, start-up and broken directory files: every problem names file, line and
reason, and the app refuses to start rather than serve part of the content."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from server.cli import content as content_cli
from server.content import ContentError, load
from test_guide_content import BREAKS, PEP, break_article, line_of

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
POLICE = "directory/emergency-services.yaml"
EMBASSY = "directory/cambodian-embassy-bangkok.yaml"


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def break_file(root, name, old, new):
    """Replace the first `old` with `new`; return the 1-based line of the change."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def problems(root):
    with pytest.raises(ContentError) as caught:
        load(root)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_content_is_valid():
    model = load(CONTENT)
    assert len(model.provinces) == 25
    assert len(model.needs) == 14
    assert {"117", "118", "119", "1280", "1288", "023 997 919", "1281"} <= {
        p.number for s in model.services for p in s.phones}
    # Thailand's (content-review.md §3): a Thai short code and a Thai number, dialled as there.
    assert {(p.number, p.tel, p.region) for s in model.services if s.country == "TH" for p in s.phones} == {
        ("1300", "1300", "TH"), ("+66 2 957 5851", "+6629575851", "TH"), ("+66 2 957 5852", "+6629575852", "TH"),
        ("+66 53 282 504", "+6653282504", "TH")}


def test_cli_check_passes_on_the_shipped_content(runner):
    result = runner.invoke(content_cli, ["check", "--dir", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert "content OK" in result.stdout


def service_id_line(root, name):
    text = (root / name).read_text(encoding="utf-8")
    return text.split("services:", 1)[1].split("id:", 1)[1].split("\n", 1)[0].strip().strip('"')


# case: (text in the police file, what replaces it, lines below the change the problem is on
# (None: any line), what the message says)
BROKEN = {
    "dangling": ("    categories: [emergency]",
                 "    categories: [emergency]\n    locations: [0b9a4a52-1d3c-4c8e-9e55-3c1f7b2a9d10]",
                 1, "no location with id 0b9a4a52"),
    "khmer": ('      km: "ប៉ូលិស"\n', "", None, "Khmer text (km) is missing"),
    "phone": ('number: "117"', 'number: "12345"', 0, "'12345' is not a valid Cambodian phone number"),
    "date": ("checked_on: 2026-11-22", "checked_on: 2026-02-30", 0, "'2026-02-30' is not a real date"),
    "yaml": ("services:\n", "services:\n  - id: [unclosed\n", None, "malformed YAML"),
    "category": ("categories: [emergency]", "categories: [emergncy]", 0, "unknown category 'emergncy'"),
    # issue 11: every phone says how sure we are; status is HSDS's list; an alert ends.
    "confidence": ("        confidence: confirmed\n", "", -2, "'confidence' is required"),
    "confidence value": ("confidence: confirmed", "confidence: sure", 0, "'sure' is not one of"),
    "status": ("    emergency_rank: 8", "    status: closed\n    emergency_rank: 8", 0, "'closed' is not one of"),
    "alert": ("    emergency_rank: 8", '    alert:\n      text: {km: "ប្ដូរលេខ", en: "Number changed"}\n    emergency_rank: 8',
              0, "'until' is required"),
    "alert dates": ("    emergency_rank: 8", '    alert:\n      text: {km: "ប្ដូរលេខ", en: "Number changed"}\n'
                    "      from: 2027-02-01\n      until: 2027-01-31\n    emergency_rank: 8", 2,
                    "2027-02-01 is after until (2027-01-31)"),
    "confirmed unchecked": ('      checked_on: 2026-11-22\n      checked_by: "Desk fact check of public sources"\n',
                            "", None, "services[0].phones[0].confidence: a confirmed number needs the service's provenance.checked_on"),
    # A number of another country names it (region:), and is checked as that country's.
    "region missing": ("        region: TH\n", "", -1, "'+66 2 957 5851' is not a valid Cambodian phone number: "
                       "it is a number in TH; say so with region: TH", EMBASSY),
    "region wrong": ('number: "+66 2 957 5851"', 'number: "012 345 678"', 0,
                     "'012 345 678' is not a valid phone number or known short code in TH", EMBASSY),
    "region unknown": ("region: TH", "region: XX", 0, "'XX' is not a country code", EMBASSY),
    "country": ("area: {country: TH}", "area: {country: KH}", 0, "'KH' is Cambodia: say national, or list the provinces", EMBASSY),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_file_is_named_with_its_line(content_copy, case):
    old, new, below, message, *named = BROKEN[case]
    name = named[0] if named else POLICE
    line = break_file(content_copy, name, old, new)
    where = f"content/{name}:" + ("" if below is None else f"{line + below}:")
    found = problems(content_copy)
    assert any(p.startswith(where) and message in p for p in found), found


def neighbours_file(root, neighbours, source="a test map"):
    """provinces.yaml with exactly these neighbours (every other province none); its text."""
    path = root / "provinces.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("neighbours_source", None)
    if source:
        data["neighbours_source"] = source
    for p in data["provinces"]:
        p["neighbours"] = list(neighbours.get(p["slug"], []))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize("neighbours,source,bad,message", [
    ({"pursat": ["battambang", "atlantis"], "battambang": ["pursat"]}, "map", "- atlantis", "'atlantis' is not a province"),
    ({"pursat": ["pursat"]}, "map", "- pursat", "'pursat' lists itself as a neighbour"),
    ({"pursat": ["battambang"]}, "map", "- battambang", "'pursat' lists 'battambang' but 'battambang' does not list 'pursat'"),
    ({"pursat": ["battambang"], "battambang": ["pursat"]}, None, None, "'neighbours_source' is required"),
])
def test_neighbours_are_provinces_never_itself_and_both_ways(content_copy, neighbours, source, bad, message):
    text = neighbours_file(content_copy, neighbours, source)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.strip() == bad) if bad else 1
    found = problems(content_copy)
    assert any(p.startswith(f"content/provinces.yaml:{line}:") and message in p for p in found), found


def test_symmetric_neighbours_load_in_their_order(content_copy):
    neighbours_file(content_copy, {"pursat": ["kampong-speu", "battambang"], "battambang": ["pursat"],
                                   "kampong-speu": ["pursat"]})
    assert load(content_copy).province("pursat").neighbours == ("kampong-speu", "battambang")


def test_the_check_lists_doubtful_numbers_for_maintainers(content_copy):
    # A number no guide gives (a guide's own numbers must be ones users may see: see below).
    break_file(content_copy, "directory/anti-trafficking-police.yaml", 'number: "023 997 919"\n        confidence: confirmed',
               'number: "023 997 919"\n        confidence: doubtful')
    result = subprocess.run([str(Path(sys.executable).with_name("flask")), "content", "check", "--dir", str(content_copy)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("doubtful number(s)", 1)[1]
    assert "023 997 919  anti-trafficking-police:" in listed


def test_a_guide_gives_only_numbers_users_may_see(content_copy):
    """A number made doubtful in the directory would otherwise still be on the guide pages."""
    break_file(content_copy, POLICE, 'number: "117"\n        confidence: confirmed', 'number: "117"\n        confidence: doubtful')
    line = next(i for i, l in enumerate((content_copy / "guide/emergency.md").read_text(encoding="utf-8").splitlines(), 1)
                if "**១១៧**" in l)
    assert f"content/guide/emergency.md:{line}: ១១៧ is a doubtful number in the directory" in "\n".join(problems(content_copy))


def test_a_bad_uuid_is_named_with_its_line(content_copy):
    line = break_file(content_copy, POLICE, service_id_line(content_copy, POLICE), "not-a-uuid")
    found = problems(content_copy)
    assert any(p.startswith(f"content/{POLICE}:{line}:") and "not a UUID" in p for p in found), found


def test_duplicate_ids_are_caught(content_copy):
    uid = service_id_line(content_copy, POLICE)
    other = "directory/bar-association.yaml"
    theirs = service_id_line(content_copy, other)
    break_file(content_copy, other, theirs, uid)
    assert any("is already used in" in p and "bar-association.yaml" in p for p in problems(content_copy))


def test_a_future_check_date_is_refused(content_copy):
    break_file(content_copy, POLICE, "checked_on: 2026-11-22", "checked_on: 2099-01-01")
    assert any("is in the future" in p for p in problems(content_copy))


def break_directory(root):
    line = break_file(root, POLICE, 'number: "117"', 'number: "12345"')
    return f"{POLICE}:{line}:", "12345"


def break_thai_number(root):
    line = break_file(root, EMBASSY, "        region: TH\n", "")
    return f"{EMBASSY}:{line - 1}:", "'+66 2 957 5851' is not a valid Cambodian phone number: it is a number in TH"


def break_guide(case):
    def breaks(root):
        how, where, words = BREAKS[case]
        return f"guide/{PEP}:{line_of(break_article(root, how), where)}:", words
    return breaks


@pytest.mark.parametrize("breaks", [break_directory, break_thai_number] + [break_guide(case) for case in (
    "missing Khmer body", "missing sources list", "unknown category")],
    ids=["directory phone", "Thai number without region", "article without Khmer", "article without sources",
         "article category"])
def test_the_real_server_refuses_to_start_and_says_where(content_copy, breaks):
    where, words = breaks(content_copy)
    env = dict(os.environ, MITTA_CONTENT_DIR=str(content_copy), PORT="1", HOST="127.0.0.1")
    result = subprocess.run([sys.executable, "-m", "server.serve"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"content/{where}" in result.stderr and words in result.stderr, result.stderr
    assert "serving on" not in result.stdout.lower()


def test_cli_check_names_file_line_and_reason(content_copy, runner):
    line = break_file(content_copy, POLICE, "checked_on: 2026-11-22", "checked_on: 2026-13-01")
    result = runner.invoke(content_cli, ["check", "--dir", str(content_copy)])
    assert result.exit_code == 1
    assert f"{POLICE}:{line}: services[0].provenance.checked_on: '2026-13-01' is not a real date" in result.stderr
    assert "nothing was published" in result.stderr


@pytest.mark.parametrize("new,message", [
    ("spellings: [sraom anamai, Sraom  Anamai]", "categories[5].spellings[1]: 'Sraom  Anamai' is listed twice"),
    ('spellings: [sraom anamai, ""]', "categories[5].spellings[1]: '' is too short"),
    ('spellings: [sraom anamai, "  "]', "categories[5].spellings[1]: '  ' does not match"),
    ("spellings: sraom anamai", "categories[5].spellings: 'sraom anamai' is not of type 'array'"),
])
def test_a_bad_spelling_of_a_need_is_named_with_its_line(content_copy, new, message):
    old = "spellings: [sraom anamai,"
    text = (content_copy / "categories.yaml").read_text(encoding="utf-8")
    end = text.index("]", text.index(old)) + 1
    line = break_file(content_copy, "categories.yaml", text[text.index(old):end], new)
    found = problems(content_copy)
    assert any(p.startswith(f"content/categories.yaml:{line}:") and message in p for p in found), found


@pytest.mark.parametrize("new,message", [
    ("spellings: [polis, nokorbal, Nokorbal]", "services[0].spellings[2]: 'Nokorbal' is listed twice"),
    ('spellings: [polis, "p"]', "services[0].spellings[1]: 'p' is too short"),
    ("spellings: polis", "services[0].spellings: 'polis' is not of type 'array'"),
])
def test_a_bad_spelling_of_a_service_is_named_with_its_line(content_copy, new, message):
    line = break_file(content_copy, POLICE, "spellings: [polis, nokorbal]", new)
    found = problems(content_copy)
    assert any(p.startswith(f"content/{POLICE}:{line}:") and message in p for p in found), found


def khmer_line(root, name, needle):
    return next(i for i, l in enumerate((root / name).read_text(encoding="utf-8").splitlines(), 1) if needle in l)


@pytest.mark.parametrize("name,old,new,variant", [
    # a guide's Khmer body, a directory entry's `km` text, a category's name
    ("guide/using-mitta-safely.md", "«មិត្ត» មានរចនាប័ទ្មងងឹត", "«មិត្ត» មានផ្ទៃងងឹត", "ផ្ទៃងងឹត"),
    ("directory/cwcc.yaml", "ជម្រកបណ្តោះអាសន្ន", "កន្លែងស្នាក់នៅបណ្តោះអាសន្ន", "កន្លែងស្នាក់នៅបណ្តោះអាសន្ន"),
    ("categories.yaml", 'name: {km: "ជម្រក"', 'name: {km: "ជំរក"', "ជំរក"),
    ("guide/emergency.md", "ការប្រើ«មិត្ត»ដោយសុវត្ថិភាព", "ការប្រើ Mitta ដោយសុវត្ថិភាព", "Mitta"),
], ids=["guide body", "directory km", "category name", "Latin app name"])
def test_a_banned_khmer_variant_is_refused_with_its_file_and_line(content_copy, name, old, new, variant):
    line = break_file(content_copy, name, old, new)
    assert khmer_line(content_copy, name, new) == line
    found = problems(content_copy)
    assert any(p.startswith(f"content/{name}:{line}: '{variant}' is not the project's Khmer for") for p in found), found


def test_the_glossary_holds_the_ui_catalog_too(content_copy, tmp_path):
    catalog = tmp_path / "messages.po"
    text = (ROOT / "server/translations/km/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgstr "រចនាប័ទ្មងងឹត"', 'msgstr "ផ្ទៃងងឹត"', 1), encoding="utf-8")
    line = khmer_line(tmp_path, "messages.po", 'msgstr "ផ្ទៃងងឹត"')
    with pytest.raises(ContentError) as caught:
        load(content_copy, catalog=catalog)
    assert [str(p) for p in caught.value.problems] == [
        f"messages.po:{line}: 'ផ្ទៃងងឹត' is not the project's Khmer for dark theme: write រចនាប័ទ្មងងឹត (content/glossary.yaml)"]


def test_the_app_name_may_stand_alone_and_a_friend_is_a_friend(content_copy):
    """Bare មិត្ត is the word 'friend': in a sentence it is refused; the header (the name alone) and
    មិត្តភក្តិ ('friend') are not."""
    load(content_copy)  # the shipped guides say មិត្តភក្តិ and មិត្តអប់រំមិត្ត
    line = break_file(content_copy, "guide/using-mitta-safely.md", "«មិត្ត» មានរចនាប័ទ្មងងឹត", "មិត្តមានរចនាប័ទ្មងងឹត")
    assert any(p.startswith(f"content/guide/using-mitta-safely.md:{line}: 'មិត្ត' is not") for p in problems(content_copy))


def test_the_cli_and_the_server_refuse_a_banned_variant(content_copy, runner):
    line = break_file(content_copy, "guide/using-mitta-safely.md", "«មិត្ត» មានរចនាប័ទ្មងងឹត", "«មិត្ត» មានផ្ទៃងងឹត")
    result = runner.invoke(content_cli, ["check", "--dir", str(content_copy)])
    assert result.exit_code == 1
    assert f"guide/using-mitta-safely.md:{line}: 'ផ្ទៃងងឹត' is not the project's Khmer for dark theme" in result.stderr
    with pytest.raises(ContentError):
        from conftest import make_app
        make_app({"CONTENT_DIR": str(content_copy)})
