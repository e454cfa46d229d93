"""The HSDS 3.1 API: every answer in both languages validates strictly against Mitta's compiled
HSDS profile, which the API serves and names; paging edges (clamped, past the end); filters; 404
and 400 JSON bodies; CORS on the API only."""
import json
import re
import shutil
from pathlib import Path

import pytest

from hsds_schemas import page_problems, problems, root_problems, validated
import conftest
from server import hsds, hsds_profile, openapi, security

ROOT = Path(__file__).resolve().parent.parent

KHMER = re.compile("[\u1780-\u17ff]")
LISTS = {"/api/v1/services": "service.json", "/api/v1/organizations": "organization.json",
         "/api/v1/taxonomies": "taxonomy.json", "/api/v1/taxonomy_terms": "taxonomy_term.json"}


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def every_page(client, url, per_page):
    first = get(client, f"{url}{'&' if '?' in url else '?'}per_page={per_page}")
    pages = [first] + [get(client, f"{url}{'&' if '?' in url else '?'}per_page={per_page}&page={n}")
                       for n in range(2, first["total_pages"] + 1)]
    return pages


@pytest.fixture
def model(app):
    return app.extensions["content"]


def test_the_validator_refuses_what_the_profile_refuses(client, model):
    """The checks below could not pass by accident: a broken record fails them, and a field the
    profile does not define fails at any depth, x_ or not."""
    record = get(client, f"/api/v1/services/{model.services[0].id}")
    assert problems(record, "service.json") == []
    broken = dict(record, status="open", phones=[{"number": "1", "x_fine": 1}], colour="red")
    broken["organization"] = dict(record["organization"], x_km_colour="ក")
    found = "\n".join(problems(broken, "service.json"))
    assert "/status: 'open' is not one of" in found and "/phones/0: 'id' is a required property" in found
    assert "'colour' was unexpected" in found and "'x_fine' was unexpected" in found
    assert "/organization: Additional properties are not allowed ('x_km_colour' was unexpected)" in found
    # A list answer's records hold no nested lists (HSDS's compiled service_list.json).
    assert any("'phones'" in p for p in problems(record, "service.json", in_list=True))


@pytest.mark.parametrize("lang", ["en", "km"])
def test_every_answer_validates_against_the_official_schemas(client, model, lang):
    checked = 0
    for url, item_schema in LISTS.items():
        for body in every_page(client, f"{url}?lang={lang}", 7):
            assert page_problems(body, item_schema) == []
            checked += body["size"]
    for s in model.services:
        record = get(client, f"/api/v1/services/{s.id}?lang={lang}")
        assert problems(record, "service.json") == [], s.id
        assert record["name"] == s.name(lang)
        checked += 1
    for o in model.organizations:
        record = get(client, f"/api/v1/organizations/{o.id}?lang={lang}")
        assert problems(record, "organization.json") == [], o.id
        assert [x["id"] for x in record["services"]] == list(o.service_ids)
        for location in record["locations"]:   # as the HSDS CI checks a location on its own
            assert problems(location, "location.json") == [], location["id"]
        checked += 1
    assert checked == 2 * (len(model.services) + len(model.organizations)) + 1 + len(model.categories)
    root = get(client, "/api/v1/")
    assert root_problems(root) == []
    assert root == {"version": "3.1", "profile": "http://127.0.0.1:8000/api/v1/profile/",
                    "openapi_url": "http://127.0.0.1:8000/api/v1/openapi.json"}
    print(f"{validated['documents']} documents validated strictly so far")


def test_english_by_default_khmer_on_request_with_the_same_ids(client, model):
    en = get(client, "/api/v1/services?per_page=100")["contents"]
    km = get(client, "/api/v1/services?per_page=100&lang=km")["contents"]
    assert get(client, "/api/v1/services?per_page=100&lang=en")["contents"] == en
    assert [s["id"] for s in en] == [s["id"] for s in km]
    assert not any(KHMER.search(s["name"]) for s in en if s["name"].isascii())
    assert all(KHMER.search(s["description"]) for s in km)
    service = model.services[0]
    full_km = get(client, f"/api/v1/services/{service.id}?lang=km")
    assert full_km["organization"]["name"] == model.organization(service.organization_id).name.km
    assert all(KHMER.search(a["taxonomy_term"]["name"]) for a in full_km["attributes"])


def test_a_service_is_fully_nested(client, model):
    called = next(s for s in model.services if s.phones and s.schedules)
    record = get(client, f"/api/v1/services/{called.id}")
    assert record["organization"]["id"] == called.organization_id
    assert [p["number"] for p in record["phones"]] == [p.number for p in called.public_phones]
    assert record["schedules"][0]["byday"] == ",".join(called.schedules[0].byday)
    assert {a["taxonomy_term"]["code"] for a in record["attributes"]} == set(called.categories)
    assert record["x_source"] == called.provenance.source
    with_location = next(s for s in model.services if s.location_ids)
    record = get(client, f"/api/v1/services/{with_location.id}")
    sal = record["service_at_locations"][0]
    assert sal["location"]["id"] == sal["location_id"] == with_location.location_ids[0]
    assert sal["location"]["addresses"] == []  # no address is known yet: none is made up


