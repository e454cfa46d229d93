"""Exchanging the directory with partners as HSDS 3.1: export (JSON or the tabular CSV package) and
import (what would change, field by field; written into content/ only with --apply).

Both directions meet in one plain form, `Exchange`: organisations, services, phones and locations
keyed by id, with content/'s own field names. What we hold now is `from_records(export(model))`,
so exporting and importing our own export changes nothing by construction, and a doubtful number
(never exported) can neither be shown nor removed by an import. An import is authoritative for the
organisations it contains: one of their services, locations or numbers that it lacks is removed;
organisations it does not mention are left alone.

Writing back: the organisation files are edited in place with ruamel.yaml's round-trip mode, so
comments, key order and untouched fields (maintainer notes, emergency ranks, doubtful numbers)
stay as they were; a new organisation gets a new file. The result is loaded and checked like any
content before anything is written, so an import can never leave content/ invalid.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import hsds
from .content import ContentError, load
from .content.model import HOME_REGION

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# hh:mm[:ss], and what spreadsheets turn it into: 7:30, 12:00:00 AM, 11:59:59 PM
TIME = re.compile(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?\s*([AaPp][Mm])?$")


def _time(value):
    """An HSDS time as hh:mm:ss, or None when it is not a time."""
    match = TIME.match(value or "")
    if not match:
        return None
    hour, minute, second, half = int(match[1]), match[2], match[3] or "00", (match[4] or "").upper()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "PM" else 0)
    return f"{hour:02d}:{minute}:{second}" if hour < 24 else None

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
    "schedules": ["id", "service_id", "freq", "byday", "opens_at", "closes_at", "timezone"],
    "service_areas": ["id", "service_id", "name", "x_km_name", "x_province", "x_country"],
    "locations": ["id", "location_type", "organization_id", "name", "x_km_name", "latitude", "longitude",
                  "x_province"],
    "addresses": ["id", "location_id", "address_1", "x_km_address_1", "city", "state_province",
                  "x_km_state_province", "postal_code", "country", "address_type"],
    "service_at_locations": ["id", "service_id", "location_id"],
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
# A service's nested lists, and the table each comes from.
SERVICE_LISTS = {"phones": "phones", "schedules": "schedules", "service_areas": "service_areas",
                 "languages": "languages", "required_documents": "required_documents",
                 "attributes": "attributes"}


class InputError(Exception):
    """Input refused: each problem names the file, the row or record, the field and the reason."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


# ---------------------------------------------------------------- export

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


def write_json(model, folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    written = []
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
        rows["service_at_locations"].extend(s.get("service_at_locations", []))
    rows["taxonomies"] = records["taxonomies"]
    rows["taxonomy_terms"] = records["taxonomy_terms"]
    return rows


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def write_csv(model, folder: Path):
    """The HSDS tabular data package: UTF-8 with a BOM (so Excel shows Khmer) and datapackage.json."""
    folder.mkdir(parents=True, exist_ok=True)
    resources, written = [], []
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
            "schema": {"fields": [{"name": c, "type": TYPES.get(c, "string")} for c in columns],
                       "primaryKey": ["id"]}})
    package = {"name": "mitta-hsds", "title": "Mitta referral directory (Open Referral HSDS 3.1)",
               "profile": "tabular-data-package", "version": hsds.VERSION,
               "licenses": [{"name": "CC-BY-SA-4.0", "title": "HSDS: Open Referral, CC BY-SA 4.0; data: see x_source"}],
               "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    return written + [folder / "datapackage.json"]


# ---------------------------------------------------------------- reading input

def _problem(file, where, field_name, reason):
    return f"{file}: {where}: {field_name}: {reason}"


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
            raise InputError([_problem(path, "folder", "-", "no services.json, organizations.json or CSV files in it")])
        return found["organizations"], found["services"], found["taxonomy_terms"]
    if not path.is_file():
        raise InputError([_problem(path, "file", "-", "not found")])
    return [], _json_list(path), []


def _json_list(file: Path):
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError([_problem(file.name, "file", "-", "not UTF-8 text")])
    except json.JSONDecodeError as e:
        raise InputError([_problem(file.name, f"line {e.lineno} column {e.colno}", "-", f"not JSON: {e.msg}")])
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]      # an HSDS API page
    if isinstance(data, dict):
        data = [data]                # one record
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError([_problem(file.name, "file", "-", "expected a record, a list of records or an HSDS page")])
    for i, record in enumerate(data):
        record["_where"] = (file.name, f"record {i + 1} (id {record.get('id', '?')})")
    return data


