"""Rules the content format states once, in schemas/defs.json, for the code that must hold to the
same ones outside the content check: the importer (server/exchange/), the API document
(server/openapi.py) and the model.

Read from the schema rather than written again, so that an id the importer takes is an id the
content check takes, and every list of service statuses or phone confidences is the schema's.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

_DEFS = json.loads((Path(__file__).with_name("schemas") / "defs.json").read_text(encoding="utf-8"))["$defs"]

# A lowercase UUID of a known version and variant (uuid4 for our own ids, uuid5 for derived ones)
UUID_PATTERN: str = _DEFS["uuid"]["pattern"]
UUID = re.compile(UUID_PATTERN)
# HSDS 3.1 service statuses
STATUSES: tuple[str, ...] = tuple(_DEFS["service_status"]["enum"])
# How sure we are of a phone number; a doubtful one is never shown, exported or imported
CONFIDENCES: tuple[str, ...] = tuple(_DEFS["confidence"]["enum"])
SHOWN_CONFIDENCES = tuple(c for c in CONFIDENCES if c != "doubtful")


def not_a_uuid(value) -> str:
    """The reason, said the same way by the content check and the importer."""
    return f"{value!r} is not a UUID (like 3f2b6c1e-8d4a-4b7e-9c1f-2a5d8e7b6c40)"


# Messaging channels (a service's `channels:`): each kind has its own address rule, because each
# app's names differ. A page links `https://` + the address; an SMS channel's number is checked
# as a phone's is (server/content/organizations.py), here only its form.
CHANNEL_KINDS: tuple[str, ...] = ("telegram", "messenger", "whatsapp", "sms")
_CHANNEL_RULES = {
    # Telegram usernames: 5–32 of a–z, 0–9 and _, starting with a letter, not ending in _
    "telegram": (re.compile(r"t\.me/[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]"), "t.me/NAME (5–32 letters, digits or _)"),
    # Facebook page usernames: at least 5 letters, digits or dots
    "messenger": (re.compile(r"m\.me/[A-Za-z0-9.]{5,50}"), "m.me/NAME (at least 5 letters, digits or dots)"),
    # click-to-chat takes the full international number, digits only, no + and no leading 0
    "whatsapp": (re.compile(r"wa\.me/[1-9][0-9]{7,14}"), "wa.me/DIGITS (the international number, no + or spaces)"),
    "sms": (re.compile(r"\+?[0-9][0-9 ]{2,19}"), "a phone number"),
}


def channel_problem(kind: str, address: str) -> str | None:
    """Why `address` is not a `kind` channel, or None: said the same way wherever one is read."""
    if kind not in _CHANNEL_RULES:
        return f"'{kind}' is not a channel kind ({', '.join(CHANNEL_KINDS)})"
    pattern, form = _CHANNEL_RULES[kind]
    if not pattern.fullmatch(address):
        return f"'{address}' is not a {kind} address: write {form}"
    return None


def channel_href(kind: str, address: str, tel: str = "") -> str:
    """The link a page opens: the app's own web address (which the phone hands to the app), or
    sms: with the dialled form of the number."""
    return f"sms:{tel or address.replace(' ', '')}" if kind == "sms" else f"https://{address}"
