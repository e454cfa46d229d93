"""One organisation file: the organisation, its services (with phones, hours and provenance) and its
locations. References to other files are only noted here, as `Ref`s, and checked in one pass by
the loader once everything is read."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from phonenumbers import shortnumberinfo

from . import model as m
from .reader import Reader, dotted, line_of, text_of


@dataclass(frozen=True)
class Ref:
    """A value that must name something defined elsewhere: an id (unique), a province, a category
    or a location."""
    kind: str          # "id" | "province" | "category" | "location"
    value: str
    path: Path
    line: int | None
    where: str


@dataclass
class Directory:
    organizations: list = field(default_factory=list)
    services: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    refs: list = field(default_factory=list)


def tel_for(number: str, short_codes) -> str | None:
    """The string a tel: link dials, or None when the number is not a Cambodian one."""
    digits = number.replace(" ", "")
    if digits in short_codes:
        return digits
    try:
        parsed = phonenumbers.parse(number, "KH")
    except phonenumbers.NumberParseException:
        return None
    if digits.isdigit() and len(digits) <= 5 and shortnumberinfo.is_valid_short_number_for_region(parsed, "KH"):
        return digits
    if phonenumbers.is_valid_number_for_region(parsed, "KH"):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def read_directory(r: Reader, folder: Path, short_codes) -> Directory:
    found = Directory()
    for path in sorted(folder.glob("*.y*ml")):
        _read_organization(r, path, short_codes, found)
    return found


class _File:
    """One file being read: its path, its lines, and where its references go."""

    def __init__(self, r: Reader, path: Path, lines, refs):
        self.r, self.path, self.lines, self.refs = r, path, lines, refs

    def line(self, at):
        return line_of(self.lines, at)

    def problem(self, at, message):
        self.r.problem(self.path, self.line(at), f"{dotted(at)}: {message}")

    def ref(self, kind, value, at, where=None):
        self.refs.append(Ref(kind, value, self.path, self.line(at), dotted(where or at)))


def _read_organization(r: Reader, path: Path, short_codes, found: Directory):
    data, lines = r.read(path, "organization.json")
    if data is None:
        return
    f = _File(r, path, lines, found.refs)
    org = data["organization"]
    f.ref("id", org["id"], ("organization", "id"))
    location_ids = []
    for li, loc in enumerate(data.get("locations", [])):
        found.locations.append(_location(f, ("locations", li), loc))
        location_ids.append(loc["id"])
    service_ids = []
    for si, svc in enumerate(data["services"]):
        found.services.append(_service(f, ("services", si), svc, org["id"], data["km_status"] == "draft", short_codes))
        service_ids.append(svc["id"])
    found.organizations.append(m.Organization(
        org["id"], path.stem, text_of(org["name"]), text_of(org["description"]), org.get("website"),
        org["scope"] == "national", tuple(service_ids), tuple(location_ids)))


def _location(f: _File, at, loc) -> m.Location:
    f.ref("id", loc["id"], at + ("id",))
    f.ref("province", loc["province"], at + ("province",))
    return m.Location(loc["id"], text_of(loc["name"]), loc["province"], text_of(loc.get("address")),
                      loc.get("latitude"), loc.get("longitude"))


def _service(f: _File, at, svc, org_id, draft, short_codes) -> m.Service:
    f.ref("id", svc["id"], at + ("id",))
    for ci, cat in enumerate(svc["categories"]):
        f.ref("category", cat, at + ("categories", ci), at + ("categories",))
    national = svc["area"] == "national"
    for pi, prov in enumerate([] if national else svc["area"]):
        f.ref("province", prov, at + ("area", pi), at + ("area",))
    for ref_i, ref in enumerate(svc.get("locations", [])):
        f.ref("location", ref, at + ("locations", ref_i))
    provenance = _provenance(f, at + ("provenance",), svc["provenance"])
    phones = tuple(_phone(f, at + ("phones", pi), ph, short_codes, provenance)
                   for pi, ph in enumerate(svc.get("phones", [])))
    schedules = []
    for hi, h in enumerate(svc.get("schedules", [])):
        if h["opens_at"] >= h["closes_at"]:
            f.problem(at + ("schedules", hi), "opens_at must be before closes_at")
        schedules.append(m.Schedule(tuple(h["byday"]), h["opens_at"], h["closes_at"]))
    return m.Service(
        id=svc["id"], organization_id=org_id, name=text_of(svc["name"]), summary=text_of(svc["summary"]),
        description=text_of(svc["description"]), categories=tuple(svc["categories"]), national=national,
        provinces=() if national else tuple(svc["area"]), cost=text_of(svc.get("cost")), free=svc.get("free"),
        documents=text_of(svc.get("documents")), languages=tuple(svc.get("languages", [])),
        safety_note=text_of(svc.get("safety_note")), age_note=text_of(svc.get("age_note")),
        phones=phones, schedules=tuple(schedules), location_ids=tuple(svc.get("locations", [])),
        provenance=provenance, khmer_draft=draft, emergency_rank=svc.get("emergency_rank"),
        status=svc.get("status", "active"), alert=_alert(f, at + ("alert",), svc.get("alert")))


def _phone(f: _File, at, ph, short_codes, provenance: m.Provenance) -> m.Phone:
    f.ref("id", ph["id"], at + ("id",))
    tel = tel_for(ph["number"], short_codes)
    if tel is None:
        f.problem(at + ("number",), f"'{ph['number']}' is not a valid Cambodian phone number or known short code")
    if ph["confidence"] == "confirmed" and not provenance.checked_on:
        f.problem(at + ("confidence",), "a confirmed number needs the service's provenance.checked_on and "
                  "checked_by (who confirmed it, and when); otherwise say plausible")
    return m.Phone(ph["id"], ph["number"], tel or "", bool(ph.get("sms")),
                   text_of(ph.get("description")), text_of(ph.get("available")),
                   ph["confidence"], ph.get("source"))


def _alert(f: _File, at, alert) -> m.Alert | None:
    if not alert:
        return None
    until = dt.date.fromisoformat(alert["until"])
    start = dt.date.fromisoformat(alert["from"]) if alert.get("from") else None
    if start and start > until:
        f.problem(at + ("from",), f"{start} is after until ({until})")
    return m.Alert(text_of(alert["text"]), until, start)


def _provenance(f: _File, at, prov) -> m.Provenance:
    checked_on = dt.date.fromisoformat(prov["checked_on"]) if prov.get("checked_on") else None
    if checked_on and checked_on > f.r.today:
        f.problem(at + ("checked_on",), f"{checked_on} is in the future")
    if bool(checked_on) != bool(prov.get("checked_by")):
        f.problem(at, "checked_on and checked_by go together (both, or neither for 'not yet checked')")
    return m.Provenance(prov["source"], checked_on, prov.get("checked_by"))
