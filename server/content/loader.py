"""Read `content/`, check every file, and build the immutable model — or say precisely why not.

Every problem names the file, the line and what is wrong, so that someone who keeps the data in a
text editor can fix it without reading code. Loading is all-or-nothing: one problem anywhere and
no model is returned, so the app never serves half-valid content.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import markdown
import nh3
import phonenumbers
import yaml
from phonenumbers import shortnumberinfo

from . import model as m

SCHEMAS = Path(__file__).with_name("schemas")
LANG_MARK = re.compile(r"^<!-- lang: (km|en) -->\s*$", re.M)
UUID_PATTERN = json.loads((SCHEMAS / "defs.json").read_text())["$defs"]["uuid"]["pattern"]
ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self):
        return f"{self.file}:{self.line or 1}: {self.message}"


class ContentError(Exception):
    def __init__(self, problems):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0))
        super().__init__("\n".join(str(p) for p in self.problems))


class _Loader(yaml.SafeLoader):
    """Dates stay strings, so an impossible one is reported with its line instead of crashing."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _schema_registry():
    from referencing import Registry, Resource
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(
            schema, default_specification=__import__("referencing.jsonschema").jsonschema.DRAFT202012)))
    return Registry().with_resources(resources)


class _Reader:
    """Reads files, remembering each value's line, and collects problems as it goes."""

    def __init__(self, root: Path, today: dt.date):
        self.root = root
        self.today = today
        self.problems: list[Problem] = []
        self.registry = _schema_registry()
        self.hash = hashlib.sha256()

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def problem(self, path, line, message):
        self.problems.append(Problem(self.name(path) if isinstance(path, Path) else path, line, message))

    def text(self, path: Path):
        raw = path.read_bytes()
        self.hash.update(self.name(path).encode() + b"\0" + raw + b"\0")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            self.problem(path, line, "not UTF-8 text")
            return None

    def yaml(self, path: Path, text: str, line_offset: int = 0):
        """(data, lines) where lines maps a path tuple to its line number."""
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
            line = mark.line + 1 + line_offset if mark else None
            problem = getattr(e, "problem", None) or str(e)
            self.problem(path, line, f"malformed YAML: {problem}")
            return None, {}
        finally:
            loader.dispose()
        lines = {}

        def walk(n, at):
            lines[at] = n.start_mark.line + 1 + line_offset
            if isinstance(n, yaml.MappingNode):
                for key, value in n.value:
                    lines[at + (key.value,)] = key.start_mark.line + 1 + line_offset
                    walk(value, at + (key.value,))
                    lines[at + (key.value,)] = key.start_mark.line + 1 + line_offset
            elif isinstance(n, yaml.SequenceNode):
                for i, item in enumerate(n.value):
                    walk(item, at + (i,))

        if node is not None:
            walk(node, ())
        return data, lines

    def check_schema(self, path, data, lines, schema_id) -> bool:
        schema = self.registry.contents(schema_id)
        validator = jsonschema.Draft202012Validator(
            schema, registry=self.registry, format_checker=jsonschema.FormatChecker())
        ok = True
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            ok = False
            at = tuple(error.absolute_path)
            self.problem(path, line_of(lines, at), f"{dotted(at)}: {explain(error)}")
        return ok


def line_of(lines, at):
    while at not in lines and at:
        at = at[:-1]
    return lines.get(at)


