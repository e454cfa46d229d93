"""One organisation file: the organisation, its services (with phones, hours and provenance) and its
locations. References to other files are only noted here, as `Ref`s, and checked in one pass by
the loader once everything is read."""
from __future__ import annotations


import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import phonenumbers
from phonenumbers import shortnumberinfo

from . import model as m
from . import rules
from .articles import reviews_of
from .reader import Reader, dotted, line_of, repeated, text_of


PEP_PREP = "pep-prep"


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


def tel_for(number: str, short_codes, region: str = m.HOME_REGION) -> str | None:
    """The string a tel: link dials, or None when the number is not one of `region` (ISO 3166).
    `short_codes` holds (region, number) pairs that phonenumbers does not know."""
    digits = number.replace(" ", "")
    if (region, digits) in short_codes:
        return digits
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if digits.isdigit() and len(digits) <= 5 and shortnumberinfo.is_valid_short_number_for_region(parsed, region):
        return digits
    if phonenumbers.is_valid_number_for_region(parsed, region):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def shown_number(number: str, tel: str, region: str) -> str:
    """What a page shows: Cambodian numbers as written; another country's full numbers in their
    international form, the one that works from a Cambodian SIM and a local one alike."""
    if region == m.HOME_REGION or not tel.startswith("+"):
        return number
    return phonenumbers.format_number(phonenumbers.parse(tel), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _not_valid(number: str, region: str) -> str:
    """Why a number is refused, naming the country it belongs to when phonenumbers can tell."""
    if region != m.HOME_REGION:
        return f"'{number}' is not a valid phone number or known short code in {region}"
    try:
        elsewhere = phonenumbers.region_code_for_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        elsewhere = None
    if elsewhere and elsewhere != region:
        return (f"'{number}' is not a valid Cambodian phone number: it is a number in {elsewhere}; "
                f"say so with region: {elsewhere}")
    return (f"'{number}' is not a valid Cambodian phone number or known short code "
            "(a number of another country needs its region, e.g. region: TH)")


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
    reviews = reviews_of(data)
    for si, svc in enumerate(data["services"]):
        service = _service(f, ("services", si), svc, org["id"], data["km_status"] == "draft", short_codes)
        found.services.append(replace(service, reviews=reviews) if reviews else service)
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
    country = svc["area"].get("country") if isinstance(svc["area"], dict) else None
    if country == m.HOME_REGION:
        f.problem(at + ("area", "country"), f"'{country}' is Cambodia: say national, or list the provinces")
    elif country and country not in phonenumbers.SUPPORTED_REGIONS:
        f.problem(at + ("area", "country"), f"'{country}' is not a country code (ISO 3166, e.g. TH)")
    for pi, prov in enumerate([] if national or country else svc["area"]):
        f.ref("province", prov, at + ("area", pi), at + ("area",))
    for ref_i, ref in enumerate(svc.get("locations", [])):
        f.ref("location", ref, at + ("locations", ref_i))
    for j in repeated(svc.get("spellings", ())):
        f.problem(at + ("spellings", j), f"'{svc['spellings'][j]}' is listed twice")
    provenance = _provenance(f, at + ("provenance",), svc["provenance"])
    if PEP_PREP in svc["categories"] and not svc.get("gives"):
        f.problem(at + ("categories",), f"a service under {PEP_PREP} says what it gives, each with the public source "
                  "that says so (gives: {pep: \"…\", prep: \"…\"}): PEP is claimed only where a source says so")
    phones = tuple(_phone(f, at + ("phones", pi), ph, short_codes, provenance)
                   for pi, ph in enumerate(svc.get("phones", [])))
    channels = tuple(c for c in (_channel(f, at + ("channels", ci), ch, short_codes, provenance)
                                 for ci, ch in enumerate(svc.get("channels", []))) if c)
    schedules = []
    for hi, h in enumerate(svc.get("schedules", [])):
        if h["opens_at"] >= h["closes_at"]:
            f.problem(at + ("schedules", hi), "opens_at must be before closes_at")
        schedules.append(m.Schedule(tuple(h["byday"]), h["opens_at"], h["closes_at"]))
    return m.Service(
        id=svc["id"], organization_id=org_id, name=text_of(svc["name"]), summary=text_of(svc["summary"]),
        description=text_of(svc["description"]), categories=tuple(svc["categories"]), national=national,
        provinces=() if national or country else tuple(svc["area"]), cost=text_of(svc.get("cost")), free=svc.get("free"),
        documents=text_of(svc.get("documents")), languages=tuple(svc.get("languages", [])),
        safety_note=text_of(svc.get("safety_note")), age_note=text_of(svc.get("age_note")),
        phones=phones, schedules=tuple(schedules), location_ids=tuple(svc.get("locations", [])),
        provenance=provenance, khmer_draft=draft, emergency_rank=svc.get("emergency_rank"),
        status=svc.get("status", "active"), alert=_alert(f, at + ("alert",), svc.get("alert")),
        country=country, gives=tuple(sorted((svc.get("gives") or {}).items())),
        spellings=tuple(svc.get("spellings", ())), channels=channels)


def _phone(f: _File, at, ph, short_codes, provenance: m.Provenance) -> m.Phone:
    f.ref("id", ph["id"], at + ("id",))
    region = ph.get("region", m.HOME_REGION)
    tel = None
    if region not in phonenumbers.SUPPORTED_REGIONS:
        f.problem(at + ("region",), f"'{region}' is not a country code (ISO 3166, e.g. TH)")
    else:
        tel = tel_for(ph["number"], short_codes, region)
        if tel is None:
            f.problem(at + ("number",), _not_valid(ph["number"], region))
    if ph["confidence"] == "confirmed" and not provenance.checked_on:
        f.problem(at + ("confidence",), "a confirmed number needs the service's provenance.checked_on and "
                  "checked_by (who confirmed it, and when); otherwise say plausible")
    return m.Phone(ph["id"], shown_number(ph["number"], tel or "", region), tel or "", bool(ph.get("sms")),
                   text_of(ph.get("description")), text_of(ph.get("available")),
                   ph["confidence"], ph.get("source"), region)


def _channel(f: _File, at, ch, short_codes, provenance: m.Provenance) -> m.Channel | None:
    problem = rules.channel_problem(ch["kind"], ch["address"])
    tel = ""
    if not problem and ch["kind"] == "sms":
        tel = tel_for(ch["address"], short_codes) or ""
        if not tel:
            problem = _not_valid(ch["address"], m.HOME_REGION)
    if problem:
        f.problem(at + ("address",), problem)
        return None
    if ch["confidence"] == "confirmed" and not provenance.checked_on:
        f.problem(at + ("confidence",), "a confirmed channel needs the service's provenance.checked_on and "
                  "checked_by; otherwise say plausible")
    return m.Channel(ch["kind"], ch["address"], rules.channel_href(ch["kind"], ch["address"], tel),
                     ch["confidence"], ch.get("source"), text_of(ch.get("available")))


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