def test_a_phone_abroad_is_in_international_form_with_its_country(client, model):
    """HSDS 3.1's phone has no country field: the number is international (+66 ...), x_country says
    the country (a short code such as Thailand's 1300 only works inside it); Cambodia's say KH."""
    crisis, embassy = (next(s for s in model.services if s.name.en == name)
                       for name in ("Helpline 1300 in Thailand", "Cambodian embassy in Bangkok"))
    for lang, country in (("en", "Thailand"), ("km", "ថៃ")):
        records = [get(client, f"/api/v1/services/{s.id}?lang={lang}") for s in (crisis, embassy)]
        assert [(p["number"], p["x_country"]) for r in records for p in r["phones"]] == [
            ("1300", "TH"), ("+66 2 957 5851", "TH"), ("+66 2 957 5852", "TH")]
        assert [[(a["name"], a["x_country"]) for a in r["service_areas"]] for r in records] == [[(country, "TH")]] * 2
        assert not any("x_province" in a for r in records for a in r["service_areas"])
    police = get(client, f"/api/v1/services/{next(s.id for s in model.services if s.emergency_rank)}")
    assert {p["x_country"] for p in police["phones"]} == {"KH"}


def test_a_known_address_is_nested_in_both_languages(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    path = root / "directory" / "pursat-provincial-referral-hospital.yaml"
    path.write_text(path.read_text(encoding="utf-8") + ADDRESS, encoding="utf-8")
    client = conftest.make_app({"CONTENT_DIR": str(root)}).test_client()
    for lang, text, province in (("en", "Test road 1", "Pursat"), ("km", "ផ្លូវសាកល្បង ១", "ពោធិ៍សាត់")):
        record = get(client, f"/api/v1/services/37b3e2df-76d7-4ac7-830e-120d0bbf9ed2?lang={lang}")
        assert problems(record, "service.json") == []
        address = record["service_at_locations"][0]["location"]["addresses"][0]
        assert (address["address_1"], address["state_province"], address["country"]) == (text, province, "KH")


ADDRESS = """    address:
      km: "ផ្លូវសាកល្បង ១"
      en: "Test road 1"
"""


def test_paging_edges(client, model):
    total = len(model.services)
    one = every_page(client, "/api/v1/services", 1)
    assert len(one) == total and [p["page_number"] for p in one] == list(range(1, total + 1))
    assert one[0]["first_page"] and not one[0]["last_page"] and one[-1]["last_page"]
    assert not any(p["first_page"] for p in one[1:]) and all(p["size"] == 1 for p in one)
    assert len({p["contents"][0]["id"] for p in one}) == total
    whole = get(client, "/api/v1/services?per_page=1000")
    assert (whole["total_pages"], whole["size"], whole["first_page"], whole["last_page"]) == (1, total, True, True)
    assert [s["id"] for s in whole["contents"]] == [p["contents"][0]["id"] for p in one]
    exact = get(client, f"/api/v1/services?per_page={total}&page=1")
    assert exact["total_pages"] == 1 and exact["last_page"]
    past = get(client, f"/api/v1/services?per_page=10&page={-(-total // 10) + 1}")
    assert past["contents"] == [] and past["empty"] and past["size"] == 0 and past["total_items"] == total
    default = get(client, "/api/v1/services")
    assert default["size"] == min(total, openapi.DEFAULT_PER_PAGE)
    far = get(client, "/api/v1/services?page=" + "9" * 4000)
    assert far["contents"] == [] and far["empty"] and far["total_items"] == total


def test_per_page_beyond_the_maximum_is_clamped_and_the_page_says_its_real_size(client):
    """HSDS sets no maximum: a client asking for 1,000 a page gets pages of 100, told so."""
    terms = get(client, "/api/v1/taxonomy_terms?per_page=1")["total_items"]
    for per_page in ("101", "1000", "0001000", "9" * 40):
        body = get(client, f"/api/v1/taxonomy_terms?per_page={per_page}")
        assert body["size"] == min(terms, openapi.MAX_PER_PAGE) == len(body["contents"])
        assert body["total_pages"] == -(-terms // openapi.MAX_PER_PAGE) and body["last_page"]
    services = get(client, "/api/v1/services?per_page=1")["total_items"]
    assert services > 2
    body = get(client, "/api/v1/services?per_page=1000&page=2")
    assert body["contents"] == [] and body["page_number"] == 2 and body["total_pages"] == -(-services // 100)


@pytest.mark.parametrize("query, says", [
    ("page=0", "'page'"), ("page=-1", "'page'"), ("page=abc", "'page'"), ("page=1.5", "'page'"),
    ("per_page=0", "'per_page'"), ("per_page=000", "'per_page'"), ("per_page=%D9%A3", "'per_page'"),
    ("lang=fr", "'lang'"), ("lang=", "'lang'"), ("province=atlantis", "'province'"),
    ("taxonomy_term_id=emergency", "'taxonomy_term_id'"), ("modified_after=yesterday", "'modified_after'"),
    ("search=clinic", "not supported here (supported: lang, modified_after, page"),
    ("page=1&page=2", "more than once"),
])
def test_a_bad_parameter_answers_400_with_a_json_body(client, query, says):
    body = get(client, f"/api/v1/services?{query}", 400)
    assert body["error"]["status"] == 400 and says in body["error"]["message"]


def test_an_unknown_parameter_is_not_sent_back(client):
    body = get(client, "/api/v1/services?%3Cscript%3E=1", 400)
    assert "script" not in json.dumps(body) and "not supported" in body["error"]["message"]


@pytest.mark.parametrize("url", [
    "/api/v1/services/00000000-0000-4000-8000-000000000000", "/api/v1/services/not-an-id",
    "/api/v1/organizations/00000000-0000-4000-8000-000000000000", "/api/v1/nothing", "/api/v2/services",
])
def test_an_unknown_id_or_path_answers_404_with_a_json_body(client, url):
    body = get(client, url, 404)
    assert body["error"]["status"] == 404 and body["error"]["message"]


def test_another_method_answers_405_json_naming_the_allowed_ones(client):
    response = client.post("/api/v1/services")
    assert response.status_code == 405 and response.get_json()["error"]["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_filters(client, model):
    kratie = get(client, "/api/v1/services?province=kratie&per_page=100")["contents"]
    assert {s["id"] for s in kratie} == {s.id for s in model.services if s.serves("kratie")}
    assert any(not s.national for s in map(model.service, (x["id"] for x in kratie)))
    term = hsds.term_id("hiv-testing")
    tested = get(client, f"/api/v1/services?taxonomy_term_id={term}&per_page=100")["contents"]
    assert {s["id"] for s in tested} == {s.id for s in model.services if "hiv-testing" in s.categories} != set()
    never_checked = {s.id for s in model.services if not s.provenance.checked_on}
    future = get(client, "/api/v1/services?modified_after=2999-01-01T00:00:00Z&per_page=100")["contents"]
    assert {s["id"] for s in future} == never_checked
    leap = get(client, "/api/v1/services?modified_after=2016-12-31t23:59:60z&per_page=100")
    assert leap["total_items"] == len(model.services)
    past = get(client, "/api/v1/services?modified_after=2000-01-01&per_page=100")
    assert past["total_items"] == len(model.services)
    both = get(client, f"/api/v1/services?province=pursat&taxonomy_term_id={term}&per_page=100")["contents"]
    assert {s["id"] for s in both} == {s.id for s in model.services
                                      if s.serves("pursat") and "hiv-testing" in s.categories}


def test_cors_on_the_api_only_and_every_other_header_kept(client):
    api = client.get("/api/v1/services")
    page = client.get("/en/")
    assert api.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in page.headers
    for name, value in security.headers(client.application).items():
        assert api.headers[name] == value == page.headers[name]
    assert client.get("/api/v1/nothing").headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in api.headers


def test_the_openapi_document_describes_exactly_the_api(app, client):
    document = get(client, "/api/v1/openapi.json")
    documented = {"/api/v1" + path for path in document["paths"]}
    routed = {re.sub(r"<(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") and "path:" not in rule.rule}
    assert documented == routed
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        assert ("404" in responses) == ("{" in path)


def test_a_doubtful_number_is_in_no_answer(client, model):
    doubtful = [p for s in model.services for p in s.phones if p.confidence == "doubtful"]
    assert doubtful, "the content has doubtful numbers to hide"
    seen = []
    for lang in ("en", "km"):
        for s in model.services:
            seen.append(client.get(f"/api/v1/services/{s.id}?lang={lang}").get_data(as_text=True))
        for o in model.organizations:
            seen.append(client.get(f"/api/v1/organizations/{o.id}?lang={lang}").get_data(as_text=True))
        seen.append(client.get(f"/api/v1/services?per_page=100&lang={lang}").get_data(as_text=True))
    everything = "\n".join(seen)
    digits = re.sub(r"\D", "", everything)
    for phone in doubtful:
        assert phone.id not in everything and phone.number not in everything
        assert phone.tel.lstrip("+") not in digits
