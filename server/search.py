"""Search over the content model: the same index answers the server's search page and is shipped
to the phone as JSON for search-as-you-type (static/js/search.js mirrors `normalize` and `search`).

Khmer has no spaces between words, so matching is by substring, after NFC normalisation with
zero-width characters removed; Latin accents are folded so "Kratié" finds "Kratie".
"""
from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH = re.compile("[\u200b-\u200d\ufeff]")
LATIN_MARKS = re.compile("[\u0300-\u036f]")
MAX_QUERY = 200


def normalize(text: str) -> str:
    text = ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    text = LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def build_index(content, locale: str, url) -> list[dict]:
    """One entry per thing a person may look for. `url(kind, item)` makes its link."""
    docs = []

    def add(kind, item, title, summary, names, extra):
        docs.append({
            "kind": kind,
            "title": title,
            "summary": summary,
            "url": url(kind, item),
            "names": [normalize(n) for n in names],
            "terms": normalize(" ".join(names + extra)),
        })

    categories = {c.slug: c for c in content.categories}
    provinces = {p.slug: p for p in content.provinces}
    for p in content.provinces:
        add("province", p, p.name(locale), "", [p.name.km, p.name.en, *p.spellings], [])
    for c in content.categories:
        add("category", c, c.name(locale), "", [c.name.km, c.name.en], [])
    for s in content.services:
        org = content.organization(s.organization_id)
        where = [t for slug in s.provinces for t in
                 (provinces[slug].name.km, provinces[slug].name.en, *provinces[slug].spellings)]
        cats = [t for slug in s.categories for t in (categories[slug].name.km, categories[slug].name.en)]
        add("service", s, s.name(locale), org.name(locale), [s.name.km, s.name.en],
            [org.name.km, org.name.en, s.summary.km, s.summary.en,
             *[ph.number for ph in s.phones], *where, *cats])
    for a in content.articles:
        add("article", a, a.title(locale), a.summary(locale), [a.title.km, a.title.en],
            [a.summary.km, a.summary.en])
    return docs


def search(index: list[dict], query: str, limit: int = 30) -> list[dict]:
    """Entries containing every word of the query; exact names first, then names, then the rest."""
    q = normalize(query[:MAX_QUERY])
    words = q.split()
    if not words:
        return []
    ranked = []
    for position, doc in enumerate(index):
        if not all(w in doc["terms"] for w in words):
            continue
        if q in doc["names"]:
            rank = 0
        elif any(q in n for n in doc["names"]):
            rank = 1
        else:
            rank = 2
        ranked.append((rank, position, doc))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [doc for _, _, doc in ranked[:limit]]
