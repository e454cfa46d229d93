"""The OpenAPI 3.1 document of /api/v1/, written in one place next to what it describes.

The records' schemas are the HSDS profile's own (server/hsds_profile/schema/): each object schema
is a component that names its file in the profile, its references to other objects pointed at
their components, and closed (`additionalProperties: false`, the HSDS CI's strict mode), so a
field the profile does not define fails the Schemathesis run in `make test`. The parameters that
name something in the content (province, taxonomy term) list the values the loaded model has.
"""
from __future__ import annotations

from . import hsds, hsds_profile
from .content import rules
from .security import MAX_PATH_BYTES, MAX_QUERY_BYTES

URL = "/api/v1/openapi.json"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20

UUID_PATTERN = rules.UUID_PATTERN   # the ids content/ may hold, so the only ones a path can name
S = {"type": "string"}
BOOL = {"type": "boolean"}
# Keywords of HSDS's schemas that only its tabular form and documentation read.
TABULAR_ONLY = {"name", "path", "datapackage_metadata", "constraints", "core", "tabular_required",
                "example", "datapackage_type"}


def obj(required, **props):
    return {"type": "object", "required": list(required), "additionalProperties": False,
            "properties": props}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def array(item):
    return {"type": "array", "items": item}


def _component(schema, file, base, lists=False):
    """One object schema of the profile as a closed component; `lists=False` drops its nested
    lists and points its nested objects at their list forms (HSDS's `*_list` compiled schemas)."""
    properties = {}
    for key, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k not in TABULAR_ONLY}
        target = prop.get("items", {}).get("$ref")
        if target:
            if not lists:
                continue
            prop["items"] = ref(target.removesuffix(".json"))
        if "$ref" in prop:
            name = prop["$ref"].removesuffix(".json")
            prop["$ref"] = f"#/components/schemas/{name}{'' if lists else '_list'}"
        properties[key] = prop
    out = {k: v for k, v in schema.items() if k not in TABULAR_ONLY}
    out.update(properties=properties, additionalProperties=False,
               externalDocs={"description": "This object in Mitta's HSDS profile", "url": f"{base}schema/{file}"})
    return out


def profile_schemas(base):
    """Every object of the profile as a component, each also in its list form, and HSDS's fully
    nested organization (with its services, as compiled/organization.json has them)."""
    found = {}
    for file, schema in hsds_profile.schemas().items():
        name = file.removesuffix(".json")
        found[name] = _component(schema, file, base, lists=True)
        found[f"{name}_list"] = _component(schema, file, base, lists=False)
    organization = found["organization"]
    found["organization_full"] = dict(organization, properties=dict(organization["properties"],
                                                                      services=array(ref("service"))))
    return found


def schemas(base):
    return {
        "Error": obj(["error"], error=obj(["status", "message"], status={"type": "integer"}, message=S)),
        "ApiInfo": obj(["version", "profile", "openapi_url"], version=S,
                       profile={"type": "string", "format": "uri", "description": "The HSDS profile of this API."},
                       openapi_url={"type": "string", "format": "uri"}),
        **profile_schemas(base),
    }


PAGE_FIELDS = dict(total_items={"type": "integer", "minimum": 0}, total_pages={"type": "integer", "minimum": 0},
                   page_number={"type": "integer", "minimum": 1}, size={"type": "integer", "minimum": 0},
                   first_page=BOOL, last_page=BOOL, empty=BOOL)


def page_of(name):
    return obj(list(PAGE_FIELDS) + ["contents"], **PAGE_FIELDS, contents=array(ref(name)))


def query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


LANG = query("lang", {"type": "string", "enum": list(hsds.LANGS)},
             "Language of every text: en (default) or km. Ids are the same in both.")
PAGING = [query("page", {"type": "integer", "minimum": 1},
                "Page number, from 1. A page past the last answers an empty page."),
          query("per_page", {"type": "integer", "minimum": 1},
                f"Items per page (default {DEFAULT_PER_PAGE}). At most {MAX_PER_PAGE} are given: a "
                f"larger number answers pages of {MAX_PER_PAGE}, and the page's `size` and "
                "`total_pages` say so.")]


def json_response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


BAD = json_response("A parameter is unknown, repeated or out of range; the message says which.", ref("Error"))
MISSING = json_response("No record has this id.", ref("Error"))
NO_FILE = json_response("The profile has no file of this name.", ref("Error"))
# security.py refuses these for every route before the API sees them (no search is this long).
TOO_LONG = json_response(f"The query string is over {MAX_QUERY_BYTES:,} bytes or the path over "
                         f"{MAX_PATH_BYTES:,} bytes.", ref("Error"))