def dotted(at):
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def explain(error) -> str:
    """jsonschema's messages, said the way a content editor needs them."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing in ("km", "en"):
            return f"the {'Khmer' if missing == 'km' else 'English'} text ({missing}) is missing"
        return f"'{missing}' is required"
    if error.validator == "pattern" and path and path[-1] == "km":
        return "the Khmer text (km) has no Khmer script in it"
    if error.validator == "pattern" and error.validator_value == UUID_PATTERN:
        return f"{error.instance!r} is not a UUID (like 3f2b6c1e-8d4a-4b7e-9c1f-2a5d8e7b6c40)"
    if error.validator == "format" and error.validator_value == "date":
        return f"{error.instance!r} is not a real date (YYYY-MM-DD)"
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field")
    if error.validator in ("oneOf", "anyOf") and path and path[-1] == "checked_on":
        return f"{error.instance!r} is not a real date (YYYY-MM-DD)"
    return error.message


def tel_for(number: str, short_codes: set[str]) -> str | None:
    """The string a tel: link dials, or None when the number is not a Cambodian one."""
    digits = number.replace(" ", "")
    if digits in short_codes:
        return digits
    try:
        parsed = phonenumbers.parse(number, "KH")
    except phonenumbers.NumberParseException:
        return None
    if digits.isdigit() and len(digits) <= 5 and shortnumberinfo.is_valid_short_number_for_region(parsed, "KH"):
        return digits
    if phonenumbers.is_valid_number_for_region(parsed, "KH"):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def _text(d):
    return m.Text(km=d["km"].strip(), en=d["en"].strip()) if d else None


def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=[], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                     url_schemes={"https", "tel", "sms"}, link_rel="noopener noreferrer")


def load(root, today: dt.date | None = None, icons_dir=None) -> m.Content:
    """Load and check everything under `root`; raise ContentError listing every problem."""
    root = Path(root).resolve()
    today = today or dt.datetime.now(m.CAMBODIA).date()
    r = _Reader(root, today)
    if not root.is_dir():
        raise ContentError([Problem(str(root), None, "content folder not found")])

    def read(path, schema):
        if not path.is_file():
            r.problem(path, None, "file is missing")
            return None, {}
        text = r.text(path)
        if text is None:
            return None, {}
        data, lines = r.yaml(path, text)
        if data is None and not any(p.file == r.name(path) for p in r.problems):
            r.problem(path, 1, "the file is empty")
        if data is not None and not r.check_schema(path, data, lines, schema):
            return None, lines
        return data, lines

    short, _ = read(root / "short-codes.yaml", "short-codes.json")
    short_codes = {s["number"] for s in (short or {}).get("short_codes", [])}
    prov_data, prov_lines = read(root / "provinces.yaml", "provinces.json")
    cat_data, cat_lines = read(root / "categories.yaml", "categories.json")

    provinces, categories = [], []
    seen_slugs = {}
    for kind, data, lines, path in (("provinces", prov_data, prov_lines, root / "provinces.yaml"),
                                    ("categories", cat_data, cat_lines, root / "categories.yaml")):
        for i, item in enumerate((data or {}).get(kind, [])):
            key = (kind, item["slug"])
            if key in seen_slugs:
                r.problem(path, line_of(lines, (kind, i, "slug")), f"{kind}[{i}].slug: '{item['slug']}' is used twice")
            seen_slugs[key] = True
            if kind == "provinces":
                provinces.append(m.Province(item["slug"], item["code"], _text(item["name"]),
                                            tuple(item["spellings"]), bool(item.get("featured"))))
            else:
                if icons_dir and not (Path(icons_dir) / f"{item['icon']}.svg").is_file():
                    r.problem(path, line_of(lines, (kind, i, "icon")), f"{kind}[{i}].icon: no icon file {item['icon']}.svg")
                categories.append(m.Category(item["slug"], _text(item["name"]), item["icon"]))
    province_slugs = {p.slug for p in provinces}
    category_slugs = {c.slug for c in categories}

    ids: dict[str, str] = {}

    def claim(uid, path, line, where):
        if uid in ids:
            r.problem(path, line, f"{where}: id {uid} is already used in {ids[uid]}")
        else:
            ids[uid] = f"{r.name(path)}:{line}"

    organizations, services, locations = [], [], []
    pending_location_refs = []
    for path in sorted((root / "directory").glob("*.y*ml")):
        data, lines = read(path, "organization.json")
        if data is None:
            continue
        org = data["organization"]
        draft = data["km_status"] == "draft"
        claim(org["id"], path, line_of(lines, ("organization", "id")), "organization.id")
        service_ids, location_ids = [], []
        for li, loc in enumerate(data.get("locations", [])):
            at = ("locations", li)
            claim(loc["id"], path, line_of(lines, at + ("id",)), dotted(at + ("id",)))
            if loc["province"] not in province_slugs:
                r.problem(path, line_of(lines, at + ("province",)), f"{dotted(at + ('province',))}: unknown province '{loc['province']}'")
            location_ids.append(loc["id"])
            locations.append(m.Location(loc["id"], _text(loc["name"]), loc["province"], _text(loc.get("address")),
                                        loc.get("latitude"), loc.get("longitude")))
        for si, svc in enumerate(data["services"]):
            at = ("services", si)
            claim(svc["id"], path, line_of(lines, at + ("id",)), dotted(at + ("id",)))
            for ci, cat in enumerate(svc["categories"]):
                if cat not in category_slugs:
                    r.problem(path, line_of(lines, at + ("categories", ci)), f"{dotted(at + ('categories',))}: unknown category '{cat}'")
            national = svc["area"] == "national"
            for pi, prov in enumerate([] if national else svc["area"]):
                if prov not in province_slugs:
                    r.problem(path, line_of(lines, at + ("area", pi)), f"{dotted(at + ('area',))}: unknown province '{prov}'")
            for ref_i, ref in enumerate(svc.get("locations", [])):
                pending_location_refs.append((ref, path, line_of(lines, at + ("locations", ref_i)), dotted(at + ("locations", ref_i))))
            phones = []
            for pi, ph in enumerate(svc.get("phones", [])):
                pat = at + ("phones", pi)
                claim(ph["id"], path, line_of(lines, pat + ("id",)), dotted(pat + ("id",)))
                tel = tel_for(ph["number"], short_codes)
                if tel is None:
                    r.problem(path, line_of(lines, pat + ("number",)),
                              f"{dotted(pat + ('number',))}: '{ph['number']}' is not a valid Cambodian phone number or known short code")
                phones.append(m.Phone(ph["id"], ph["number"], tel or "", bool(ph.get("sms")),
                                      _text(ph.get("description")), _text(ph.get("available"))))
            schedules = []
            for hi, h in enumerate(svc.get("schedules", [])):
                if h["opens_at"] >= h["closes_at"]:
                    r.problem(path, line_of(lines, at + ("schedules", hi)), f"{dotted(at + ('schedules', hi))}: opens_at must be before closes_at")
                schedules.append(m.Schedule(tuple(h["byday"]), h["opens_at"], h["closes_at"]))
            prov = svc["provenance"]
            checked_on = dt.date.fromisoformat(prov["checked_on"]) if prov.get("checked_on") else None
            pline = line_of(lines, at + ("provenance",))
            if checked_on and checked_on > today:
                r.problem(path, line_of(lines, at + ("provenance", "checked_on")), f"{dotted(at + ('provenance', 'checked_on'))}: {checked_on} is in the future")
            if bool(checked_on) != bool(prov.get("checked_by")):
                r.problem(path, pline, f"{dotted(at + ('provenance',))}: checked_on and checked_by go together (both, or neither for 'not yet checked')")
            service_ids.append(svc["id"])
            services.append(m.Service(
                id=svc["id"], organization_id=org["id"], name=_text(svc["name"]), summary=_text(svc["summary"]),
                description=_text(svc["description"]), categories=tuple(svc["categories"]), national=national,
                provinces=() if national else tuple(svc["area"]), cost=_text(svc.get("cost")), free=svc.get("free"),
                documents=_text(svc.get("documents")), languages=tuple(svc.get("languages", [])),
                safety_note=_text(svc.get("safety_note")), age_note=_text(svc.get("age_note")),
                phones=tuple(phones), schedules=tuple(schedules), location_ids=tuple(svc.get("locations", [])),
                provenance=m.Provenance(prov["source"], checked_on, prov.get("checked_by")), khmer_draft=draft,
                emergency_rank=svc.get("emergency_rank")))
        organizations.append(m.Organization(org["id"], path.stem, _text(org["name"]), _text(org["description"]),
                                            org.get("website"), org["scope"] == "national",
                                            tuple(service_ids), tuple(location_ids)))
    known_locations = {loc.id for loc in locations}
    for ref, path, line, where in pending_location_refs:
        if ref not in known_locations:
            r.problem(path, line, f"{where}: no location with id {ref}")

    articles = []
    for path in sorted((root / "guide").glob("*.md")):
        article = _read_article(r, path, category_slugs, {c.icon for c in categories})
        if article:
            if any(a.slug == article.slug for a in articles):
                r.problem(path, 2, f"slug '{article.slug}' is used by another article")
            articles.append(article)

    if r.problems:
        raise ContentError(r.problems)
    return m.Content(
        version=r.hash.hexdigest()[:16],
        provinces=tuple(provinces), categories=tuple(categories), organizations=tuple(organizations),
        services=tuple(services), locations=tuple(locations),
        articles=tuple(sorted(articles, key=lambda a: (a.order, a.slug))))


def _read_article(r: _Reader, path: Path, category_slugs, icons=None) -> m.Article | None:
    text = r.text(path)
    if text is None:
        return None
    if not text.startswith("---\n"):
        r.problem(path, 1, "an article starts with front matter between two '---' lines")
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        r.problem(path, 1, "the front matter is not closed by a '---' line")
        return None
    meta, lines = r.yaml(path, text[4:end], line_offset=1)
    if meta is None:
        if not any(p.file == r.name(path) for p in r.problems):
            r.problem(path, 2, "the front matter is empty")
        return None
    if not r.check_schema(path, meta, lines, "article.json"):
        return None
    ok = True
    if icons is not None and meta["icon"] not in icons:
        r.problem(path, line_of(lines, ("icon",)), f"icon: '{meta['icon']}' is not a category icon ({', '.join(sorted(icons))})")
        ok = False
    for i, cat in enumerate(meta["categories"]):
        if cat not in category_slugs:
            r.problem(path, line_of(lines, ("categories", i)) or line_of(lines, ("categories",)), f"categories: unknown category '{cat}'")
            ok = False
    body_start = end + 5
    body = text[body_start:]
    first_body_line = text[:body_start].count("\n") + 1
    marks = list(LANG_MARK.finditer(body))
    found = [mk.group(1) for mk in marks]
    bodies = {}
    for i, mk in enumerate(marks):
        chunk = body[mk.end(): marks[i + 1].start() if i + 1 < len(marks) else len(body)]
        bodies.setdefault(mk.group(1), chunk.strip())
    for lang, name in (("km", "Khmer"), ("en", "English")):
        line = first_body_line + (body[: marks[found.index(lang)].start()].count("\n") if lang in found else 0)
        if found.count(lang) > 1:
            r.problem(path, line, f"the {name} body marker '<!-- lang: {lang} -->' appears more than once")
            ok = False
        elif not bodies.get(lang):
            r.problem(path, line, f"the {name} body is missing (a line '<!-- lang: {lang} -->' followed by text)")
            ok = False
        elif lang == "km" and not re.search("[\u1780-\u17ff]", bodies[lang]):
            r.problem(path, line, "the Khmer body has no Khmer script in it")
            ok = False
    if not ok:
        return None
    return m.Article(
        slug=meta["slug"], order=meta["order"], need=meta["need"], icon=meta["icon"],
        title=_text(meta["title"]), summary=_text(meta["summary"]),
        body_html=m.Text(km=render_markdown(bodies["km"]), en=render_markdown(bodies["en"])),
        categories=tuple(meta["categories"]), reviewed_on=dt.date.fromisoformat(meta["reviewed_on"]),
        khmer_draft=meta["khmer_status"] == "draft",
        sources=tuple((s["title"], s.get("url")) for s in meta["sources"]))