def read_csv_package(folder: Path):
    problems = []
    tables = {}
    for name, columns in TABLES.items():
        file = folder / f"{name}.csv"
        if not file.is_file():
            tables[name] = []
            continue
        raw = file.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[:e.start].count(b"\n") + 1
            problems.append(_problem(file.name, f"line {line}", "-", "not UTF-8 text (save as CSV UTF-8)"))
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        keep = []
        for i, column in enumerate(header):
            column = column.strip()
            if not column:
                keep.append(None)          # a spreadsheet's stray empty column
            elif column not in columns:
                problems.append(_problem(file.name, "row 1", column, f"unknown column (known: {', '.join(columns)})"))
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
                        problems.append(_problem(file.name, f"row {n}", f"column {i + 1}", "a value in a column with no name"))
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
    sals = by("service_at_locations", "service_id")
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


# ---------------------------------------------------------------- the plain form

@dataclass
class Exchange:
    organizations: dict = field(default_factory=dict)
    services: dict = field(default_factory=dict)
    phones: dict = field(default_factory=dict)
    locations: dict = field(default_factory=dict)
    # organisations the input lists as such (not only nested in a service): the input is the
    # whole truth about these, so what it lacks of theirs is removed
    complete: set = field(default_factory=set)
    # valid HSDS that Mitta cannot take as it is (no Khmer, a place outside Cambodia, ...):
    # shown with the changes; --apply refuses while any remain
    blockers: list = field(default_factory=list)


class _Record:
    """Reads one input record's fields, collecting problems that name where and what."""

    def __init__(self, record, problems, kind, blockers=None, parent=None):
        self.record, self.problems, self.blockers = record, problems, blockers
        inner = f"{kind} {record.get('id', '?')}"
        self.file, self.where = record.get("_where") or (
            (parent.file, f"{parent.where}, {inner}") if parent else (kind, inner))

    def child(self, record, kind):
        return _Record(record, self.problems, kind, self.blockers, self)

    def fail(self, name, reason):
        self.problems.append(_problem(self.file, self.where, name, reason))

    def block(self, name, reason):
        self.blockers.append(_problem(self.file, self.where, name, reason))

    def str(self, name, required=False):
        value = self.record.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, f"must be text, not {type(value).__name__}")
            return None
        return value.strip().replace("\r\n", "\n")

    def text(self, name, required=False):
        en, km = self.str(name), self.str(hsds.km_field(name))
        if required and en is None and km is None:
            self.fail(name, "is required")
        return None if en is None and km is None else {"km": km, "en": en}

    def id(self, name="id", required=True):
        value = self.str(name, required)
        if value is not None and not UUID.match(value.lower()):
            self.fail(name, f"{value!r} is not a UUID (like 3f2b6c1e-8d4a-4b7e-9c1f-2a5d8e7b6c40)")
            return None
        return value.lower() if value else None

    def bool(self, name):
        value = self.record.get(name)
        if value is None or value == "" or isinstance(value, bool):
            return None if value == "" else value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self.fail(name, f"{value!r} is not true or false")

    def number(self, name):
        value = self.record.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value) if not isinstance(value, bool) else self.fail(name, "is not a number")
        except (TypeError, ValueError):
            self.fail(name, f"{value!r} is not a number")

    def date(self, name):
        value = self.str(name)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            self.fail(name, f"{value!r} is not a date (YYYY-MM-DD)")

    def choice(self, name, allowed, default=None):
        value = self.str(name)
        if value is None:
            return default
        if value not in allowed:
            self.fail(name, f"{value!r} is not one of {', '.join(allowed)}")
        return value


