"""Guidance articles that are wrong never reach a phone: `load()` names the file and line, the app
refuses to start, and `flask content check` exits 1 saying where. A content file can never inject
script or markup into a served page."""
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import make_app
from server.cli import content as content_cli
from server.content import ContentError, load

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PEP = "pep-72-hours.md"


def copy_content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def line_of(text, pattern):
    """1-based number of the first line matching `pattern`."""
    for number, line in enumerate(text.splitlines(), 1):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"no line matches {pattern!r}")


def drop_khmer_body(text):
    start = text.index("<!-- lang: km -->\n") + len("<!-- lang: km -->\n")
    return text[:start] + "\n" + text[text.index("<!-- lang: en -->"):]


def drop_sources(text):
    front_end = text.index("\n---\n", 4)
    start = text.index("\nsources:")
    return text[:start] + text[front_end:]


def unknown_category(text):
    return re.sub(r"^categories: \[", "categories: [no-such-category, ", text, count=1, flags=re.M)


def malformed_front_matter(text):
    return re.sub(r"^need: (\w+)$", r"need: [\1", text, count=1, flags=re.M)


def unknown_icon(text):
    return re.sub(r"^icon: .*$", "icon: no-such-icon", text, count=1, flags=re.M)


def unclosed_front_matter(text):
    return text.replace("\n---\n", "\n", 1)


def script_source_url(text):
    return re.sub(r'url: "https://[^"]+"', 'url: "javascript:alert(1)"', text, count=1)


# (how to break the PEP article, where the problem is expected: a line pattern in the broken text
# (or in the original, marked orig:), words the message must contain)
BREAKS = {
    "missing Khmer body": (drop_khmer_body, r"^<!-- lang: km -->$", "Khmer body is missing"),
    "missing sources list": (drop_sources, r"^slug:", "'sources' is required"),
    "empty sources list": (lambda t: re.sub(r"\nsources:\n(  .*\n)+", "\nsources: []\n", t),
                           r"^sources:", "should be non-empty"),
    "unknown category": (unknown_category, r"^categories:", "unknown category 'no-such-category'"),
    "malformed front matter": (malformed_front_matter, r"^(need|icon):", "malformed YAML"),
    "unknown icon": (unknown_icon, r"^icon:", "'no-such-icon' is not a category icon"),
    "unclosed front matter": (unclosed_front_matter, r"^---$", "front matter is not closed"),
    "script source url": (script_source_url, r"url: \"javascript:", "does not match"),
}