def operation(op_id, summary, ok, parameters=(), not_found=None):
    responses = {"200": ok, "400": BAD, "414": TOO_LONG}
    if not_found:
        responses["404"] = not_found
    return {"get": {"operationId": op_id, "summary": summary, "parameters": list(parameters),
                    "responses": responses}}


def by_id(op_id, summary, schema, example):
    path_id = {"name": "id", "in": "path", "required": True, "description": "The record's UUID.",
               "schema": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}, "example": example}
    return operation(op_id, summary, json_response(summary, ref(schema)), [path_id, LANG], not_found=MISSING)


def profile_file(op_id, summary, folder):
    names = sorted(n.rsplit("/", 1)[1] for n in hsds_profile.files() if n.rsplit("/", 1)[0] == folder)
    name = {"name": "name", "in": "path", "required": True, "description": "The file's name.",
            "schema": {"type": "string", "enum": names}}
    # A patch that removes an object is `null` (JSON Merge Patch); every other file is an object.
    body = {"type": ["object", "null"]} if folder == "profile" else {"type": "object"}
    return operation(op_id, summary, json_response(summary, body), [name], not_found=NO_FILE)


def document(model, profile):
    """`profile`: the absolute URL of the HSDS profile (hsds_profile.PATH at PUBLIC_URL)."""
    description = (
        "Mitta's referral directory (Cambodia) as Open Referral HSDS 3.1, read-only, in Mitta's "
        f"HSDS profile ({profile}): every record validates against the profile's schemas with no "
        "other field. Texts are English unless `lang=km`. A number nobody has confirmed has "
        "`x_confidence: plausible`: say 'not yet checked - call to confirm'. Each `x_` field is "
        "described in its schema below.")
    province = query("province", {"type": "string", "enum": [p.slug for p in model.provinces]},
                     "Only services a person in this province can use (its own and national ones).")
    term = query("taxonomy_term_id", {"type": "string", "enum": [hsds.term_id(c.slug) for c in model.categories]},
                 "Only services in this category (an id from /taxonomy_terms).")
    modified = query("modified_after", {"type": "string", "format": "date-time"},
                     "Only services checked on or after this time; services never checked are always included.")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mitta HSDS API", "version": hsds.VERSION, "description": description,
                 "license": {"name": "Data: see each record's x_source"}},
        "externalDocs": {"description": "Mitta's HSDS profile", "url": profile},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/": operation("getAPIMetaInformation", "HSDS version and profile of this API",
                           json_response("About this API", ref("ApiInfo"))),
            "/services": operation("getPaginatedListOfServices", "Services, one-to-one fields only",
                                   json_response("A page of services", page_of("service_list")),
                                   [LANG, *PAGING, term, province, modified]),
            "/services/{id}": by_id("getServiceById", "One fully nested service", "service",
                                    model.services[0].id),
            "/organizations": operation("getPaginatedListOfOrganizations", "Organizations",
                                        json_response("A page of organizations", page_of("organization_list")),
                                        [LANG, *PAGING]),
            "/organizations/{id}": by_id("getOrganizationById", "One organization with its locations and services",
                                         "organization_full", model.organizations[0].id),
            "/taxonomies": operation("getPaginatedListOfTaxonomies", "Taxonomies",
                                     json_response("A page of taxonomies", page_of("taxonomy")), [LANG, *PAGING]),
            "/taxonomy_terms": operation("getPaginatedListOfTaxonomyTerms", "Taxonomy terms (Mitta's categories)",
                                         json_response("A page of taxonomy terms", page_of("taxonomy_term")),
                                         [LANG, *PAGING]),
            "/openapi.json": operation("getOpenAPIDocument", "This document",
                                       json_response("This document", {"type": "object"})),
            "/profile/": operation("getProfile", "Mitta's HSDS profile: what it is and its files",
                                   json_response("The profile", {"type": "object"})),
            "/profile/profile/{name}": profile_file("getProfilePatch", "One of the profile's patches "
                                                    "(JSON Merge Patch over the HSDS 3.1 schema of that name)", "profile"),
            "/profile/schema/{name}": profile_file("getProfileSchema", "One object schema of the profile, "
                                                   "compiled from HSDS 3.1 and the patches", "schema"),
            "/profile/schema/compiled/{name}": profile_file("getProfileCompiledSchema", "A fully nested schema "
                                                            "of the profile (HSDS's compiled/)", "schema/compiled"),
        },
        "components": {"schemas": schemas(profile)},
    }