def from_records(orgs, services, terms, model) -> Exchange:
    """The input in content/'s own terms, or InputError naming every problem."""
    problems = []
    out = Exchange()
    category_of = {hsds.term_id(c.slug): c.slug for c in model.categories}
    category_of.update({t.get("id"): t.get("code") for t in terms if t.get("code")})
    provinces = {p.name.en.lower(): p.slug for p in model.provinces}
    provinces.update({s.lower(): p.slug for p in model.provinces for s in p.spellings})

    def claim(kind, table, uid, r):
        if uid in table:
            r.fail("id", f"{uid} appears twice in the {kind}")
            return False
        return True

    def read_location(loc, org_id):
        r = _Record(loc, problems, "locations")
        uid = r.id()
        province = r.str("x_province")
        for address in loc.get("addresses") or []:
            a = _Record(address, problems, "addresses")
            province = province or provinces.get((a.str("state_province") or "").lower())
        if uid and claim("locations", out.locations, uid, r):
            address = None
            for a in loc.get("addresses") or []:
                address = _Record(a, problems, "addresses").text("address_1")
            out.locations[uid] = {"organization_id": org_id, "name": r.text("name", True), "province": province,
                                  "address": address, "latitude": r.number("latitude"),
                                  "longitude": r.number("longitude")}
        return uid

    for org in orgs:
        r = _Record(org, problems, "organizations")
        uid = r.id()
        if uid and claim("organizations", out.organizations, uid, r):
            out.complete.add(uid)
            out.organizations[uid] = {"name": r.text("name", True), "description": r.text("description", True),
                                      "website": r.str("website"),
                                      "scope": r.choice("x_scope", ("national", "provincial"), "national")}
            for loc in org.get("locations") or []:
                read_location(loc, uid)
    for s in services:
        r = _Record(s, problems, "services", out.blockers)
        uid = r.id()
        nested = s.get("organization") if isinstance(s.get("organization"), dict) else None
        org_id = r.id("organization_id", required=nested is None) or (nested or {}).get("id")
        if nested and org_id not in out.organizations:
            o = _Record(nested, problems, "organization")
            out.organizations[org_id] = {"name": o.text("name", True), "description": o.text("description", True),
                                         "website": o.str("website"),
                                         "scope": o.choice("x_scope", ("national", "provincial"), "national")}
        if not uid or not claim("services", out.services, uid, r):
            continue
        areas, abroad = [], []
        for area in s.get("service_areas") or []:
            a = r.child(area, "service_areas")
            if a.str("x_country") not in (None, HOME_REGION):   # a service for people abroad
                abroad.append(a.str("x_country"))
                if len(abroad) > 1 or areas:
                    a.block("x_country", "a service is for one country abroad, or for places in Cambodia")
                continue
            slug = a.str("x_province") or provinces.get((a.str("name") or "").lower())
            if slug is None:
                a.block("name", f"{a.str('name')!r} is not a province of Cambodia")
            else:
                areas.append(slug)
        categories = []
        for attribute in s.get("attributes") or []:
            a = r.child(attribute, "attributes")
            nested = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else {}
            term = a.id("taxonomy_term_id", required=not nested) or nested.get("id")
            slug = category_of.get(term)
            if slug is None and nested.get("taxonomy_id") == hsds.taxonomy_id():
                slug = nested.get("code")
            if slug is None:
                a.block("taxonomy_term", f"{nested.get('code') or term!r} is not one of Mitta's categories")
            else:
                categories.append(slug)
        schedules = []
        for sched in s.get("schedules") or []:
            h = r.child(sched, "schedules")
            days = [d.strip() for d in (h.str("byday") or "").split(",") if d.strip()]
            opens, closes = _time(h.str("opens_at")), _time(h.str("closes_at"))
            for name, value in (("opens_at", opens), ("closes_at", closes)):
                if value is None:
                    h.fail(name, f"{h.str(name)!r} is not a time (hh:mm or hh:mm:ss)")
            if days and opens and closes:
                schedules.append({"byday": days, "opens_at": hsds.content_time(opens),
                                  "closes_at": hsds.content_time(closes)})
        locations = []
        for sal in s.get("service_at_locations") or []:
            a = r.child(sal, "service_at_locations")
            nested = sal.get("location") if isinstance(sal.get("location"), dict) else None
            loc_id = a.id("location_id", required=nested is None) or (nested or {}).get("id")
            if nested and nested.get("id") not in out.locations:
                read_location(nested, org_id)
            if loc_id:
                locations.append(loc_id)
        documents = None
        for doc in s.get("required_documents") or []:
            documents = r.child(doc, "required_documents").text("document")
        alert = r.text("alert")
        until = r.date("x_alert_until")
        if alert and not until:
            r.block("x_alert_until", "Mitta shows an alert only until a last day, which is missing")
        out.services[uid] = {
            "organization_id": org_id, "name": r.text("name", True), "summary": r.text("x_summary"),
            "description": r.text("description"), "categories": categories,
            "area": {"country": abroad[0]} if abroad else "national" if areas == ["national"] else areas, "cost": r.text("fees_description"),
            "free": r.bool("x_free"), "documents": documents,
            "languages": [r.child(x, "languages").str("code") for x in s.get("languages") or []],
            "safety_note": r.text("x_safety_note"), "age_note": r.text("eligibility_description"),
            "status": r.choice("status", hsds_statuses(), "active"),
            "alert": {"text": alert, "from": r.date("x_alert_from"), "until": until} if alert else None,
            "schedules": schedules, "locations": locations,
            "provenance.source": r.str("x_source"), "provenance.checked_on": r.date("assured_date"),
            "provenance.checked_by": r.str("x_checked_by")}
        for ph in s.get("phones") or []:
            p = r.child(ph, "phones")
            pid = p.id()
            if pid and claim("phones", out.phones, pid, p):
                region = p.str("x_country")
                out.phones[pid] = {"service_id": uid, "number": p.str("number", True), "sms": bool(p.bool("x_sms")),
                                   "region": None if region == HOME_REGION else region,
                                   "description": p.text("description"), "available": p.text("x_available"),
                                   "confidence": p.choice("x_confidence", ("confirmed", "plausible"), "plausible"),
                                   "source": p.str("x_source")}
    known_orgs = set(out.organizations) | {o.id for o in model.organizations}
    for uid, s in out.services.items():
        if s["organization_id"] and s["organization_id"] not in known_orgs:
            problems.append(_problem("services", f"id {uid}", "organization_id",
                                     f"{s['organization_id']} is no organisation in the input or in content/"))
    if problems:
        raise InputError(problems)
    return out


