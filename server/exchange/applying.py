"""Applying: the changes written into content/'s organisation files, all or nothing.

The files are edited in place through the one content writer (server/content/writer.py, shared
with `flask content checked`), so comments, key order and the fields an import does not carry
(maintainer notes, emergency ranks, doubtful numbers) stay as they were; a new organisation gets a
new file. The result is loaded and checked like any content before anything is written, so an
import can never leave content/ invalid.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..content import writer
from ..content.writer import quoted
from .records import Exchange


# ---------------------------------------------------------------- a plain-form value as YAML

def _text_out(value):
    if value is None:
        return None
    return {"km": value.get("km"), "en": value.get("en")}


def _value_out(name, value):
    """A plain-form value as content/ writes it."""
    out = quoted(_plain_out(name, value))
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
    old = target.get(name)
    if isinstance(value, dict) and set(value) == {"km", "en"} and isinstance(old, dict):
        # The exchange files carry Khmer and English only: a text's other languages (vi) stay.
        value.update({lang: text for lang, text in old.items() if lang not in value})
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


# ---------------------------------------------------------------- editing the files

def edits(changes, incoming: Exchange, model, content_dir) -> dict:
    """The organisation files the changes edit, {slug: ruamel data}, read from content_dir and
    edited in memory (nothing is written)."""
    content_dir = Path(content_dir)
    y = writer.yaml()
    docs = {}
    file_of_org = {o.id: o.slug for o in model.organizations}

    def doc(org_id):
        slug = file_of_org[org_id]
        if slug not in docs:
            path = writer.file_of(content_dir, slug)
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
            docs[slug] = {"km_status": "draft", "organization": {"id": quoted(c.id)}, "services": [],
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
            item["id"] = quoted(c.id)
            if c.action == "changed":   # moved between organisations: keep what the import does not carry
                old = next(s for s in model.services if s.id == c.id)
                item["phones"] = [p for p in _old_service(content_dir, model, old)["phones"]]
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
            data["locations"].append({"id": quoted(c.id)})
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
            phones.append({"id": quoted(c.id)})
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
    return {slug: data for slug, data in docs.items() if data is not None}


def _old_service(content_dir, model, service):
    data = writer.load_yaml(content_dir, model.organization(service.organization_id).slug)
    return next(s for s in data["services"] if s["id"] == service.id)


# ---------------------------------------------------------------- writing them, checked

def trial(changes, incoming: Exchange, model, content_dir, icons_dir=None):
    """The changes written into one copy of content/ and loaded once (a context manager): its
    `problems` ([] when it loads) and `write()`, which puts the edited files into content/."""
    return writer.trial(content_dir, edits(changes, incoming, model, content_dir), icons_dir)


def apply(changes, incoming: Exchange, model, content_dir: Path, icons_dir=None):
    """Write the changes into content_dir's files, all or nothing: the result must load
    (ContentError: nothing written)."""
    return writer.write_checked(content_dir, edits(changes, incoming, model, content_dir), icons_dir)


def check_applies(changes, incoming, model, content_dir, icons_dir=None):
    """The problems content/ would have after applying (empty: it would load)."""
    with trial(changes, incoming, model, content_dir, icons_dir) as t:
        return t.problems
