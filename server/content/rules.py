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
