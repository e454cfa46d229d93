"""The call sheet (`flask content due`) and recording a call (`flask content checked`).

A view of the loaded model like every page; recording a call edits the organisation file in place
(comments kept) and only if content/ still loads afterwards, through the content writer the
importer uses too (server/content/writer.py).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .content import writer
from .content.model import STALE_AFTER_DAYS
from .report_store import KINDS


@dataclass(frozen=True)
class Due:
    service: object
    organization: object
    reasons: tuple[str, ...]
    questions: tuple[str, ...]
    rank: int


def due(model, today: dt.date, reports=None) -> list[Due]:
    """Services to call, most urgent first: an open problem report, a doubtful number, never
    checked, checked more than STALE_AFTER_DAYS ago. `reports`: {service id: [reports.Report]}."""
    reports = reports or {}
    sheet = []
    for s in model.services:
        reasons, questions, rank = [], [], 9
        for r in reports.get(s.id, []):
            kind = KINDS.get(r.kind, r.kind)
            reasons.append(f"problem report {r.id} ({r.day}): {kind}")
            questions.append(f"Someone reported '{kind}'{': ' + r.text if r.text else ''}. Is that so? What is right "
                             f"now? (Then: flask reports close {r.id})")
            rank = min(rank, 0)
        doubtful = [p for p in s.phones if p.confidence == "doubtful"]
        if doubtful:
            reasons.append("doubtful number")
            rank = min(rank, 1)
            for p in doubtful:
                questions.append(f"Found only in unreliable sources, never shown: is {p.number} really the number of "
                                 f"{model.organization(s.organization_id).name.en} ({s.name.en})? "
                                 "If not, or nobody answers, record it dead.")
        checked = s.provenance.checked_on
        if not checked:
            reasons.append("never checked")
            rank = min(rank, 2)
        elif (today - checked).days > STALE_AFTER_DAYS:
            reasons.append(f"checked {(today - checked).days} days ago ({checked})")
            rank = min(rank, 3)
        if not reasons:
            continue
        plausible = [p.number for p in s.phones if p.confidence == "plausible"]
        if plausible:
            questions.append(f"Does {' / '.join(plausible)} reach {s.name.en}?")
        if s.status != "active":
            questions.append(f"We list it as '{s.status}': is that still so?")
        questions.append("Is the service still running, for whom, and is it free?"
                         + (" What are the opening hours?" if not s.schedules else " Are the hours still right?"))
        if not s.public_phones:
            questions.append("What number can people call?")
        sheet.append(Due(s, model.organization(s.organization_id), tuple(reasons), tuple(questions), rank))
    return sorted(sheet, key=lambda d: (d.rank, d.service.emergency_rank or 100, d.service.name.en))


def numbers(service) -> str:
    return "; ".join(f"{p.number} ({p.confidence})" for p in service.phones) or "no number"


class CallError(Exception):
    pass


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def record_call(model, content_dir, service_id, by, on: dt.date, phone=None, works=None, icons_dir=None):
    """Write that `by` checked `service_id` on `on` (and whether `phone` works) into its file.
    A dead number is deleted and the reason kept in the maintainers' note, never shown to users."""
    service = model.service(service_id)
    if service is None:
        raise CallError(f"no service has the id {service_id}")
    if (phone is None) != (works is None):
        raise CallError("--phone and --works/--dead go together")
    slug = model.organization(service.organization_id).slug
    data = writer.load_yaml(content_dir, slug)
    target = next(s for s in data["services"] if s["id"] == service_id)
    provenance = target["provenance"]
    provenance["checked_on"] = on
    provenance["checked_by"] = writer.quoted(f"phone call by {by}")
    done = [f"{service.name.en}: checked on {on} by {by}"]
    if phone is not None:
        found = [p for p in target.get("phones", []) if p["id"] == phone or _digits(p["number"]) == _digits(phone)]
        if not found:
            raise CallError(f"{service.name.en} has no number {phone} (it has: {numbers(service)})")
        entry = found[0]
        if works:
            entry["confidence"] = "confirmed"
            done.append(f"{entry['number']} works: confirmed")
        else:
            target["phones"].remove(entry)
            if not target["phones"]:
                del target["phones"]
            note = f"{entry['number']} removed: dead when called on {on} by {by}."
            old = provenance.get("maintainer_note")
            provenance["maintainer_note"] = writer.quoted(f"{old} {note}" if old else note)
            done.append(f"{entry['number']} dead: removed (reason kept in maintainer_note)")
    writer.write_checked(content_dir, {slug: data}, icons_dir)
    return done
