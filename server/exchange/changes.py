"""What would change: the diff of two `Exchange`s, field by field, and its text for the terminal.

An import is authoritative for the organisations it lists as such: one of their services,
locations or numbers that it lacks is removed; organisations it does not mention are left alone.
"""
from __future__ import annotations

from dataclasses import dataclass

from .records import Exchange

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