def hsds_statuses():
    return ("active", "inactive", "defunct", "temporarily closed")


def current(model) -> Exchange:
    records = export_records(model)
    return from_records(records["organizations"], records["services"], [], model)


# ---------------------------------------------------------------- what would change

@dataclass
class Change:
    kind: str        # organization | service | phone | location
    id: str
    action: str      # added | changed | removed
    fields: dict     # field -> (old, new)
    label: str


def _flat(value, prefix):
    if isinstance(value, dict) and value and set(value) <= {"km", "en", "text", "from", "until"}:
        out = {}
        for key, inner in value.items():
            out.update(_flat(inner, f"{prefix}.{key}"))
        return out
    return {prefix: value}


def _field_changes(old, new):
    changes = {}
    for name in new:
        if old.get(name) != new[name]:
            before = _flat(old.get(name), name) if isinstance(old.get(name), dict) else {name: old.get(name)}
            after = _flat(new[name], name) if isinstance(new[name], dict) else {name: new[name]}
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    changes[key] = (before.get(key), after.get(key))
    return changes


def diff(now: Exchange, incoming: Exchange):
    """Every change, with what is removed limited to the organisations the input contains."""
    changes = []
    orgs_in = incoming.complete
    services_in = set(incoming.services)

    def label(kind, record):
        name = record.get("name") or record.get("number") or {}
        return name.get("en") or name.get("km") or "" if isinstance(name, dict) else str(name)

    for kind, mine, theirs, in_scope in (
            ("organization", now.organizations, incoming.organizations, lambda r: False),
            ("location", now.locations, incoming.locations, lambda r: r["organization_id"] in orgs_in),
            ("service", now.services, incoming.services, lambda r: r["organization_id"] in orgs_in),
            ("phone", now.phones, incoming.phones, lambda r: r["service_id"] in services_in)):
        for uid, record in theirs.items():
            if uid not in mine:
                changes.append(Change(kind, uid, "added", {k: (None, v) for k, v in record.items()
                                                            if v not in (None, [], "")}, label(kind, record)))
            else:
                fields = _field_changes(mine[uid], record)
                if fields:
                    changes.append(Change(kind, uid, "changed", fields, label(kind, record)))
        for uid, record in mine.items():
            if uid not in theirs and in_scope(record):
                changes.append(Change(kind, uid, "removed", {}, label(kind, record)))
    return changes


