"""Mitta's HSDS 3.1 profile, in the form the standard gives profiles (docs/hsds.md): the patches in
`profile/` over the core schemas in `core/schema/` (vendored, CC BY-SA 4.0, Open Referral),
compiled by `python -m server.hsds_profile.compile` into `schema/` and `schema/compiled/`, which
are committed, so serving reads files and never compiles. No Flask.

The API serves it under PATH: the profile's own URI, which the API root names as its `profile`.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORE_DIR = HERE / "core"
PATCH_DIR = HERE / "profile"
SCHEMA_DIR = HERE / "schema"

PATH = "/api/v1/profile/"
NAME = "Mitta HSDS profile"
VERSION = "1.0.0"          # the profile's own version (semantic), not HSDS's
HSDS_VERSION = "3.1"
LICENSE = {"name": "Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)",
           "url": "https://creativecommons.org/licenses/by-sa/4.0/"}
ATTRIBUTION = ("Derived from the Human Services Data Specification (HSDS) 3.1 © Open Referral "
               "(openreferral.org), CC BY-SA 4.0; the patches in profile/ are Mitta's, under the same licence.")


@cache
def files() -> dict[str, bytes]:
    """Every file of the profile, by its path under PATH: `profile/<name>.json` (the patches) and
    `schema/[compiled/]<name>.json` (what they compile to), as committed (read once: they change
    only with a commit)."""
    found = {f"profile/{p.name}": p.read_bytes() for p in sorted(PATCH_DIR.glob("*.json"))}
    found |= {f"schema/{p.relative_to(SCHEMA_DIR).as_posix()}": p.read_bytes()
              for p in sorted(SCHEMA_DIR.rglob("*.json"))}
    return found


@cache
def schemas() -> dict[str, dict]:
    """The profile's object schemas by file name (shared: read, never change them)."""
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMA_DIR.glob("*.json"))}


def index(base: str) -> dict:
    """The profile's own page: what it is, what it is made of, and where each file is (`base`:
    the absolute URL of PATH)."""
    listing = files()
    return {
        "name": NAME, "version": VERSION, "hsds_version": HSDS_VERSION, "profile": base,
        "description": ("HSDS 3.1 as Mitta publishes it: Mitta's own fields (x_...) added to the "
                        "objects that carry them, and the objects Mitta never publishes removed. "
                        "Every document of Mitta's API and exports validates against schema/ with "
                        "no property the profile does not define."),
        "license": LICENSE, "attribution": ATTRIBUTION,
        "patches": [base + name for name in listing if name.startswith("profile/")],
        "schemas": [base + name for name in listing if name.startswith("schema/")],
    }
