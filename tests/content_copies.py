"""Copies of content/ with a deliberate change, for tests that need the content to move."""
import re
import shutil
from pathlib import Path

from conftest import make_app

ROOT = Path(__file__).resolve().parent.parent


def changed_content(tmp_path):
    """A copy of content/ with one service renamed: (dir, service id, old name, new name)."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    model = make_app().extensions["content"]
    for service in model.services:
        old = service.name.en
        pattern = re.compile(r'(\ben:\s*"?)' + re.escape(old) + r'("?\s*$)', re.M)
        for path in sorted((target / "directory").glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            if pattern.search(text):
                new = old + " (renamed)"
                path.write_text(pattern.sub(lambda m: m.group(1) + new + m.group(2), text, count=1),
                                encoding="utf-8")
                return target, service.id, old, new
    raise AssertionError("no service name found in content/directory to change")


# A small directory whose every service is made up for tests, so that tests of what users see
# do not depend on which real services exist. The provinces, categories, short codes and guide
# are the real ones; the neighbours are set here.
CHECKED = {"source": "test fixture", "checked_on": "2026-11-22", "checked_by": "a test"}
UNCHECKED = {"source": "test fixture"}
NEIGHBOURS = {"pursat": ["battambang", "kampong-speu"], "battambang": ["pursat"], "kampong-speu": ["pursat"],
              "kratie": ["kampong-cham"], "kampong-cham": ["kratie"]}
DOUBTFUL_NUMBER = "023 995 611"


def _uuid(name):
    import uuid
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "mitta-test:" + name))


def _text(en, km="សាកល្បង"):
    return {"km": f"{km} {en}", "en": en}


def _service(name, categories, area, phones=(), provenance=UNCHECKED, **extra):
    return {"id": _uuid(name), "name": _text(name), "summary": _text(f"What {name} does"),
            "description": _text(f"About {name}"), "categories": list(categories), "area": area,
            "phones": [{"id": _uuid(name + number), "number": number, "confidence": confidence}
                       for number, confidence in phones],
            "provenance": dict(provenance), **extra}


SMALL_SERVICES = {
    "test-emergency": [
        _service("Test ambulance", ["emergency"], "national", [("119", "confirmed")], CHECKED, emergency_rank=1),
        _service("Test police", ["emergency"], "national", [("117", "confirmed")], CHECKED, emergency_rank=2),
    ],
    "test-health": [
        _service("Pursat test clinic", ["hiv-testing"], ["pursat"], [("012 345 678", "plausible")]),
        _service("Pursat walk-in hospital", ["hiv-testing", "sti-care"], ["pursat"]),
        _service("Battambang test clinic", ["sti-care", "hiv-testing"], ["battambang"], [("012 222 333", "plausible")]),
        _service("Kampong Speu test clinic", ["sti-care"], ["kampong-speu"], [("096 555 1234", "confirmed")], CHECKED),
        _service("National test hotline", ["sti-care", "legal-aid"], "national",
                 [("011 222 333", "confirmed"), ("012 777 888", "plausible")], CHECKED),
    ],
    "test-shelters": [
        _service("Doubtful test shelter", ["shelter"], ["pursat"], [(DOUBTFUL_NUMBER, "doubtful"), ("1280", "plausible")]),
        _service("Defunct test centre", ["legal-aid"], ["pursat"], [("012 999 000", "plausible")], status="defunct"),
        _service("Closed-for-now test office", ["legal-aid"], ["pursat"], [("012 999 111", "plausible")],
                 status="temporarily closed"),
        _service("Moved test office", ["legal-aid"], ["pursat"], [("012 999 222", "confirmed")], CHECKED,
                 alert={"text": _text("Number changed on 1 December", "ប្ដូរលេខ"), "until": "2026-12-15"}),
        _service("Test social affairs office", ["government-offices"], ["pursat"],
                 safety_note=_text("Test warning about detention")),
    ],
}


def small_content(tmp_path):
    """A content folder with the made-up directory above; returns its path."""
    import yaml
    target = tmp_path / "small-content"
    target.mkdir()
    for name in ("short-codes.yaml", "languages.yaml"):
        shutil.copy(ROOT / "content" / name, target / name)
    # A need with no made-up service must still say where its help is found (the content check
    # refuses a need page that offers nothing without that sentence).
    categories = yaml.safe_load((ROOT / "content" / "categories.yaml").read_text(encoding="utf-8"))
    for c in categories["categories"]:
        if c.get("need", True) and "where" not in c:
            c["where"] = {"text": _text(f"Ask at the test health centre for {c['slug']}."), "source": "test fixture"}
    (target / "categories.yaml").write_text(yaml.safe_dump(categories, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copytree(ROOT / "content" / "guide", target / "guide")
    provinces = yaml.safe_load((ROOT / "content" / "provinces.yaml").read_text(encoding="utf-8"))
    provinces["neighbours_source"] = "test fixture"
    for p in provinces["provinces"]:
        p["neighbours"] = NEIGHBOURS.get(p["slug"], [])
    (target / "provinces.yaml").write_text(yaml.safe_dump(provinces, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (target / "directory").mkdir()
    for slug, services in SMALL_SERVICES.items():
        org = {"id": _uuid(slug), "name": _text(slug), "description": _text(f"The {slug} organisation"),
               "scope": "national"}
        (target / "directory" / f"{slug}.yaml").write_text(yaml.safe_dump(
            {"km_status": "draft", "organization": org, "services": services}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
    return target
