"""The offline protocol's one table (tests/cases/protocol.json) against both of its owners:
server/protocol.py here, service_worker/protocol.js in Node, the same file the worker imports.
A rule both sides implement runs on both; what only one side decides runs on that side."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from server import protocol

ROOT = Path(__file__).resolve().parent.parent
TABLE = json.loads((ROOT / "tests" / "cases" / "protocol.json").read_text(encoding="utf-8"))
NODE = shutil.which("node")
SERVICES = {"S1": "pursat", "S2": None}

PYTHON = {
    "compressible": protocol.compressible,
    "part_url": protocol.part_url,
    "module_url": protocol.module_url,
    "digest_of": lambda text: protocol.digest_of(text.encode()),
    "cache_name": protocol.cache_name,
    "parse_cache_name": protocol.parse_cache_name,
    "pages_of": lambda text: list(json.loads(text)),
    "province_of": lambda path: protocol.province_of(path, SERVICES.get),
    "search_document": protocol.search_document,
}
# The worker's names for the table's kinds.
JS = {"compressible": "compressible", "part_url": "partUrl", "module_url": "moduleUrl", "digest_of": "digestOf",
      "cache_name": "cacheName", "parse_cache_name": "parseCacheName", "pages_of": "pagesOf",
      "locale_of": "localeOf", "read_order": "readOrder", "reusable": "reusable", "stale": "stale", "status": "status"}
# Each runs `Protocol[name](...args)` on every row of its kind and prints the answers.
RUNNER = """
const Protocol = require(process.argv[1]);
const rows = JSON.parse(require('fs').readFileSync(0, 'utf8'));
(async () => {
  const out = [];
  for (const [name, args] of rows) {
    let value = await Protocol[name](...args.map((a) => (name === 'digestOf' ? new TextEncoder().encode(a) : a)));
    if (name === 'readOrder') value = value.map((c) => c.name);
    out.push(value === undefined ? null : value);
  }
  const constants = {};
  for (const key of %s) constants[key] = Protocol[key];
  console.log(JSON.stringify({out, constants}));
})();
"""


# The kinds whose rows give a list of arguments; the others give the one argument.
MULTI = {"module_url", "cache_name", "search_document", "locale_of", "read_order", "reusable", "stale", "status"}


def rows(*groups):
    found = []
    for group in groups:
        for kind, cases in TABLE[group].items():
            for n, (args, expected) in enumerate(cases, 1):
                found.append(pytest.param(kind, args if kind in MULTI else [args], expected, id=f"{kind}-{n}"))
    return found


@pytest.mark.parametrize("kind,args,expected", rows("both", "python"))
def test_the_server_keeps_the_protocol(kind, args, expected):
    assert PYTHON[kind](*args) == expected


def test_the_server_has_the_protocols_constants():
    assert {key: getattr(protocol, key) if not isinstance(getattr(protocol, key), tuple) else list(getattr(protocol, key))
            for key in TABLE["constants"]} == TABLE["constants"]


@pytest.fixture(scope="module")
def worker():
    """Every worker row answered by service_worker/protocol.js in one Node process."""
    if not NODE:
        pytest.fail("node is needed to run the worker's side of tests/cases/protocol.json")
    params = rows("both", "worker")
    calls = [[JS[p.values[0]], p.values[1]] for p in params]
    done = subprocess.run([NODE, "-e", RUNNER % json.dumps(list(TABLE["constants"])),
                           str(ROOT / "service_worker" / "protocol.js")],
                          input=json.dumps(calls), capture_output=True, text=True, check=True)
    answers = json.loads(done.stdout)
    return {p.id: answer for p, answer in zip(params, answers["out"])} | {"constants": answers["constants"]}


@pytest.mark.parametrize("kind,args,expected", rows("both", "worker"))
def test_the_worker_keeps_the_protocol(worker, request, kind, args, expected):
    assert worker[request.node.callspec.id] == expected


def test_the_worker_has_the_protocols_constants(worker):
    assert worker["constants"] == TABLE["constants"]