def describe(changes) -> list[str]:
    lines = []
    for c in changes:
        lines.append(f"{c.kind} {c.action}: {c.id} {c.label!r}")
        for name, (old, new) in c.fields.items():
            lines.append(f"    {name}: {old!r} -> {new!r}" if c.action == "changed" else f"    {name}: {new!r}")
    return lines


# ---------------------------------------------------------------- writing content/

def _yaml():
    from ruamel.yaml import YAML
    y = YAML()  # round-trip: comments, order and quoting of untouched values are kept
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    return y


def _text_out(value):
    if value is None:
        return None
    return {"km": value.get("km"), "en": value.get("en")}


def _quoted(value):
    """Strings double-quoted, as content/ writes them: PyYAML would read an unquoted 10:00 as a
    number (YAML 1.1), and a number like 117 must stay text."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    if isinstance(value, str):
        return DoubleQuotedScalarString(value)
    if isinstance(value, list):
        return [_quoted(v) for v in value]
    if isinstance(value, dict):
        return {k: _quoted(v) for k, v in value.items()}
    return value


def _value_out(name, value):
    """A plain-form value as content/ writes it."""
    out = _quoted(_plain_out(name, value))
    if name == "schedules" and out:
        from ruamel.yaml.comments import CommentedMap
        flow = []
        for item in out:   # one line per schedule, as content/ writes them
            line = CommentedMap(item)
            line.fa.set_flow_style()
            flow.append(line)
        return flow
    if name in ("categories", "area", "languages", "byday") and isinstance(out, list):
        from ruamel.yaml.comments import CommentedSeq
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    return out


def _plain_out(name, value):
    if value is None or value == []:
        return None
    if name in ("provenance.checked_on",):
        return dt.date.fromisoformat(value)
    if name == "alert":
        if not value.get("until"):
            return None   # refused before writing (blockers); never half an alert
        out = {"text": _text_out(value["text"])}
        if value.get("from"):
            out["from"] = dt.date.fromisoformat(value["from"])
        out["until"] = dt.date.fromisoformat(value["until"])
        return out
    if isinstance(value, dict) and set(value) == {"km", "en"}:
        return _text_out(value)
    if name in ("latitude", "longitude") and float(value).is_integer():
        return value
    return value


def _set(target, name, value):
    """Set (or, for None, remove) `name` in a ruamel mapping; dotted names go one level down."""
    if "." in name:
        head, rest = name.split(".", 1)
        _set(target[head], rest, value)
        return
    value = _value_out(name, value)
    if name == "status" and value == "active":
        value = None if "status" not in target else value
    if value is None:
        target.pop(name, None)
    else:
        target[name] = value


def _service_yaml(record):
    out = {"id": None}
    for name, value in record.items():
        if name in ("organization_id",) or name.startswith("provenance."):
            continue
        _set(out, name, value)
    out["provenance"] = {}
    for name in ("source", "checked_on", "checked_by"):
        _set(out["provenance"], name, record[f"provenance.{name}"])
    out["phones"] = []
    return out


def slug_for(name: str, taken) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "organization"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def apply(changes, incoming: Exchange, model, content_dir: Path, icons_dir=None):
    """Write the changes into content_dir's files, all or nothing: the result must load."""
    content_dir = Path(content_dir)
    y = _yaml()
    docs = {}
    file_of_org = {o.id: o.slug for o in model.organizations}

    def doc(org_id):
        slug = file_of_org[org_id]
        if slug not in docs:
            path = content_dir / "directory" / f"{slug}.yaml"
            docs[slug] = y.load(path.read_text(encoding="utf-8")) if path.exists() else None
        return docs[slug]

    def find(items, uid):
        return next((i for i, item in enumerate(items or []) if item["id"] == uid), None)

    by_kind = {k: [c for c in changes if c.kind == k] for k in ("organization", "location", "service", "phone")}
    for c in by_kind["organization"]:
        record = incoming.organizations[c.id]
        if c.action == "added":
            slug = slug_for((record["name"] or {}).get("en") or c.id, set(file_of_org.values()))
            file_of_org[c.id] = slug
            docs[slug] = {"km_status": "draft", "organization": {"id": _quoted(c.id)}, "services": [],
                          "locations": []}
        org = doc(c.id)["organization"]
        for name in record:
            _set(org, name, record[name])
    service_home = {s.id: s.organization_id for s in model.services}
    for c in by_kind["service"]:
        if c.action in ("removed", "changed") and (c.action == "removed" or "organization_id" in c.fields):
            data = doc(service_home[c.id])
            del data["services"][find(data["services"], c.id)]
        if c.action == "removed":
            continue
        record = incoming.services[c.id]
        data = doc(record["organization_id"])
        index = find(data["services"], c.id)
        if index is None:
            item = _service_yaml(record)
            item["id"] = _quoted(c.id)
            if c.action == "changed":   # moved between organisations: keep what the import does not carry
                old = next(s for s in model.services if s.id == c.id)
                item["phones"] = [p for p in _old_service(y, content_dir, model, old)["phones"]]
            data["services"].append(item)
            continue
        target = data["services"][index]
        for name in c.fields:
            top = name.split(".")[0] if not name.startswith("provenance.") else name
            _set(target, top, record[top])
    for c in by_kind["location"]:
        record = incoming.locations[c.id] if c.action != "removed" else None
        owner = record["organization_id"] if record else next(o.id for o in model.organizations if c.id in o.location_ids)
        data = doc(owner)
        data.setdefault("locations", [])
        index = find(data["locations"], c.id)
        if c.action == "removed":
            del data["locations"][index]
            continue
        if index is None:
            data["locations"].append({"id": _quoted(c.id)})
            index = len(data["locations"]) - 1
        for name, value in record.items():
            if name != "organization_id":
                _set(data["locations"][index], name, value)
    phone_home = {p.id: s.id for s in model.services for p in s.phones}
    for c in by_kind["phone"]:
        service_id = incoming.phones[c.id]["service_id"] if c.action != "removed" else phone_home[c.id]
        owner = incoming.services[service_id]["organization_id"] if service_id in incoming.services \
            else service_home[service_id]
        data = doc(owner)
        service_yaml = data["services"][find(data["services"], service_id)]
        phones = service_yaml.setdefault("phones", [])
        index = find(phones, c.id)
        if c.action == "removed":
            del phones[index]
            continue
        if index is None:
            phones.append({"id": _quoted(c.id)})
            index = len(phones) - 1
        for name, value in incoming.phones[c.id].items():
            if name != "service_id":
                _set(phones[index], name, value)
    for data in docs.values():
        if data is not None:
            for key in ("locations", "services"):
                if key in data and not data[key] and key == "locations":
                    del data[key]
                for item in data.get(key, []):
                    if "phones" in item and not item["phones"]:
                        del item["phones"]
    return write_checked(content_dir, {slug: data for slug, data in docs.items() if data is not None}, icons_dir)


