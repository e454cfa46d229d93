"""Khmer pages are in Khmer: a crawl of every page under /km/ finds no run of Latin-script words
that is not a name, a number or a term the project declares (content/glossary.yaml `latin:`).

Text a page marks as another language (lang="en", e.g. the English title of a source) is exempt:
it is declared, and a screen reader reads it in that language. A name is a Latin word that the
directory's own Khmer names carry (CWCC in "អង្គការ… (CWCC)"), so names come from the content,
not from a list here."""
import re
from pathlib import Path
from html.parser import HTMLParser

import yaml

from server.paths import CONTENT_DIR
from site_crawl import crawl

LATIN_RUN = re.compile(r"[A-Za-z][\w'’.&/+-]*(?:[ \u00a0]+[A-Za-z][\w'’.&/+-]*)*")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’&+-]*")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ALOUD = ("alt", "aria-label", "title", "placeholder")


class _KhmerText(HTMLParser):
    """The text a Khmer reader sees or hears: text nodes and spoken attributes, outside scripts,
    styles and elements marked as another language."""

    def __init__(self):
        super().__init__()
        self.skipping = [False]
        self.texts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = self.skipping[-1] or tag in ("script", "style") or attrs.get("lang", "km") != "km"
        if not skip:
            self.texts += [attrs[k] for k in READ_ALOUD if attrs.get(k)]
        if tag not in VOID:
            self.skipping.append(skip)

    def handle_startendtag(self, tag, attrs):
        if not self.skipping[-1] and dict(attrs).get("lang", "km") == "km":
            self.texts += [v for k, v in attrs if k in READ_ALOUD and v]

    def handle_endtag(self, tag):
        if tag not in VOID and len(self.skipping) > 1:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping[-1]:
            self.texts.append(data)


def khmer_text(html):
    parser = _KhmerText()
    parser.feed(html)
    return parser.texts


ADDRESS = re.compile(r"\b[\w-]+(?:\.[\w-]+)+(?:/[\w./-]*)?")  # nchads.org, t.me/chc1280: addresses are names


class Allowed:
    """Declared terms and names (glossary.yaml `latin:`), the Latin words inside the directory's
    Khmer names, and any run that is (part of) an English name in the directory."""

    def __init__(self, model=None, words=(), names=()):
        self.words = {w.lower() for w in words}
        self.names = list(names)
        if model is not None:
            glossary = yaml.safe_load(Path(CONTENT_DIR, "glossary.yaml").read_text(encoding="utf-8"))
            self.words |= {w.lower() for term in glossary["latin"] for w in WORD.findall(term)}
            self.names += glossary["latin"]
            things = list(model.organizations) + list(model.services) + [loc for loc in model.locations if loc.name]
            self.words |= {w.lower() for t in things for w in WORD.findall(t.name.km)}
            self.names += [t.name.en for t in things]

    def __contains__(self, run):
        # a word with a digit in it is a number: a house or room number (B1-2B, G35-G37)
        if all(w.lower() in self.words or any(c.isdigit() for c in w) for w in WORD.findall(run)):
            return True
        return any(re.search(rf"(?<!\w){re.escape(run)}(?!\w)", name) for name in self.names)


def stray_latin(texts, allowed):
    for text in texts:
        for run in LATIN_RUN.finditer(ADDRESS.sub(" ", text)):
            if run.group(0) not in allowed:
                yield run.group(0)


def test_every_khmer_page_is_free_of_untranslated_latin(app, client):
    pages = crawl(client, starts=("/km/",))
    allowed = Allowed(app.extensions["content"])
    found = {}
    for path, response in pages.items():
        if path.startswith("/km/") and response.status_code == 200 and response.mimetype == "text/html":
            for run in stray_latin(khmer_text(response.get_data(as_text=True)), allowed):
                found.setdefault(run, path)
    assert len(pages) > 100, "the crawl reached the directory and the guide"
    assert not found, "Latin on Khmer pages (translate it, mark it lang=\"en\", or declare the term " \
                      f"in content/glossary.yaml): {found}"


def test_the_check_sees_an_untranslated_string():
    """The crawl's reading of a page: an English phrase in Khmer text is found; a name, a declared
    term, a number (a house number too), an address and text marked lang="en" are not."""
    html = ('<html lang="km"><body><p>ហៅលេខ 1280 ទៅ CWCC ឬ PEP នៅ nchads.org ផ្ទះលេខ B1-2B</p><p>Opening hours</p>'
            '<p>អង្គការ Legal Aid of Cambodia</p><span lang="en">Human Rights Watch (2010)</span>'
            '<img alt="Call now"></body></html>')
    allowed = Allowed(words=["CWCC", "PEP"], names=["Legal Aid of Cambodia (LAC)"])
    assert list(stray_latin(khmer_text(html), allowed)) == ["Opening hours", "Call now"]
