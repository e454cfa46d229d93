"""Validation against Mitta's compiled HSDS profile (server/hsds_profile/schema/) in the strict mode
of the HSDS specification's own CI (validate_examples_json_schema.sh): each schema is passed through
compiletojsonschema with `--set-additional-properties-false-everywhere`, so a property the profile
does not define fails anywhere in a document, then the document is validated with jsonschema, as
check-jsonschema does. Which schema holds which document is the CI's choice too: a fully nested
service or organization against `compiled/`, a record of a list answer against `compiled/*_list`,
a taxonomy, term or location against its own object schema."""
import json
from functools import cache
from pathlib import Path

import jsonschema
from compiletojsonschema.compiletojsonschema import CompileToJsonSchema

from server import hsds_profile

SCHEMA_DIR = hsds_profile.SCHEMA_DIR
CORE = hsds_profile.CORE_DIR / "schema"
EXAMPLES = hsds_profile.CORE_DIR / "examples"
# HSDS's own API description: its page wrapper and the answer of `/`.
CORE_OPENAPI = json.loads((CORE / "openapi.json").read_text(encoding="utf-8"))
PAGE = CORE_OPENAPI["components"]["schemas"]["Page"]
ROOT = CORE_OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
# A list answer's records are the one-to-one fields only (HSDS's `*_list` compiled schemas).
LIST_ITEMS = {"service.json": "compiled/service_list.json", "organization.json": "compiled/organization_list.json"}
FULL = {"service.json": "compiled/service.json", "organization.json": "compiled/organization.json"}
validated = {"documents": 0}   # how many documents the tests validated (printed by test_api)


@cache
def strict_schema(name: str) -> dict:
    """`name` under the profile's schema/, as the specification's CI makes it strict."""
    compiled = CompileToJsonSchema(input_filename=str(SCHEMA_DIR / name),
                                   set_additional_properties_false_everywhere=True).get()
    return json.loads(json.dumps(compiled))


def _strict(schema: dict) -> dict:
    return json.loads(json.dumps(CompileToJsonSchema(input_schema=schema,
                                                     set_additional_properties_false_everywhere=True).get()))


@cache
def _validator(name: str):
    schema = strict_schema(name)
    jsonschema.validators.validator_for(schema).check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _problems(validator, record, at):
    validated["documents"] += 1
    return [f"{at}/{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in sorted(validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))]


def problems(record, schema_name, at="", in_list=False):
    """Every way `record` breaks the profile's schema for `schema_name` ("service.json", ...),
    strictly: a fully nested service or organization, or (`in_list`) a record of a list answer."""
    name = (LIST_ITEMS if in_list else FULL).get(schema_name, schema_name)
    return _problems(_validator(name), record, at)


def page_problems(body, item_schema):
    """An HSDS page of records: the wrapper as HSDS's API description has it, with nothing beside
    its fields and `contents`, and each record strictly."""
    wrapper = _strict(dict(PAGE, properties=dict(PAGE["properties"], contents={"type": "array"}),
                           required=[*PAGE["properties"], "contents"]))
    found = _problems(jsonschema.Draft202012Validator(wrapper), body, "")
    for i, item in enumerate(body.get("contents", [])):
        found += problems(item, item_schema, f"/contents/{i}", in_list=True)
    return found


def root_problems(body):
    """The answer of `/api/v1/`, against HSDS's own description of it (absolute URIs), strictly."""
    schema = _strict(dict(ROOT, required=list(ROOT["properties"])))
    return _problems(jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()), body, "")


def strict_file(name: str, folder: Path) -> Path:
    """The strict schema written to a file, for check-jsonschema's --schemafile."""
    path = folder / name.replace("/", "_")
    path.write_text(json.dumps(strict_schema(name)), encoding="utf-8")
    return path