def load_yaml(content_dir, slug):
    return _yaml().load((Path(content_dir) / "directory" / f"{slug}.yaml").read_text(encoding="utf-8"))


def write_checked(content_dir, docs, icons_dir=None):
    """Write organisation files ({slug: data}) only if content/ then loads: into a copy first,
    loaded like the app would (ContentError: nothing written), then over the real files."""
    content_dir = Path(content_dir)
    y = _yaml()
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "content"
        shutil.copytree(content_dir, trial)
        for slug, data in docs.items():
            with open(trial / "directory" / f"{slug}.yaml", "w", encoding="utf-8") as out:
                y.dump(data, out)
        load(trial, icons_dir=icons_dir)
        written = []
        for slug in docs:
            shutil.copyfile(trial / "directory" / f"{slug}.yaml", content_dir / "directory" / f"{slug}.yaml")
            written.append(content_dir / "directory" / f"{slug}.yaml")
        return written


def _old_service(y, content_dir, model, service):
    slug = model.organization(service.organization_id).slug
    data = y.load((Path(content_dir) / "directory" / f"{slug}.yaml").read_text(encoding="utf-8"))
    return next(s for s in data["services"] if s["id"] == service.id)


def check_applies(changes, incoming, model, content_dir, icons_dir=None):
    """The problems content/ would have after applying (empty: it would load)."""
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "content"
        shutil.copytree(content_dir, trial)
        try:
            apply(changes, incoming, model, trial, icons_dir)
        except ContentError as error:
            return [str(p).replace(str(trial.parent) + "/", "") for p in error.problems]
        return []
