"""Mitta's HSDS profile (server/hsds_profile/) in the standard's form: the committed schemas are
what the patches compile to, each a valid JSON Schema (the HSDS CI's metaschema check); the API
serves every file and its root names the profile; adding a field is one patch edit and a compile."""
import json
import shutil

import jsonschema
import pytest

from hsds_schemas import problems
from server import hsds_profile
from server.content import rules
from server.hsds_profile import compile as profile_compile

BASE = "http://127.0.0.1:8000/api/v1/profile/"


@pytest.fixture(scope="module")
def client():
    import conftest
    return conftest.make_app().test_client()


def test_the_committed_schemas_are_what_the_patches_compile_to(capsys):
    fresh = profile_compile.build()
    assert fresh == profile_compile.committed(), "run: python -m server.hsds_profile.compile"
    assert profile_compile.main(["--check"]) == 0 and "as compiled" in capsys.readouterr().out
    for name, text in fresh.items():
        if "/" not in name:   # as the HSDS CI: check-jsonschema schema/*.json --check-metaschema
            jsonschema.Draft202012Validator.check_schema(json.loads(text))
    assert {"compiled/service.json", "compiled/service_list.json", "compiled/organization.json",
            "service.json", "phone.json"} <= set(fresh)
    # The objects Mitta never publishes are removed, and every reference to them with them.
    assert "contact.json" not in fresh and "contacts" not in json.loads(fresh["service.json"])["properties"]


def test_a_changed_schema_is_found_stale(tmp_path, capsys):
    schema_dir = tmp_path / "schema"
    shutil.copytree(hsds_profile.SCHEMA_DIR, schema_dir)
    (schema_dir / "phone.json").write_text("{}", encoding="utf-8")
    files = profile_compile.build()
    assert profile_compile.committed(schema_dir) != files
    profile_compile.write(files, schema_dir)
    assert profile_compile.committed(schema_dir) == files


def test_adding_an_extension_field_is_one_patch_edit_and_a_compile(tmp_path, client):
    """What docs/hsds.md tells the next engineer to do, done: until the patch says so, a record with
    the new field fails strict validation; after it, the compiled schemas hold it everywhere."""
    patches = tmp_path / "profile"
    shutil.copytree(hsds_profile.PATCH_DIR, patches)
    service = json.loads((patches / "service.json").read_text(encoding="utf-8"))
    service["properties"]["x_example"] = {"type": "string", "title": "Example", "description": "A test field."}
    (patches / "service.json").write_text(json.dumps(service), encoding="utf-8")
    files = profile_compile.build(patch_dir=patches)
    for name in ("service.json", "compiled/service.json", "compiled/service_list.json", "compiled/organization.json"):
        assert "x_example" in files[name], name
    record = client.get("/api/v1/services/" + client.application.extensions["content"].services[0].id).get_json()
    assert any("'x_example' was unexpected" in p for p in problems(dict(record, x_example="a"), "service.json"))


def test_every_extension_says_what_it_holds_and_its_values_are_the_contents():
    patched = {}
    for path in sorted(hsds_profile.PATCH_DIR.glob("*.json")):
        patch = json.loads(path.read_text(encoding="utf-8"))
        for field, spec in (patch or {}).get("properties", {}).items():
            if spec is not None:
                assert field.startswith("x_") and spec["description"] and spec["title"], (path.name, field)
                patched[(path.stem, field)] = spec
    assert patched[("phone", "x_confidence")]["enum"] == list(rules.SHOWN_CONFIDENCES)
    assert ("service", "x_safety_note") in patched and ("service_area", "x_country") in patched


def test_the_api_serves_the_profile_its_root_names(client):
    root = client.get("/api/v1/").get_json()
    assert root["profile"] == BASE
    index = client.get("/api/v1/profile/").get_json()
    assert (index["profile"], index["hsds_version"]) == (BASE, "3.1") and "CC BY-SA 4.0" in index["attribution"]
    files = hsds_profile.files()
    assert index["patches"] + index["schemas"] == [BASE + name for name in files]
    for name, body in files.items():
        response = client.get("/api/v1/profile/" + name)
        assert (response.status_code, response.mimetype, response.get_data()) == (200, "application/json", body)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    for missing in ("schema/contact.json", "schema/compiled/nothing.json", "profile/../schema/service.json"):
        response = client.get("/api/v1/profile/" + missing)
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_the_openapi_document_describes_records_with_the_profiles_schemas(client):
    document = client.get("/api/v1/openapi.json").get_json()
    components = document["components"]["schemas"]
    profile = hsds_profile.schemas()
    for name, schema in profile.items():
        component = components[name.removesuffix(".json")]
        assert component["externalDocs"]["url"] == BASE + "schema/" + name
        assert component["additionalProperties"] is False
        assert set(component["properties"]) == set(schema["properties"])
        assert set(components[name.removesuffix(".json") + "_list"]["properties"]) == {
            k for k, v in schema["properties"].items() if v.get("type") != "array"}
    assert document["externalDocs"]["url"] == BASE
