"""The content model as Open Referral HSDS 3.1 records: plain Python, no Flask.

The API, the exports and the import all go through here, so they cannot disagree with each other
or with the pages. Choices the specification leaves open:

- Language: HSDS has no translations. A record is in one language (`lang`, English by default,
  Khmer with "km"), with the same ids in both. The files we exchange (`bilingual=True`) carry the
  English in the standard fields and the Khmer beside it in `x_km_<field>` extension fields, so a
  spreadsheet shows both side by side and an import loses neither.
- Mitta's own facts that HSDS has no field for travel as `x_` fields, each defined (type and
  meaning) by a patch of Mitta's HSDS profile (server/hsds_profile/profile/), against which every
  record validates strictly; nothing a user must not see (maintainer notes, doubtful numbers) is
  ever in a record.
- Ids: ours are UUIDs already; records that have no id in content/ (schedules, addresses,
  taxonomy terms, ...) get a UUID derived from what they belong to, so they never change.
- A defunct or inactive service is still listed, with its HSDS `status`: a partner must learn
  that a service closed in order to remove it. A doubtful phone number is never listed.
"""
from __future__ import annotations

import datetime as dt
import uuid

from babel import Locale

from .content.model import CAMBODIA, HOME_REGION, country_name

VERSION = "3.1"
NAMESPACE = uuid.UUID("6a0c3f4e-2b1d-4e8a-9c57-1d2e3f405a6b")  # fixed forever: derived ids hang on it
TAXONOMY_NAME = "Mitta categories"
LANGS = ("en", "km")
COUNTRY = {"en": "Cambodia", "km": "កម្ពុជា"}
NATIONAL = "national"
DAY_END = "24:00"          # content's "until midnight"; HSDS times are hh:mm:ss, so 23:59:59
DAY_END_HSDS = "23:59:59"

# content field -> HSDS field, for every text of a service
SERVICE_TEXTS = {"name": "name", "description": "description", "cost": "fees_description",
                 "age_note": "eligibility_description", "summary": "x_summary",
                 "safety_note": "x_safety_note"}


def derived_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def taxonomy_id() -> str:
    return derived_id("taxonomy", "categories")


def term_id(slug: str) -> str:
    return derived_id("category", slug)


def km_field(name: str) -> str:
    return "x_km_" + name.removeprefix("x_")


def _put(record, name, text, lang, bilingual):
    """A text field in `lang`; in an exchange file also its Khmer twin. Absent when unknown."""
    if text is None:
        return
    record[name] = text(lang)
    if bilingual:
        record[km_field(name)] = text.km


def _language_name(code, lang):
    return Locale.parse(lang).languages.get(code, code)


def _hsds_time(value):
    return DAY_END_HSDS if value == DAY_END else value + ":00"


def content_time(value: str) -> str:
    """An HSDS hh:mm[:ss] back to content's hh:mm."""
    return DAY_END if value == DAY_END_HSDS else value[:5]


def taxonomy(lang="en"):
    return {"id": taxonomy_id(), "name": TAXONOMY_NAME, "version": "1",
            "description": "The categories of need in Mitta's referral directory; a term's code is the category's slug."}


def taxonomy_term(category, lang="en", bilingual=False):
    record = {"id": term_id(category.slug), "code": category.slug}
    _put(record, "name", category.name, lang, bilingual)
    # HSDS requires a description; we have none but the name, and invent nothing.
    _put(record, "description", category.name, lang, bilingual)
    record.update(taxonomy_id=taxonomy_id(), taxonomy=TAXONOMY_NAME, language=lang)
    return record


def organization(model, org, lang="en", bilingual=False, full=False):
    record = {"id": org.id}
    _put(record, "name", org.name, lang, bilingual)
    _put(record, "description", org.description, lang, bilingual)
    if org.website:
        record["website"] = org.website
    record["x_scope"] = "national" if org.national else "provincial"
    if full:
        record["locations"] = [location(model, model.location(i), lang, bilingual) for i in org.location_ids]
        record["services"] = [service(model, model.service(i), lang, bilingual, full=False)
                              for i in org.service_ids]
    return record


def location(model, loc, lang="en", bilingual=False):
    record = {"id": loc.id, "location_type": "physical",
              "organization_id": next(o.id for o in model.organizations if loc.id in o.location_ids)}
    _put(record, "name", loc.name, lang, bilingual)
    for key in ("latitude", "longitude"):
        if getattr(loc, key) is not None:
            record[key] = getattr(loc, key)
    record["x_province"] = loc.province
    record["addresses"] = []
    if loc.address:
        address = {"id": derived_id("address", loc.id), "location_id": loc.id}
        _put(address, "address_1", loc.address, lang, bilingual)
        province = model.province(loc.province)
        address.update(city="", state_province=province.name(lang), postal_code="", country="KH",
                       address_type="physical")
        if bilingual:
            address[km_field("state_province")] = province.name.km
        record["addresses"].append(address)
    return record


def phone(service, ph, lang="en", bilingual=False):
    record = {"id": ph.id, "service_id": service.id, "number": ph.number, "type": "voice"}
    _put(record, "description", ph.description, lang, bilingual)
    _put(record, "x_available", ph.available, lang, bilingual)
    record["x_sms"] = ph.sms
    # HSDS 3.1's phone has no country field (2.0's country_code is gone): a full number is in
    # international form already, a short code needs its country beside it.
    record["x_country"] = ph.region
    record["x_confidence"] = ph.confidence
    if ph.source:
        record["x_source"] = ph.source
    return record


