"""`flask content export` and `flask content import`: valid HSDS out, what would change shown,
nothing written without --apply, invalid input refused naming file, row, field and reason."""
import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hsds_schemas import EXAMPLES, problems, strict_file
from server.cli import content as content_cli
from server.exchange import TABLES, TYPES
from server.exchange.tables import profile_tables
from cli_fixtures import copy, run  # noqa: F401  (fixtures: a content copy, the content CLI)

ROOT = Path(__file__).resolve().parent.parent
PROFILE = "http://127.0.0.1:8000/api/v1/profile/"   # what the test app's API root names
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def fingerprint(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def read_table(path):
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def write_table(path, header, rows, bom=False, line_end="\n"):
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=line_end).writerows([header] + rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))


def check_with_the_hsds_ci_tools(out, services, tmp_path):
    """check-jsonschema against the profile's compiled package schemas, made strict by
    compiletojsonschema, as the HSDS specification's CI validates its examples; a copy with a
    field the profile does not define is refused by the same run, and only it."""
    broken = json.loads(json.dumps(services))
    broken[0]["phones"][0]["x_whatsapp"] = "1"
    (tmp_path / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    for files, schema, code in (([out / "services.json", tmp_path / "broken.json"], "compiled/service_package.json", 1),
                                ([out / "organizations.json"], "compiled/organization_package.json", 0)):
        done = subprocess.run([CHECK_JSONSCHEMA, "--schemafile", strict_file(schema, tmp_path), *files],
                              capture_output=True, text=True)
        assert done.returncode == code, (files, done.stdout[-2000:], done.stderr[-2000:])
        if code:
            assert "broken.json" in done.stdout and "services.json" not in done.stdout, done.stdout[-2000:]
            assert "'x_whatsapp' was unexpected" in done.stdout


def test_json_export_is_valid_hsds_and_imports_as_no_change(run, copy, tmp_path, app):
    model = app.extensions["content"]
    output = run("export", "--format", "hsds-json", tmp_path / "out", "--dir", copy)
    assert f"{len(model.services)} services" in output
    services = json.loads((tmp_path / "out" / "services.json").read_text(encoding="utf-8"))
    organizations = json.loads((tmp_path / "out" / "organizations.json").read_text(encoding="utf-8"))
    terms = json.loads((tmp_path / "out" / "taxonomy_terms.json").read_text(encoding="utf-8"))
    taxonomies = json.loads((tmp_path / "out" / "taxonomies.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in services] == [s.id for s in model.services]
    for record, schema in [(s, "service.json") for s in services] + [(o, "organization.json") for o in organizations] \
            + [(t, "taxonomy_term.json") for t in terms] + [(t, "taxonomy.json") for t in taxonomies]:
        assert problems(record, schema) == [], record["id"]
    assert json.loads((tmp_path / "out" / "hsds.json").read_text()) == {"version": "3.1", "profile": PROFILE}
    check_with_the_hsds_ci_tools(tmp_path / "out", services, tmp_path)
    khmer = {s.id: s.name.km for s in model.services}
    assert all(s["x_km_name"] == khmer[s["id"]] for s in services)
    before = fingerprint(copy)
    assert run("import", tmp_path / "out", "--dir", copy).strip() == "Nothing would change."
    assert run("import", tmp_path / "out", "--dir", copy, "--apply").strip() == "Nothing would change."
    assert fingerprint(copy) == before


def test_csv_package_passes_frictionless_and_imports_as_no_change(run, copy, tmp_path):
    from frictionless import validate
    run("export", "--format", "hsds-csv", tmp_path / "pkg", "--dir", copy)
    report = validate(str(tmp_path / "pkg" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["hsds_profile"] == PROFILE and package["version"] == "3.1"
    # Strict for the tables too: every column is a field the profile defines for that table, of
    # the tabular type the profile gives it (HSDS's datapackage_type, else its JSON type).
    described = profile_tables()
    columns = 0
    for resource in package["resources"]:
        fields = described[resource["name"]]["properties"]
        assert resource["path"] == described[resource["name"]]["path"]
        for field in resource["schema"]["fields"]:
            spec = fields[field["name"]]
            expected = spec.get("datapackage_type") or (spec["type"] if spec["type"] in ("boolean", "number") else "string")
            assert (field["type"], field["description"]) == (expected, spec["description"]), field["name"]
            columns += 1
    assert columns == sum(map(len, TABLES.values())) and set(TYPES) <= {c for cs in TABLES.values() for c in cs}
    csvs = sorted((tmp_path / "pkg").glob("*.csv"))
    assert len(csvs) == 14 and all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in csvs)
    assert run("import", tmp_path / "pkg", "--dir", copy).strip() == "Nothing would change."
    assert run("import", tmp_path / "pkg" / "datapackage.json", "--dir", copy).strip() == "Nothing would change."


def test_a_service_abroad_and_its_thai_numbers_travel_through_the_csv_package(run, copy, tmp_path, app):
    """A phone's country is HSDS's international number plus x_country (HSDS 3.1's phone has no
    country field); the service's country is its service_area. Both come back on import."""
    from server.content import load
    pkg = tmp_path / "pkg"
    run("export", "--format", "hsds-csv", pkg, "--dir", copy)
    header, rows = read_table(pkg / "phones.csv")
    thai = {r[header.index("number")]: r[header.index("x_country")] for r in rows if r[header.index("x_country")] != "KH"}
    assert thai == {"+66 2 957 5851": "TH", "+66 2 957 5852": "TH", "+66 53 282 504": "TH", "1300": "TH",
                    "+84 981 848 484": "VN", "+84 965 411 118": "VN"}  # Viet Nam citizen protection
    header, rows = read_table(pkg / "service_areas.csv")
    assert {(r[header.index("name")], r[header.index("x_km_name")]) for r in rows if r[header.index("x_country")]} == {
        ("Thailand", "ថៃ")}
    (copy / "directory" / "cambodian-embassy-bangkok.yaml").unlink()
    assert "region: 'TH'" in run("import", pkg, "--dir", copy)
    run("import", pkg, "--dir", copy, "--apply")
    embassy = next(s for s in load(copy).services if s.name.en == "Cambodian embassy in Bangkok")
    assert embassy.country == "TH" and [(p.number, p.tel, p.region) for p in embassy.phones] == [
        ("+66 2 957 5851", "+6629575851", "TH"), ("+66 2 957 5852", "+6629575852", "TH")]


def test_no_doubtful_number_and_no_maintainer_note_in_any_export(run, copy, tmp_path, app):
    model = app.extensions["content"]
    doubtful = [p for s in model.services for p in s.phones if p.confidence == "doubtful"]
    assert doubtful
    out = tmp_path / "exports"
    run("export", "--format", "hsds-json", out / "j", "--dir", copy)
    run("export", "--format", "hsds-csv", out / "c", "--dir", copy)
    everything = "".join(p.read_text(encoding="utf-8-sig") for p in sorted(out.rglob("*.*")))
    notes = re.findall(r'maintainer_note: "([^"]{20,})', "".join(
        p.read_text(encoding="utf-8") for p in (copy / "directory").glob("*.yaml")))
    assert notes and not any(note[:40] in everything for note in notes)
    for phone in doubtful:
        assert phone.id not in everything and phone.number not in everything


def test_a_spreadsheet_saved_csv_imports_showing_each_change_and_applies_only_with_apply(run, copy, tmp_path, app):
    """As Excel or LibreOffice write it back: no BOM, CRLF, quoted newlines, columns reordered,
    an extra empty column."""
    model = app.extensions["content"]
    pkg = tmp_path / "pkg"
    run("export", "--format", "hsds-csv", pkg, "--dir", copy)
    header, rows = read_table(pkg / "services.csv")
    service = model.service(rows[0][0])
    rows[0][header.index("x_km_summary")] += "\nបន្ទាត់ទីពីរ"
    rows[0][header.index("name")] = "Renamed in a spreadsheet"
    order = list(reversed(range(len(header))))
    write_table(pkg / "services.csv", [header[i] for i in order] + [""],
                [[r[i] for i in order] + [""] for r in rows], line_end="\r\n")
    header, rows = read_table(pkg / "schedules.csv")
    for row in rows:   # how LibreOffice writes times back in an English locale
        for column in ("opens_at", "closes_at"):
            hh, mm, ss = map(int, row[header.index(column)].split(":"))
            row[header.index(column)] = f"{(hh % 12) or 12}:{mm:02d}:{ss:02d} {'AM' if hh < 12 else 'PM'}"
    write_table(pkg / "schedules.csv", header, rows)
    header, rows = read_table(pkg / "phones.csv")
    removed = rows.pop(0)
    write_table(pkg / "phones.csv", header, rows, bom=True)
    before = fingerprint(copy)
    shown = run("import", pkg, "--dir", copy)
    assert f"service changed: {service.id} 'Renamed in a spreadsheet'" in shown
    assert f"name.en: {service.name.en!r} -> 'Renamed in a spreadsheet'" in shown
    assert "summary.km:" in shown and "\\nបន្ទាត់ទីពីរ" in shown
    assert f"phone removed: {removed[0]}" in shown and "0 added, 1 changed, 1 removed" in shown
    assert fingerprint(copy) == before
    run("import", pkg, "--dir", copy, "--apply")
    changed = (copy / "directory" / f"{model.organization(service.organization_id).slug}.yaml").read_text(encoding="utf-8")
    assert 'en: "Renamed in a spreadsheet"' in changed and "បន្ទាត់ទីពីរ" in changed
    assert removed[0] not in "".join(p.read_text(encoding="utf-8") for p in (copy / "directory").glob("*.yaml"))
    assert run("import", pkg, "--dir", copy).strip() == "Nothing would change."


def rename_through_the_csv_package(run, copy, tmp_path, service_id, name):
    """A maintainer exports the CSV package, changes one service's English name, and imports it."""
    pkg = tmp_path / "pkg"
    run("export", "--format", "hsds-csv", pkg, "--dir", copy)
    header, rows = read_table(pkg / "services.csv")
    next(r for r in rows if r[0] == service_id)[header.index("name")] = name
    write_table(pkg / "services.csv", header, rows)
    run("import", pkg, "--dir", copy, "--apply")


def test_applying_keeps_comments_notes_and_doubtful_numbers(run, copy, tmp_path, app):
    model = app.extensions["content"]
    service = next(s for s in model.services if any(p.confidence == "doubtful" for p in s.phones))
    path = copy / "directory" / f"{model.organization(service.organization_id).slug}.yaml"
    original = path.read_text(encoding="utf-8")
    comments = [line for line in original.splitlines() if line.strip().startswith("#")]
    rename_through_the_csv_package(run, copy, tmp_path, service.id, service.name.en + " (edited)")
    edited = path.read_text(encoding="utf-8")
    assert [line for line in edited.splitlines() if line.strip().startswith("#")] == comments
    assert edited.count("maintainer_note") == original.count("maintainer_note") > 0
    for phone in service.phones:
        assert phone.id in edited
    changed = [(a, b) for a, b in zip(original.splitlines(), edited.splitlines()) if a != b]
    assert len(original.splitlines()) == len(edited.splitlines()) and len(changed) == 1


def test_applying_keeps_a_texts_other_languages(run, copy, tmp_path, app):
    """The exchange files carry Khmer and English: a changed English name keeps its Vietnamese."""
    model = app.extensions["content"]
    service = model.services[0]
    path = copy / "directory" / f"{model.organization(service.organization_id).slug}.yaml"
    text = path.read_text(encoding="utf-8")
    named = f'en: "{service.name.en}"'
    assert named in text
    path.write_text("vi_status: draft\n" + text.replace(named, named + f'\n      vi: "{service.name.en} (vi)"', 1), encoding="utf-8")
    before = path.read_text(encoding="utf-8").count("vi: ")
    rename_through_the_csv_package(run, copy, tmp_path, service.id, service.name.en + " (edited)")
    edited = path.read_text(encoding="utf-8")
    assert f'en: "{service.name.en} (edited)"' in edited and f'vi: "{service.name.en} (vi)"' in edited
    assert edited.count("vi: ") == before == 1


@pytest.mark.parametrize("table, column, value, says", [
    ("phones", "id", "not-a-uuid", "phones.csv: row 2: id: 'not-a-uuid' is not a UUID"),
    ("services", "status", "open", "services.csv: row 3: status: 'open' is not one of active, inactive, defunct, temporarily closed"),
    ("phones", "x_sms", "maybe", "phones.csv: row 2: x_sms: 'maybe' is not true or false"),
    ("services", "assured_date", "22/11/2026", "services.csv: row 3: assured_date: '22/11/2026' is not a date (YYYY-MM-DD)"),
    ("services", "name", "", "services.csv: row 3: name: is required"),
    ("schedules", "opens_at", "8am", "schedules.csv: row 2"),
])
def test_invalid_input_is_refused_naming_file_row_field_reason_and_changes_nothing(run, copy, tmp_path, table, column, value, says):
    pkg = tmp_path / "pkg"
    run("export", "--format", "hsds-csv", pkg, "--dir", copy)
    header, rows = read_table(pkg / f"{table}.csv")
    target = rows[1] if table == "services" else rows[0]
    target[header.index(column)] = value
    if column == "name":
        target[header.index("x_km_name")] = ""
    write_table(pkg / f"{table}.csv", header, rows)
    before = fingerprint(copy)
    output = run("import", pkg, "--dir", copy, "--apply", code=1)
    assert says in output and "nothing was changed" in output
    assert fingerprint(copy) == before


def test_an_unknown_column_and_broken_json_are_refused(run, copy, tmp_path):
    pkg = tmp_path / "pkg"
    run("export", "--format", "hsds-csv", pkg, "--dir", copy)
    header, rows = read_table(pkg / "phones.csv")
    write_table(pkg / "phones.csv", header + ["notes"], [r + ["x"] for r in rows])
    assert "phones.csv: row 1: notes: unknown column" in run("import", pkg, "--dir", copy, code=1)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "x",}]', encoding="utf-8")
    assert "broken.json: line 1 column 13: -: not JSON" in run("import", broken, "--dir", copy, code=1)


def test_the_official_hsds_example_service_imports_and_cannot_be_applied_without_mittas_facts(run, copy):
    before = fingerprint(copy)
    shown = run("import", EXAMPLES / "service_full.json", "--dir", copy)
    assert "organization added: d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610 'Example Organization Inc.'" in shown
    assert "service added: ac148810-d857-441c-9679-408f346de14b 'Community Counselling'" in shown
    assert "phone added: 1554f2e2-a373-45db-a3fa-9fc48a61c15e" in shown
    assert "is not a province of Cambodia" in shown and "name.km: None is not of type 'string'" in shown
    refused = run("import", EXAMPLES / "service_full.json", "--dir", copy, "--apply", code=1)
    assert "Nothing was changed." in refused
    assert fingerprint(copy) == before


def test_an_id_the_content_check_refuses_is_refused_by_the_import_naming_file_row_and_reason(run, copy, tmp_path):
    odd = "3f2b6c1e-8d4a-0b7e-7c1f-2a5d8e7b6c40"   # shaped like a UUID, but of no version or variant
    pkg = tmp_path / "pkg"
    run("export", "--format", "hsds-csv", pkg, "--dir", copy)
    header, rows = read_table(pkg / "phones.csv")
    phone_id = rows[0][header.index("id")]
    # the content check refuses it in a file...
    checked = tmp_path / "checked"
    shutil.copytree(copy, checked)
    [path] = [p for p in (checked / "directory").glob("*.yaml") if phone_id in p.read_text(encoding="utf-8")]
    path.write_text(path.read_text(encoding="utf-8").replace(phone_id, odd), encoding="utf-8")
    assert f"'{odd}' is not a UUID" in run("check", "--dir", checked, code=1)
    # ...so the import refuses it in its row, at once (not as content/'s problem after the diff)
    rows[0][header.index("id")] = odd
    write_table(pkg / "phones.csv", header, rows)
    before = fingerprint(copy)
    refused = run("import", pkg, "--dir", copy, code=1)
    assert f"phones.csv: row 2: id: '{odd}' is not a UUID" in refused and "nothing was changed" in refused
    assert fingerprint(copy) == before


def test_chats_travel_as_hsds_urls_and_come_back_on_import(run, copy, tmp_path):
    """A service's channels are HSDS url objects (additional_urls, url.csv) with the profile's
    x_channel_* fields; a package without them removes them, one with them puts them back."""
    pkg = tmp_path / "pkg"
    run("export", "--format", "hsds-csv", pkg, "--dir", copy)
    rows = (pkg / "url.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("id,service_id,label,url,x_channel_kind,x_channel_address,x_confidence")
    assert any(",Telegram,https://t.me/chc1280,telegram,t.me/chc1280,confirmed" in r for r in rows)
    (pkg / "url.csv").write_text(rows[0] + "\r\n", encoding="utf-8-sig")
    said = run("import", pkg, "--dir", copy)
    assert "channels: [{'kind': 'messenger', 'address': 'm.me/chc1280', 'confidence': 'confirmed'}" in said
    assert "] -> []" in said and "0 added, 1 changed, 0 removed" in said
