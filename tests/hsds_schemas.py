"""Validation against the vendored official HSDS 3.1 schemas (tests/hsds/, CC BY-SA 4.0).

HSDS's object schemas allow any extra field, so besides the schemas themselves every field must be
one HSDS defines for that object or a documented `x_` extension: a misspelt field fails here."""
import json
from pathlib import Path

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA_DIR = Path(__file__).with_name("hsds") / "schema"
EXAMPLES = Path(__file__).with_name("hsds") / "examples"
SCHEMAS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA_DIR.glob("*.json")}
REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(schema, default_specification=DRAFT7)) for name, schema in SCHEMAS.items())
PAGE = SCHEMAS["openapi.json"]["components"]["schemas"]["Page"]
# HSDS's compiled "fully nested" organization (examples/organization_full.json) lists its services.
NESTED_EXTRAS = {"organization.json": {"services": "service.json"}}


def problems(record, schema_name, at=""):
    """Every way `record` breaks the official schema `schema_name`, as readable strings."""
    validator = jsonschema.Draft7Validator(SCHEMAS[schema_name], registry=REGISTRY,
                                           format_checker=jsonschema.FormatChecker())
    found = [f"{at}/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]
    return found + unknown_fields(record, schema_name, at)


def unknown_fields(record, schema_name, at):
    found = []
    props = SCHEMAS[schema_name]["properties"]
    for key, value in record.items():
        if key.startswith("x_"):
            continue
        extra = NESTED_EXTRAS.get(schema_name, {}).get(key)
        spec = {"items": {"$ref": extra}} if extra else props.get(key)
        if spec is None:
            found.append(f"{at}/{key}: not an HSDS field of {schema_name} and not an x_ extension")
            continue
        target = spec.get("$ref") or spec.get("items", {}).get("$ref")
        if target and isinstance(value, dict):
            found += problems(value, target, f"{at}/{key}")
        elif target and isinstance(value, list):
            for i, item in enumerate(value):
                found += problems(item, target, f"{at}/{key}/{i}")
    return found


def page_problems(body, item_schema):
    validator = jsonschema.Draft7Validator(PAGE)
    found = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    wanted = set(PAGE["properties"]) | {"contents"}
    if set(body) != wanted:
        found.append(f"page wrapper has {sorted(body)}, HSDS says {sorted(wanted)}")
    for i, item in enumerate(body.get("contents", [])):
        found += problems(item, item_schema, f"/contents/{i}")
    return found