CHAT_LABELS = {"telegram": "Telegram", "messenger": "Messenger", "whatsapp": "WhatsApp", "sms": "SMS"}


def channel(service, c, lang="en", bilingual=False):
    """A chat as an HSDS url object (the service's additional_urls), its kind and address in
    the profile's x_channel_* fields."""
    record = {"id": derived_id("channel", service.id, c.kind, c.address), "service_id": service.id,
              "label": CHAT_LABELS[c.kind], "url": c.href, "x_channel_kind": c.kind,
              "x_channel_address": c.address, "x_confidence": c.confidence}
    if c.source:
        record["x_source"] = c.source
    _put(record, "x_available", c.available, lang, bilingual)
    return record


def schedules(service):
    return [{"id": derived_id("schedule", service.id, str(i)), "service_id": service.id,
             "freq": "WEEKLY", "byday": ",".join(s.byday), "opens_at": _hsds_time(s.opens_at),
             "closes_at": _hsds_time(s.closes_at), "timezone": 7}
            for i, s in enumerate(service.schedules)]


def service_areas(model, service, lang="en", bilingual=False):
    if service.country:
        area = {"id": derived_id("service_area", service.id, service.country), "service_id": service.id}
        _put(area, "name", country_name(service.country), lang, bilingual)
        area["x_country"] = service.country
        return [area]
    areas = []
    for slug in (NATIONAL,) if service.national else service.provinces:
        area = {"id": derived_id("service_area", service.id, slug), "service_id": service.id,
                "name": COUNTRY[lang] if slug == NATIONAL else model.province(slug).name(lang)}
        if bilingual:
            area[km_field("name")] = COUNTRY["km"] if slug == NATIONAL else model.province(slug).name.km
        area["x_province"] = slug
        areas.append(area)
    return areas


def service(model, s, lang="en", bilingual=False, full=True):
    """One service; `full` nests everything HSDS's "fully nested service" holds."""
    record = {"id": s.id, "organization_id": s.organization_id}
    for ours, theirs in SERVICE_TEXTS.items():
        _put(record, theirs, getattr(s, ours), lang, bilingual)
    record["status"] = s.status
    if s.alert:
        _put(record, "alert", s.alert.text, lang, bilingual)
        if s.alert.start:
            record["x_alert_from"] = s.alert.start.isoformat()
        record["x_alert_until"] = s.alert.until.isoformat()
    if s.free is not None:
        record["x_free"] = s.free
    record["x_source"] = s.provenance.source
    if s.provenance.checked_on:
        record["assured_date"] = s.provenance.checked_on.isoformat()
        record["x_checked_by"] = s.provenance.checked_by
    modified = last_modified(s)
    if modified:
        record["last_modified"] = modified.isoformat()
    if not full:
        return record
    record["organization"] = organization(model, model.organization(s.organization_id), lang, bilingual)
    record["phones"] = [phone(s, p, lang, bilingual) for p in s.public_phones]
    record["additional_urls"] = [channel(s, c, lang, bilingual) for c in s.public_channels]
    record["schedules"] = schedules(s)
    record["service_areas"] = service_areas(model, s, lang, bilingual)
    record["service_at_locations"] = [
        {"id": derived_id("service_at_location", s.id, loc_id), "service_id": s.id, "location_id": loc_id,
         "location": location(model, model.location(loc_id), lang, bilingual)}
        for loc_id in s.location_ids]
    record["languages"] = [{"id": derived_id("language", s.id, code), "service_id": s.id, "code": code,
                            "name": _language_name(code, lang)} for code in s.languages]
    record["required_documents"] = []
    if s.documents:
        document = {"id": derived_id("required_document", s.id), "service_id": s.id}
        _put(document, "document", s.documents, lang, bilingual)
        record["required_documents"].append(document)
    record["attributes"] = [
        {"id": derived_id("attribute", s.id, slug), "link_id": s.id, "link_type": "service",
         "link_entity": "service", "taxonomy_term_id": term_id(slug),
         "taxonomy_term": taxonomy_term(model.category(slug), lang, bilingual)}
        for slug in s.categories]
    return record


def last_modified(s) -> dt.datetime | None:
    """The content keeps no edit date per service; the day it was last checked is the closest
    honest one (None: never checked, so no date can be claimed)."""
    if not s.provenance.checked_on:
        return None
    return dt.datetime.combine(s.provenance.checked_on, dt.time(0), CAMBODIA)


def services(model, *, taxonomy_term_id=None, province=None, modified_after=None):
    """The services a list answer holds, in a stable order, filtered as HSDS's parameters say.
    `modified_after` keeps services never checked: nobody can say they did not change."""
    found = []
    for s in model.services:
        if taxonomy_term_id and taxonomy_term_id not in {term_id(c) for c in s.categories}:
            continue
        if province and not s.serves(province):
            continue
        modified = last_modified(s)
        if modified_after and modified and modified < modified_after:
            continue
        found.append(s)
    return sorted(found, key=lambda s: (s.name.en, s.id))


def page(items, page_number, per_page):
    """HSDS's page wrapper around one page of `items` (already records)."""
    total = len(items)
    total_pages = -(-total // per_page)
    contents = items[(page_number - 1) * per_page: page_number * per_page]
    return {"total_items": total, "total_pages": total_pages, "page_number": page_number,
            "size": len(contents), "first_page": page_number == 1,
            "last_page": page_number >= total_pages, "empty": not contents, "contents": contents}
