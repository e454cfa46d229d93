"""The OpenAPI 3.1 document of /api/v1/, written in one place next to what it describes.

Schemas are closed (`additionalProperties: false`), so a field we add without describing it
fails the Schemathesis run in `make test`. The parameters that name something in the content
(province, taxonomy term) list the values the loaded model has.
"""
from __future__ import annotations

from . import hsds
from .content import rules
from .security import MAX_PATH_BYTES, MAX_QUERY_BYTES

URL = "/api/v1/openapi.json"
PROFILE = URL  # our HSDS profile is HSDS 3.1 plus the x_ extensions this document lists
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20

UUID_PATTERN = rules.UUID_PATTERN   # the ids content/ may hold, so the only ones a path can name
S = {"type": "string"}
UUID = {"type": "string", "format": "uuid"}
DATE = {"type": "string", "format": "date"}
BOOL = {"type": "boolean"}
NUM = {"type": "number"}


def obj(required, **props):
    return {"type": "object", "required": list(required), "additionalProperties": False,
            "properties": props}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def array(item):
    return {"type": "array", "items": item}


def texts(*names):
    """Text fields, with their Khmer twins (present in exports, never in API answers)."""
    return {name: S for name in names}


SERVICE_LIST = dict(
    id=UUID, organization_id=UUID, status={"enum": list(rules.STATUSES)},
    assured_date=DATE, last_modified={"type": "string", "format": "date-time"},
    x_free=BOOL, x_source=S, x_checked_by=S, x_alert_from=DATE, x_alert_until=DATE,
    **texts("name", "description", "fees_description", "eligibility_description", "x_summary",
            "x_safety_note", "alert"))
ORGANIZATION = dict(id=UUID, website={"type": "string", "format": "uri"},
                    x_scope={"enum": ["national", "provincial"]}, **texts("name", "description"))

SCHEMAS = {
    "Error": obj(["error"], error=obj(["status", "message"], status={"type": "integer"}, message=S)),
    "ApiInfo": obj(["version", "profile", "openapi_url"], version=S,
                   profile={"type": "string", "format": "uri-reference"},
                   openapi_url={"type": "string", "format": "uri-reference"}),
    "Taxonomy": obj(["id", "name", "description"], id=UUID, name=S, description=S, version=S),
    "TaxonomyTerm": obj(["id", "name", "description"], id=UUID, code=S, name=S, description=S,
                        taxonomy_id=UUID, taxonomy=S, language={"enum": list(hsds.LANGS)}),
    "Organization": obj(["id", "name", "description"], **ORGANIZATION),
    "OrganizationFull": obj(["id", "name", "description", "locations", "services"], **ORGANIZATION,
                            locations=array(ref("Location")), services=array(ref("Service"))),
    "Address": obj(["id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
                   id=UUID, location_id=UUID, address_1=S, city=S, state_province=S, postal_code=S,
                   country={"const": "KH"}, address_type={"const": "physical"}),
    "Location": obj(["id", "location_type", "x_province", "addresses"], id=UUID,
                    location_type={"const": "physical"}, organization_id=UUID, name=S, latitude=NUM,
                    longitude=NUM, x_province=S, addresses=array(ref("Address"))),
    "Phone": obj(["id", "number"], id=UUID, service_id=UUID, number=S, type={"const": "voice"},
                 description=S, x_available=S, x_sms=BOOL,
                 x_country=S, x_confidence={"enum": list(rules.SHOWN_CONFIDENCES)}, x_source=S),
    "Schedule": obj(["id", "freq", "byday", "opens_at", "closes_at"], id=UUID, service_id=UUID,
                    freq={"const": "WEEKLY"}, byday=S, opens_at=S, closes_at=S, timezone=NUM),
    "ServiceArea": obj(["id", "name"], id=UUID, service_id=UUID, name=S, x_province=S, x_country=S),
    "ServiceAtLocation": obj(["id", "service_id", "location_id", "location"], id=UUID, service_id=UUID,
                             location_id=UUID, location=ref("Location")),
    "Language": obj(["id", "code", "name"], id=UUID, service_id=UUID, code=S, name=S),
    "RequiredDocument": obj(["id", "document"], id=UUID, service_id=UUID, document=S),
    "Attribute": obj(["id", "link_id", "taxonomy_term_id", "taxonomy_term"], id=UUID, link_id=UUID,
                     link_type=S, link_entity=S, taxonomy_term_id=UUID, taxonomy_term=ref("TaxonomyTerm")),
    "Service": obj(["id", "name", "status"], **SERVICE_LIST),
    "ServiceFull": obj(
        ["id", "name", "status", "organization", "phones", "schedules", "service_areas",
         "service_at_locations", "languages", "required_documents", "attributes"], **SERVICE_LIST,
        organization=ref("Organization"), phones=array(ref("Phone")), schedules=array(ref("Schedule")),
        service_areas=array(ref("ServiceArea")), service_at_locations=array(ref("ServiceAtLocation")),
        languages=array(ref("Language")), required_documents=array(ref("RequiredDocument")),
        attributes=array(ref("Attribute"))),
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
PAGING = [query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000},
                "Page number, from 1. A page past the last answers an empty page."),
          query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                f"Items per page (default {DEFAULT_PER_PAGE}).")]