def break_article(root, how):
    path = root / "guide" / PEP
    path.write_text(how(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path.read_text(encoding="utf-8")


def problems_for(error, name):
    return [p for p in error.problems if p.file == f"content/guide/{name}"]


@pytest.mark.parametrize("case", BREAKS)
def test_a_broken_article_names_its_file_and_line(tmp_path, case):
    how, where, words = BREAKS[case]
    root = copy_content(tmp_path)
    broken = break_article(root, how)
    with pytest.raises(ContentError) as caught:
        load(root)
    found = problems_for(caught.value, PEP)
    assert found, f"nothing reported for {PEP}: {caught.value}"
    assert any(words in p.message for p in found), found
    expected = line_of(broken, where)
    lines = {p.line for p in found if words in p.message}
    # Malformed YAML is reported where the parser notices it: the broken line or the next one.
    assert lines & {expected, expected + 1} if case == "malformed front matter" else expected in lines, \
        (lines, expected, found)


def test_a_duplicate_slug_names_the_second_file(tmp_path):
    root = copy_content(tmp_path)
    shutil.copy(root / "guide" / PEP, root / "guide" / "pep-again.md")
    with pytest.raises(ContentError) as caught:
        load(root)
    found = problems_for(caught.value, "pep-again.md")
    assert [(p.line, p.message) for p in found] == [(2, "slug 'pep-72-hours' is used by another article")]
    assert str(found[0]) == "content/guide/pep-again.md:2: slug 'pep-72-hours' is used by another article"


@pytest.mark.parametrize("case", ["missing Khmer body", "missing sources list", "unknown category"])
def test_content_check_exits_1_naming_the_file(tmp_path, runner, case):
    how, where, words = BREAKS[case]
    root = copy_content(tmp_path)
    broken = break_article(root, how)
    result = runner.invoke(content_cli, ["check", "--dir", str(root)])
    assert result.exit_code == 1
    assert f"content/guide/{PEP}:{line_of(broken, where)}: " in result.stderr, result.stderr
    assert words in result.stderr
    assert "nothing was published" in result.stderr


PLANTED = """---
slug: planted
order: 99
need: health
icon: condoms
title: {km: "<script>alert(11)</script>អត្ថបទសាកល្បង", en: "<script>alert(11)</script>Planted article"}
summary: {km: "សង្ខេប <img src=x onerror=alert(12)>", en: "Summary <img src=x onerror=alert(12)>"}
categories: [condoms]
reviewed_on: 2026-11-22
khmer_status: draft
sources:
  - {title: "A <b onmouseover=alert(13)>source</b>", url: "https://example.org/?a=1&b=<script>"}
---
<!-- lang: km -->
អត្ថបទសាកល្បង។

<script>alert(1)</script>

<img src=x onerror=alert(1)>

[ចុចទីនេះ](javascript:alert(1))

<a href="javascript:alert(1)" onclick="alert(1)">តំណឆៅ</a>

<iframe src="https://evil.example/"></iframe>

<p style="color:red" onmouseover="alert(1)">រចនាប័ទ្ម</p>

<!-- lang: en -->
Planted body text.

<script>alert(1)</script>

<img src=x onerror=alert(1)>

[click here](javascript:alert(1))

[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<a href="javascript:alert(1)" onclick="alert(1)">raw link</a>

<iframe src="https://evil.example/"></iframe>

<p style="color:red" onmouseover="alert(1)">styled</p>

<svg onload=alert(1)><circle r=5 /></svg>
"""


class Markup(HTMLParser):
    """Every tag and attribute a browser would build from the page, and the text inside scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.script_text, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


@pytest.mark.parametrize("locale,visible", [("en", "Planted body text."), ("km", "អត្ថបទសាកល្បង។")])
def test_script_planted_in_an_article_is_neutralised(tmp_path, locale, visible):
    root = copy_content(tmp_path)
    (root / "guide" / "planted.md").write_text(PLANTED, encoding="utf-8")
    app = make_app({"CONTENT_DIR": str(root)})
    client = app.test_client()
    # The one inline script every page has: quick exit, allowed by its hash (server/critical.py).
    quick_exit = str(app.extensions["critical"].script.text)
    for path in (f"/{locale}/guide/planted/", f"/{locale}/guide/"):
        response = client.get(path)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        page = Markup()
        page.feed(html)
        scripts = [a.get("src", "") for t, a in page.tags if t == "script"]
        assert scripts[0] == "" and all(src.startswith("/static/js/") for src in scripts[1:]), scripts
        assert page.script_text == [quick_exit], page.script_text
        handlers = [(t, k) for t, a in page.tags for k in a if k.startswith("on")]
        assert not handlers, handlers
        assert not [t for t, a in page.tags if "style" in a], "inline style attribute"
        assert not [t for t, a in page.tags if t in ("img", "iframe", "object", "embed")]
        links = [a.get("href") or "" for t, a in page.tags if t == "a"]
        assert not [h for h in links if h.strip().lower().startswith(("javascript:", "data:"))], links
        assert "<script>alert" not in html and "<img" not in html and "<iframe" not in html
    # The article itself is there, so the checks above looked at a real page.
    article = client.get(f"/{locale}/guide/planted/").get_data(as_text=True)
    assert visible in article
    assert ("Planted article" if locale == "en" else "អត្ថបទសាកល្បង") in article
    # Planted tags in titles and summaries are shown as harmless text, not obeyed.
    assert "&lt;script&gt;alert(11)&lt;/script&gt;" in article
    assert 'href="https://example.org/?a=1&amp;b=&lt;script&gt;"' in article
