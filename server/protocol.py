"""The offline protocol: what the pack (server/pack.py) promises the service worker, in one place
on each side: this module for the server and service_worker/protocol.js for the phone, with one
table of cases (tests/cases/protocol.json) run against both. Plain Python, no Flask.

- A **digest** is the first 16 hex digits of SHA-256; a part and a worker module are named by the
  digest of their bytes, so their URLs never change meaning (served immutable).
- A **part** is a JSON object `{"path": [content type, text], …}` of at most PART_LIMIT bytes;
  the worker learns which part holds a page by reading the part's keys.
- Each version and language is one cache, `mitta-<version>-<locale>`; a province saved later,
  when the whole country did not fit a first visit, `mitta-<version>-<locale>-<province>`.
- A saved path belongs to a province (saved with it) when it is under /<locale>/province/<slug>/,
  is a service whose own province that is, or is that province's search index or share texts.
- What is compressed: text, JSON and JavaScript, stored through CompressionStream('gzip').
- Messages: the page posts one of MESSAGES; the worker answers with a status of STATUS_FIELDS,
  and a failed save says one of REASONS.
"""
from __future__ import annotations

import hashlib
import json
import re
import zlib
from typing import Callable, Iterable

PART_LIMIT = 256 * 1024
PART_PREFIX = "/offline-pack/"
MODULE_PREFIX = "/sw/"
DONE = "/__mitta/done"
STATE = "mitta-state"
FAILURES = "/__mitta/failures"
STORED = "X-Mitta-Stored"
CACHE_NAME = re.compile(r"^mitta-([0-9a-f]{16})-([a-z]{2,3})(?:-([a-z0-9-]+))?$")
# What the page asks the worker (static/js/offline.js), and what every answer holds.
MESSAGES = ("STATUS", "SAVE", "CONFIRMED", "SKIP_WAITING")
STATUS_FIELDS = ("version", "saved", "provinces", "later", "bytes", "failed")
# Why saving stopped: what static/js/offline.js says ("removed": Remove Mitta ran meanwhile).
REASONS = ("lost", "space", "changed", "failed", "removed")
# A search index shard of a province is /<locale>/search-index/<slug>.json, and where one would
# exceed SEARCH_LIMIT bytes, <slug>.json, <slug>~2.json, …: "~" is in no slug.
SEARCH_LIMIT = 128 * 1024


def digest_of(body: bytes) -> str:
    """The one digest everything uses: the first 16 hex digits of SHA-256."""
    return hashlib.sha256(body).hexdigest()[:16]


def part_url(digest: str) -> str:
    return f"{PART_PREFIX}{digest}.json"


def module_url(digest: str, name: str) -> str:
    """A worker module's URL: its name under the digest of all modules, so any change is a new URL
    and /sw-pack.js, which lists them, changes with it."""
    return f"{MODULE_PREFIX}{digest}/{name}"


def compressible(content_type: str) -> bool:
    """What the worker stores gzip-compressed."""
    mime = (content_type or "").split(";")[0].strip()
    return mime.startswith("text/") or "json" in mime or "javascript" in mime


def stored_size(content_type: str, body: bytes) -> int:
    """About what the phone keeps for one file or part: CompressionStream('gzip') is zlib's
    default level with a gzip header."""
    if not compressible(content_type):
        return len(body)
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return len(packer.compress(body) + packer.flush())


def part_entry(path: str, content_type: str, body: bytes) -> str:
    """One page's text inside a part."""
    return json.dumps(path) + ":" + json.dumps([content_type, body.decode("utf-8")], ensure_ascii=False,
                                               separators=(",", ":"))


def part_body(entries: Iterable[str]) -> bytes:
    return ("{" + ",".join(entries) + "}").encode()


def cache_name(version: str, locale: str, province: str | None = None) -> str:
    return f"mitta-{version}-{locale}" + (f"-{province}" if province else "")


def parse_cache_name(name: str) -> dict | None:
    match = CACHE_NAME.match(name)
    return match and {"version": match[1], "locale": match[2], "province": match[3] or ""}


def search_document(slug: str, n: int = 1) -> str:
    """The file name of a search index shard's n-th document (1: the shard's own name)."""
    return f"{slug}.json" if n == 1 else f"{slug}~{n}.json"


def province_of(path: str, service_province: Callable[[str], str | None]) -> str | None:
    """The province a saved path belongs to (None: national, the guide, the app);
    `service_province(id)` is the province whose own a service is (search.shard_of)."""
    segments = [s for s in path.split("/") if s]
    if len(segments) >= 3 and segments[1] == "province":
        return segments[2]
    if len(segments) == 3 and segments[1] == "service":
        return service_province(segments[2])
    if len(segments) == 3 and segments[1] in ("search-index", "share-texts"):
        return segments[2].removesuffix(".json").split("~")[0]
    return None
