"""Compile Mitta's HSDS profile: `python -m server.hsds_profile.compile` (`--check`: only say whether
the committed schemas are what a compile makes now; exit 1 when not).

The steps are those of Open Referral's reference implementation (hsds_schema_tools'
`profile-all`, which the HSDS example profile uses): every patch in `profile/` is applied to the
core schema of the same name in `core/schema/` by JSON Merge Patch (RFC 7386, the json-merge-patch
library the tool uses); a patch that is only `null` removes that object, and every property that
refers to a removed object goes with it; the results are `schema/*.json`. Then, in
`schema/compiled/`, the nested documents are inlined in full: a service with all it holds
(`service.json`), one without its lists (`service_list.json`), an array of services
(`service_package.json`), the same three for an organization (which nests its services) and for
a service at a location, and `service_with_definitions.json` (a service, every other object once
under `definitions`). The tool fetches the core from GitHub; ours is vendored, so a compile needs
no network and gives the same bytes everywhere.

Plain Python, no Flask: serving reads the committed files and never compiles.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import json_merge_patch

from . import CORE_DIR, PATCH_DIR, SCHEMA_DIR

COMPILED = "compiled"


def _load(folder: Path) -> dict:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def _drop_refs_to(schema, removed):
    properties = schema["properties"]
    for prop in list(properties):
        spec = properties[prop]
        if spec.get("$ref") in removed or spec.get("items", {}).get("$ref") in removed:
            properties.pop(prop)


def merged(core: dict, patches: dict) -> dict:
    """The profile's object schemas: each core schema with its patch applied (hsds_schema_tools'
    `profile_to_schema`; HSDS's own API description, openapi.json, is left out: Mitta's API is
    described by /api/v1/openapi.json)."""
    core = {name: s for name, s in copy.deepcopy(core).items() if name != "openapi.json"}
    removed = {name for name, patch in patches.items() if not patch}
    out = {}
    for name, schema in core.items():
        if name in removed:
            continue
        if name in patches:
            schema = json_merge_patch.merge(schema, copy.deepcopy(patches[name]))
        _drop_refs_to(schema, removed)
        out[name] = schema
    for name, patch in patches.items():
        if name not in core and patch:
            out[name] = copy.deepcopy(patch)      # a new object the profile defines
    return out


def _inline(schema, schemas):
    """Every `$ref` to another object replaced by that object, recursively (the tool's
    `compile_schema`: a property's own keywords are kept over the object's)."""
    for prop in schema["properties"].values():
        array_ref = prop.get("items", {}).get("$ref")
        if array_ref:
            prop["items"].pop("$ref")
            own = prop["items"].copy()
            prop["items"] = _inline(copy.deepcopy(schemas[array_ref]), schemas)
            prop.update(own)
        obj_ref = prop.get("$ref")
        if obj_ref:
            prop.pop("$ref")
            own = prop.copy()
            prop.clear()
            prop.update(_inline(copy.deepcopy(schemas[obj_ref]), schemas))
            prop.update(own)
    return schema


def _without_lists(properties):
    """The tool's `remove_one_to_many`: a list answer's records hold no nested lists."""
    for key, value in list(properties.items()):
        if value.get("type") == "array" and "items" in value:
            properties.pop(key)
        if value.get("type") == "object" and "properties" in value:
            _without_lists(value["properties"])


def _with_definitions(schemas):
    def local(schema):
        schema = copy.deepcopy(schema)
        for prop in schema["properties"].values():
            if prop.get("items", {}).get("$ref"):
                prop["items"]["$ref"] = "#/definitions/" + prop["items"]["$ref"].split(".")[0]
            if prop.get("$ref"):
                prop["$ref"] = "#/definitions/" + prop["$ref"].split(".")[0]
        return schema
    others = {s["name"]: local(s) for n, s in schemas.items() if n != "service.json"}
    compiled = local(schemas["service.json"])
    compiled["definitions"] = {name: s for name, s in
                               sorted(others.items(), key=lambda i: i[1]["datapackage_metadata"]["order"])}
    return compiled


def compiled(schemas: dict) -> dict:
    """The nested documents, fully inlined (the tool's `_compile_schemas`)."""
    out = {"service_with_definitions.json": _with_definitions(schemas)}

    def three(name, schema):
        full = _inline(schema, schemas)
        out[f"{name}.json"] = copy.deepcopy(full)
        out[f"{name}_package.json"] = {"type": "array", "items": copy.deepcopy(full)}
        _without_lists(full["properties"])
        out[f"{name}_list.json"] = full

    three("service", copy.deepcopy(schemas["service.json"]))
    organization = copy.deepcopy(schemas["organization.json"])
    organization["properties"]["services"] = {"type": "array", "items": {"$ref": "service.json"}}
    three("organization", organization)
    at_location = copy.deepcopy(schemas["service_at_location.json"])
    at_location["properties"]["service"] = {"name": "service", "$ref": "service.json"}
    full = _inline(at_location, schemas)
    full["properties"]["service"]["properties"].pop("service_at_locations", None)
    out["service_at_location.json"] = copy.deepcopy(full)
    out["service_at_location_package.json"] = {"type": "array", "items": copy.deepcopy(full)}
    _without_lists(full["properties"])
    out["service_at_location_list.json"] = full
    return out


def _text(schema) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def build(core_dir: Path = CORE_DIR / "schema", patch_dir: Path = PATCH_DIR) -> dict[str, str]:
    """Every file the compile writes, by its path under schema/, as text."""
    schemas = merged(_load(core_dir), _load(patch_dir))
    files = {name: _text(s) for name, s in schemas.items()}
    files |= {f"{COMPILED}/{name}": _text(s) for name, s in compiled(schemas).items()}
    return dict(sorted(files.items()))


def committed(schema_dir: Path = SCHEMA_DIR) -> dict[str, str]:
    return {p.relative_to(schema_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(schema_dir.rglob("*.json"))}


def write(files: dict[str, str], schema_dir: Path = SCHEMA_DIR):
    for old in schema_dir.rglob("*.json"):
        if old.relative_to(schema_dir).as_posix() not in files:
            old.unlink()
    for name, text in files.items():
        target = schema_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    files = build()
    if "--check" in argv:
        now = committed()
        stale = sorted(set(files) ^ set(now) | {n for n, t in files.items() if now.get(n) != t})
        if stale:
            print("schema/ is not what the profile compiles to; run python -m server.hsds_profile.compile:\n  "
                  + "\n  ".join(stale))
            return 1
        print(f"schema/: {len(files)} files, as compiled")
        return 0
    write(files)
    print(f"{SCHEMA_DIR}: {len(files)} files ({sum(len(t.encode()) for t in files.values()):,} B)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
