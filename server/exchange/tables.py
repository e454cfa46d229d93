"""The files we exchange: HSDS's tables and their columns, our records written as JSON files or as
the tabular CSV package, and either of them (or any HSDS JSON) read back into nested records.

Reading checks only what a file is (UTF-8, JSON, known columns); what a record says is read in
records.py. Every problem names the file, the row or record, the field and the reason.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .. import hsds, hsds_profile

# The tabular package: one CSV per HSDS table, columns in this order, with their Table Schema types.
TABLES = {
    "organizations": ["id", "name", "x_km_name", "description", "x_km_description", "website", "x_scope"],
    "services": ["id", "organization_id", "name", "x_km_name", "description", "x_km_description",
                 "x_summary", "x_km_summary", "fees_description", "x_km_fees_description",
                 "eligibility_description", "x_km_eligibility_description", "x_safety_note",
                 "x_km_safety_note", "status", "alert", "x_km_alert", "x_alert_from", "x_alert_until",
                 "x_free", "x_source", "assured_date", "x_checked_by", "last_modified"],
    "phones": ["id", "service_id", "number", "type", "description", "x_km_description", "x_available",
               "x_km_available", "x_sms", "x_country", "x_confidence", "x_source"],
    # HSDS's url table (url.csv): a service's chats, its additional_urls
    "url": ["id", "service_id", "label", "url", "x_channel_kind", "x_channel_address", "x_confidence",
            "x_source", "x_available", "x_km_available"],
    "schedules": ["id", "service_id", "freq", "byday", "opens_at", "closes_at", "timezone"],
    "service_areas": ["id", "service_id", "name", "x_km_name", "x_province", "x_country"],
    "locations": ["id", "location_type", "organization_id", "name", "x_km_name", "latitude", "longitude",
                  "x_province"],
    "addresses": ["id", "location_id", "address_1", "x_km_address_1", "city", "state_province",
                  "x_km_state_province", "postal_code", "country", "address_type"],
    "service_at_location": ["id", "service_id", "location_id"],
    "languages": ["id", "service_id", "code", "name"],
    "required_documents": ["id", "service_id", "document", "x_km_document"],
    "attributes": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"],
    "taxonomies": ["id", "name", "description", "version"],
    "taxonomy_terms": ["id", "code", "name", "x_km_name", "description", "x_km_description", "taxonomy_id",
                       "taxonomy", "language"],
}
TYPES = {"latitude": "number", "longitude": "number", "timezone": "number", "x_free": "boolean",
         "x_sms": "boolean", "assured_date": "date", "x_alert_from": "date", "x_alert_until": "date",
         "last_modified": "datetime", "opens_at": "time", "closes_at": "time"}
# HSDS names this table's file service_at_location.csv; Mitta's packages before the profile named it
# service_at_locations.csv, which is still read.
EARLIER_NAMES = {"service_at_location": "service_at_locations"}
# A service's nested lists, and the table each comes from.
SERVICE_LISTS = {"phones": "phones", "additional_urls": "url", "schedules": "schedules", "service_areas": "service_areas",
                 "languages": "languages", "required_documents": "required_documents",
                 "attributes": "attributes"}


class InputError(Exception):
    """Input refused: each problem names the file, the row or record, the field and the reason."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


def problem(file, where, field_name, reason):
    return f"{file}: {where}: {field_name}: {reason}"


# ---------------------------------------------------------------- writing

def export_records(model):
    """Everything we exchange: bilingual HSDS records (English fields, Khmer in x_km_ twins)."""
    return {
        "organizations": [hsds.organization(model, o, "en", True, full=False) | {
            "locations": [hsds.location(model, model.location(i), "en", True) for i in o.location_ids]}
            for o in model.organizations],
        "services": [hsds.service(model, s, "en", True) for s in model.services],
        "taxonomies": [hsds.taxonomy()],
        "taxonomy_terms": [hsds.taxonomy_term(c, "en", True) for c in model.categories],
    }


# The JSON export's own first file: what the API's root says, the HSDS version and profile.
ABOUT = "hsds.json"


def about(profile: str) -> dict:
    return {"version": hsds.VERSION, "profile": profile}


def write_json(model, folder: Path, profile: str):
    """Our records as JSON files, and ABOUT naming the HSDS profile they validate against."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ABOUT).write_text(json.dumps(about(profile), indent=1) + "\n", encoding="utf-8")
    written = [folder / ABOUT]
    for name, records in export_records(model).items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def tables_of(records):
    """The nested records flattened into HSDS's tables (rows as dicts)."""
    rows = {name: [] for name in TABLES}
    for org in records["organizations"]:
        rows["organizations"].append(org)
        for loc in org.get("locations", []):
            rows["locations"].append(loc)
            rows["addresses"].extend(loc.get("addresses", []))
    for s in records["services"]:
        rows["services"].append(s)
        for key, table in SERVICE_LISTS.items():
            rows[table].extend(s.get(key, []))
        rows["service_at_location"].extend(s.get("service_at_locations", []))
    rows["taxonomies"] = records["taxonomies"]
    rows["taxonomy_terms"] = records["taxonomy_terms"]
    return rows


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def profile_tables() -> dict[str, dict]:
    """Each table's object schema in the HSDS profile, by table name (its CSV file, as HSDS's
    schemas name it: service.json is services.csv)."""
    return {s["path"].removesuffix(".csv"): s for s in hsds_profile.schemas().values()}


def _field(column, spec):
    # A column the profile does not define is written all the same (the strict test of the
    # package names it), without a description.
    field = {"name": column, "type": TYPES.get(column, "string")}
    if spec and spec.get("description"):
        field["description"] = spec["description"]
    return field