def json_response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


BAD = json_response("A parameter is unknown, repeated or out of range; the message says which.", ref("Error"))
MISSING = json_response("No record has this id.", ref("Error"))
# security.py refuses these for every route before the API sees them (no search is this long).
TOO_LONG = json_response(f"The query string is over {MAX_QUERY_BYTES:,} bytes or the path over "
                         f"{MAX_PATH_BYTES:,} bytes.", ref("Error"))


def operation(op_id, summary, ok, parameters=(), not_found=False):
    responses = {"200": ok, "400": BAD, "414": TOO_LONG}
    if not_found:
        responses["404"] = MISSING
    return {"get": {"operationId": op_id, "summary": summary, "parameters": list(parameters),
                    "responses": responses}}


def by_id(op_id, summary, schema, example):
    path_id = {"name": "id", "in": "path", "required": True, "description": "The record's UUID.",
               "schema": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}, "example": example}
    return operation(op_id, summary, json_response(summary, ref(schema)), [path_id, LANG], not_found=True)


def document(model):
    description = (
        "Mitta's referral directory (Cambodia) as Open Referral HSDS 3.1, read-only. Texts are "
        "English unless `lang=km`. A number nobody has confirmed has `x_confidence: plausible`: "
        "say 'not yet checked - call to confirm'. Extensions: "
        + "; ".join(f"`{k}`: {v}" for k, v in hsds.EXTENSIONS.items()) + ".")
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
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/": operation("getAPIMetaInformation", "HSDS version and profile of this API",
                           json_response("About this API", ref("ApiInfo"))),
            "/services": operation("getPaginatedListOfServices", "Services, one-to-one fields only",
                                   json_response("A page of services", page_of("Service")),
                                   [LANG, *PAGING, term, province, modified]),
            "/services/{id}": by_id("getServiceById", "One fully nested service", "ServiceFull",
                                    model.services[0].id),
            "/organizations": operation("getPaginatedListOfOrganizations", "Organizations",
                                        json_response("A page of organizations", page_of("Organization")),
                                        [LANG, *PAGING]),
            "/organizations/{id}": by_id("getOrganizationById", "One organization with its locations and services",
                                         "OrganizationFull", model.organizations[0].id),
            "/taxonomies": operation("getPaginatedListOfTaxonomies", "Taxonomies",
                                     json_response("A page of taxonomies", page_of("Taxonomy")), [LANG, *PAGING]),
            "/taxonomy_terms": operation("getPaginatedListOfTaxonomyTerms", "Taxonomy terms (Mitta's categories)",
                                         json_response("A page of taxonomy terms", page_of("TaxonomyTerm")),
                                         [LANG, *PAGING]),
            "/openapi.json": operation("getOpenAPIDocument", "This document",
                                       json_response("This document", {"type": "object"})),
        },
        "components": {"schemas": SCHEMAS},
    }
