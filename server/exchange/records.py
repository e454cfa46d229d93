"""Reading records: nested HSDS records (from tables.py) into `Exchange`, the plain form in
content/'s own field names, with every problem named (file, row or record, field, reason).

Two kinds of trouble: a problem (not a UUID, not a date, ...) refuses the input at once; a blocker
is valid HSDS that Mitta cannot take as it is (no Khmer, a place outside Cambodia) and is shown
with the changes, refusing only --apply. What we hold now is `current(model)`, the same reading of
our own export, so importing our own export changes nothing by construction.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .. import hsds
from ..content.model import HOME_REGION
from ..content.rules import CHANNEL_KINDS, SHOWN_CONFIDENCES, STATUSES, UUID, channel_problem, not_a_uuid
from .tables import InputError, export_records, problem

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



@dataclass
class Exchange:
    """Organisations, services, phones and locations keyed by id, in content/'s field names."""
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
        self.problems.append(problem(self.file, self.where, name, reason))

    def block(self, name, reason):
        self.blockers.append(problem(self.file, self.where, name, reason))

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
        if value is not None and not UUID.match(value.lower()):   # the content check's rule
            self.fail(name, not_a_uuid(value))
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

    def organization(self):
        """An organisation record's fields (listed, or nested in a service)."""
        return {"name": self.text("name", True), "description": self.text("description", True),
                "website": self.str("website"),
                "scope": self.choice("x_scope", ("national", "provincial"), "national")}

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
            out.organizations[uid] = r.organization()
            for loc in org.get("locations") or []:
                read_location(loc, uid)
    for s in services:
        r = _Record(s, problems, "services", out.blockers)
        uid = r.id()
        nested = s.get("organization") if isinstance(s.get("organization"), dict) else None
        org_id = r.id("organization_id", required=nested is None) or (nested or {}).get("id")
        if nested and org_id not in out.organizations:
            o = _Record(nested, problems, "organization")
            out.organizations[org_id] = o.organization()
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
        channels = []
        for url in s.get("additional_urls") or []:
            c = r.child(url, "additional_urls")
            if c.str("x_channel_kind") is None:
                continue   # another kind of link (a website): Mitta keeps chats only
            kind = c.choice("x_channel_kind", CHANNEL_KINDS)
            address = c.str("x_channel_address", True)
            if kind and address:
                if why := channel_problem(kind, address):
                    c.fail("x_channel_address", why)
                    continue
                channel = {"kind": kind, "address": address,
                           "confidence": c.choice("x_confidence", SHOWN_CONFIDENCES, "plausible"),
                           "source": c.str("x_source"), "available": c.text("x_available")}
                channels.append({k: v for k, v in channel.items() if v is not None})
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
            "status": r.choice("status", STATUSES, "active"),
            "alert": {"text": alert, "from": r.date("x_alert_from"), "until": until} if alert else None,
            "schedules": schedules, "locations": locations, "channels": channels,
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
                                   "confidence": p.choice("x_confidence", SHOWN_CONFIDENCES, "plausible"),
                                   "source": p.str("x_source")}
    known_orgs = set(out.organizations) | {o.id for o in model.organizations}
    for uid, s in out.services.items():
        if s["organization_id"] and s["organization_id"] not in known_orgs:
            problems.append(problem("services", f"id {uid}", "organization_id",
                                     f"{s['organization_id']} is no organisation in the input or in content/"))
    if problems:
        raise InputError(problems)
    return out


def current(model) -> Exchange:
    records = export_records(model)
    return from_records(records["organizations"], records["services"], [], model)