def write_csv(model, folder: Path, profile: str):
    """The HSDS tabular data package: UTF-8 with a BOM (so Excel shows Khmer) and datapackage.json,
    which names the HSDS profile and describes each column as the profile does."""
    folder.mkdir(parents=True, exist_ok=True)
    resources, written = [], []
    described = profile_tables()
    for name, rows in tables_of(export_records(model)).items():
        columns = TABLES[name]
        path = folder / f"{name}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in columns])
        written.append(path)
        resources.append({
            "name": name, "path": path.name, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig",
            "schema": {"fields": [_field(c, described.get(name, {}).get("properties", {}).get(c)) for c in columns],
                       "primaryKey": ["id"]}})
    # `profile` is Frictionless's own (what kind of package); the HSDS profile has its own key.
    package = {"name": "mitta-hsds", "title": "Mitta referral directory (Open Referral HSDS 3.1)",
               "profile": "tabular-data-package", "version": hsds.VERSION, "hsds_profile": profile,
               "licenses": [{"name": "CC-BY-SA-4.0", "title": "HSDS: Open Referral, CC BY-SA 4.0; data: see x_source"}],
               "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    return written + [folder / "datapackage.json"]


# ---------------------------------------------------------------- reading

def read_input(path: Path):
    """(organizations, services, taxonomy_terms) as nested HSDS records, from a JSON file, a folder
    of our JSON export, or a CSV package (folder, or its datapackage.json)."""
    path = Path(path)
    if path.is_file() and path.name == "datapackage.json":
        path = path.parent
    if path.is_dir() and any(path.glob("*.csv")):
        return read_csv_package(path)
    if path.is_dir():
        found = {}
        for name in ("organizations", "services", "taxonomy_terms"):
            file = path / f"{name}.json"
            found[name] = _json_list(file) if file.is_file() else []
        if not found["services"] and not found["organizations"]:
            raise InputError([problem(path, "folder", "-", "no services.json, organizations.json or CSV files in it")])
        return found["organizations"], found["services"], found["taxonomy_terms"]
    if not path.is_file():
        raise InputError([problem(path, "file", "-", "not found")])
    return [], _json_list(path), []


def _json_list(file: Path):
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError([problem(file.name, "file", "-", "not UTF-8 text")])
    except json.JSONDecodeError as e:
        raise InputError([problem(file.name, f"line {e.lineno} column {e.colno}", "-", f"not JSON: {e.msg}")])
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]      # an HSDS API page
    if isinstance(data, dict):
        data = [data]                # one record
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError([problem(file.name, "file", "-", "expected a record, a list of records or an HSDS page")])
    for i, record in enumerate(data):
        record["_where"] = (file.name, f"record {i + 1} (id {record.get('id', '?')})")
    return data


def read_csv_package(folder: Path):
    problems = []
    tables = {}
    for name, columns in TABLES.items():
        file = folder / f"{name}.csv"
        if not file.is_file() and name in EARLIER_NAMES:
            file = folder / f"{EARLIER_NAMES[name]}.csv"
        if not file.is_file():
            tables[name] = []
            continue
        raw = file.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[:e.start].count(b"\n") + 1
            problems.append(problem(file.name, f"line {line}", "-", "not UTF-8 text (save as CSV UTF-8)"))
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        keep = []
        for i, column in enumerate(header):
            column = column.strip()
            if not column:
                keep.append(None)          # a spreadsheet's stray empty column
            elif column not in columns:
                problems.append(problem(file.name, "row 1", column, f"unknown column (known: {', '.join(columns)})"))
                keep.append(None)
            else:
                keep.append(column)
        rows = []
        for n, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue                  # blank rows spreadsheets leave at the end
            row = {}
            for i, cell in enumerate(cells):
                column = keep[i] if i < len(keep) else None
                if column is None:
                    if cell.strip() and (i >= len(header) or header[i].strip() == ""):
                        problems.append(problem(file.name, f"row {n}", f"column {i + 1}", "a value in a column with no name"))
                    continue
                if cell != "":
                    row[column] = cell
            row["_where"] = (file.name, f"row {n}")
            rows.append(row)
        tables[name] = rows
    if problems:
        raise InputError(problems)
    return _nest(tables)


def _nest(tables):
    """HSDS's tables back into nested records, joined on their ids."""
    def by(table, key):
        grouped = {}
        for row in tables[table]:
            grouped.setdefault(row.get(key), []).append(row)
        return grouped

    addresses = by("addresses", "location_id")
    locations = {}
    for loc in tables["locations"]:
        loc["addresses"] = addresses.get(loc.get("id"), [])
        locations[loc.get("id")] = loc
    orgs = []
    locations_of = by("locations", "organization_id")
    for org in tables["organizations"]:
        org["locations"] = locations_of.get(org.get("id"), [])
        orgs.append(org)
    terms = {t.get("id"): t for t in tables["taxonomy_terms"]}
    lists = {key: by(table, "link_id" if table == "attributes" else "service_id")
             for key, table in SERVICE_LISTS.items()}
    sals = by("service_at_location", "service_id")
    services = []
    for s in tables["services"]:
        for key in SERVICE_LISTS:
            s[key] = lists[key].get(s.get("id"), [])
        for attribute in s["attributes"]:
            if attribute.get("taxonomy_term_id") in terms:
                attribute["taxonomy_term"] = terms[attribute["taxonomy_term_id"]]
        s["service_at_locations"] = [dict(sal, location=locations[sal.get("location_id")])
                                     if sal.get("location_id") in locations else sal
                                     for sal in sals.get(s.get("id"), [])]
        services.append(s)
    return orgs, services, tables["taxonomy_terms"]

