"""Search over the content model: the same index answers the server's search page and is shipped
to the phone as JSON for search-as-you-type (static/js/search.js implements the same `normalize`
and `search`; tests/cases/search.json runs one table of cases against both).

Khmer has no spaces between words, so matching is by substring after normalisation; only Latin
letters and digits have word boundaries (rules 5-6). One spec, on the server and on the phone:

1. Unicode NFC; zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM) removed: phone keyboards
   put them between Khmer words, or not.
2. Subscript DA (coeng + ដ) is folded into subscript TA (coeng + ត): the two look the same in
   most fonts and are typed interchangeably (កណ្ដាល / កណ្តាល), so this is safe everywhere. So are
   the split vowels: េ typed before ី is ើ, េ before ា is ោ (they look the same; Unicode does
   not compose them, and correct text never has េ before ី or ា).
3. Whole-word spelling variants in VARIANTS become one spelling, the one the content uses
   (ប៉ូលីស → ប៉ូលិស, the Royal Academy form; ពោធិសាត់ → ពោធិ៍សាត់), so typing the usual spelling
   letter by letter keeps finding it; the formal synonym នគរបាល becomes ប៉ូលិស, so both words for
   police find the same. Vowel length is not folded in general: it separates different words, so
   only variants people are known to type go in the table. The phone gets the table from the page.
4. Latin accents folded ("Kratié" finds "Kratie"), lower case, runs of spaces made one. This
   folds Vietnamese tone and vowel marks too ("xet nghiem" finds "xét nghiệm", "uu" finds "ưu"),
   and Vietnamese đ, a letter of its own that Unicode does not decompose, becomes d: many type
   Vietnamese on a phone with no Vietnamese keyboard.
5. Words: every word of the query must be found in an entry. Word characters are the Latin
   letters and digits (a-z, 0-9 after rule 4); a query word is found *as a word* where no word
   character touches it on either side ("pet" in "mondir pet" or "(pet)", not in "poipet"). A
   query word with a Khmer letter in it is found anywhere, and always as a word: Khmer writes no
   spaces between words, so a Khmer word is inside a longer run of Khmer letters as a rule.
6. A query word without a Khmer letter of three characters or fewer is found only as a word
   ("vay" does not find Svay Rieng; "117" finds 117, not 1171). A longer one is found inside
   other words too ("pursa" finds Pursat), but an entry where some query word is found only
   inside other words ranks after every entry where each is found as a word ("legal" finds Legal
   aid before "illegal detention"). Then: the query is a name, then inside a name, then the rest.
"""
from __future__ import annotations

import re
import unicodedata

from .content.model import country_name

ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
SUBSCRIPT_DA, SUBSCRIPT_TA = "\u17d2\u178a", "\u17d2\u178f"
SPLIT_VOWELS = {"\u17c1\u17b8": "\u17be", "\u17c1\u17b6": "\u17c4"}   # េ+ី → ើ, េ+ា → ោ
KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
WORD_CHAR = re.compile("[a-z0-9]")
SHORT = 3   # a query word of this many characters or fewer is found only as a word
LATIN_MARKS = re.compile("[\u0300-\u036f]")
MAX_QUERY = 200

# variant → the spelling it becomes. Keys and values are written already folded by rules 1-2. No
# key is inside another key or inside a spelling, so the order they are applied in does not matter
# (the page hands the phone the table with its keys sorted).
VARIANTS = {
    "ប៉ូលីស": "ប៉ូលិស",   # police: the directory files used ីស; the dictionary spells it ិស
    "នគរបាល": "ប៉ូលិស",   # police, the formal word (National Police): finds what the usual word does
    "ពោធិសាត់": "ពោធិ៍សាត់",   # Pursat, very often typed without the ៍
    "ជំរក": "ជម្រក",       # shelter, the older spelling
    "ទូរសព្ទ": "ទូរស័ព្ទ",   # phone, Android's Khmer spelling
    "មន្ទីពេទ្យ": "មន្ទីរពេទ្យ",   # hospital, a common misspelling
}


def normalize(text: str) -> str:
    text = ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text)).replace(SUBSCRIPT_DA, SUBSCRIPT_TA)
    for split, vowel in SPLIT_VOWELS.items():
        text = text.replace(split, vowel)
    for variant, spelling in VARIANTS.items():
        text = text.replace(variant, spelling)
    text = LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    return " ".join(unicodedata.normalize("NFC", text).lower().replace("đ", "d").split())


def as_word(word: str, text: str) -> bool:
    """Whether `word` is in `text` with no word character touching it on either side (rule 5)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if not (at and WORD_CHAR.match(text, at - 1)) and not WORD_CHAR.match(text, end):
            return True
        at = text.find(word, at + 1)
    return False


def found(word: str, terms: str) -> int:
    """How a query word is in an entry's terms: 2 as a word, 1 only inside other words, 0 not
    (rules 5 and 6)."""
    if word not in terms:   # most entries: one scan, as before word boundaries
        return 0
    if KHMER.search(word) or as_word(word, terms):
        return 2
    return 1 if len(word) > SHORT else 0


def compact(words: list[str]) -> str:
    """The words, leaving out each one already in a longer kept word with no word character
    touching it ("ប៉ូលិស" in "ប៉ូលិសទេសចរណ៍", "lac" in "(lac)"). A query word never holds a space, so
    it is found in `terms`, and found as a word, exactly as in the words themselves: a search finds
    and ranks the same, and a service does not carry both. "tes" beside "test" stays: there it is
    a word, inside "test" it would not be."""
    kept = ""
    for word in sorted(dict.fromkeys(words), key=len, reverse=True):
        if not as_word(word, kept):
            kept += " " + word
    keep = set(kept.split())
    return " ".join(w for w in dict.fromkeys(words) if w in keep)


def entry(kind: str, title: str, summary: str, url: str, names: list[str], extra: list[str],
          everywhere: bool = False) -> dict:
    """One index entry: `names` rank a match higher than the other `extra` words. `everywhere`
    marks a national service: it answers in every province without carrying their names."""
    doc = {"kind": kind, "title": title, "summary": summary, "url": url,
           "names": [normalize(n) for n in names], "terms": compact(normalize(" ".join(names + extra)).split())}
    return doc | {"everywhere": 1} if everywhere else doc


def shard_of(service) -> str | None:
    """The province whose index shard (and offline group) holds a service: none for a national one,
    else the first province it serves."""
    return None if service.national or not service.provinces else service.provinces[0]


def language_name(code: str, locale: str) -> str | None:
    """A language's name in `locale`, from CLDR (Babel): not our own translation."""
    from babel import Locale, UnknownLocaleError
    try:
        return Locale.parse(locale).languages.get(code)
    except (ValueError, UnknownLocaleError):
        return None


def build_shards(content, locale: str, url) -> dict[str | None, list[dict]]:
    """The index in shards, so no phone parses one document that grows with the whole directory:
    `None` holds provinces, needs, national services and articles; each province's slug the
    services that are its own. `url(kind, item)` makes an entry's link. Only what users may see:
    listed services, their public numbers, and the categories that are needs."""
    shards = {None: []} | {p.slug: [] for p in content.provinces}

    def add(shard, kind, item, title, summary, names, extra, everywhere=False):
        shards[shard].append(entry(kind, title, summary, url(kind, item), names, extra, everywhere))

    categories = {c.slug: c for c in content.categories}
    provinces = {p.slug: p for p in content.provinces}
    # A service that says it speaks a language is found by that language's name in itself (the
    # table's: "Tiếng Việt", typed "tieng viet" too) and in the page's language (CLDR's).
    spoken = {lang.code: lang.name for lang in content.languages.all} if content.languages else {}
    for p in content.provinces:
        add(None, "province", p, p.name(locale), "", [*p.name.all(), *p.spellings], [])
    for c in content.needs:
        add(None, "category", c, c.name(locale), "", [*c.name.all(), *c.spellings], [])
    for s in content.listed_services:
        org = content.organization(s.organization_id)
        where = [t for slug in s.provinces for t in
                 (*provinces[slug].name.all(), *provinces[slug].spellings)]
        if s.country:  # a service abroad is found by its country's names (CLDR's, as its page shows)
            where += [country_name(s.country).km, country_name(s.country).en]
        cats = [t for slug in s.categories for t in
                (*categories[slug].name.all(), *categories[slug].spellings)]
        speaks = [name for code in s.languages for name in (spoken.get(code), language_name(code, locale)) if name]
        add(shard_of(s), "service", s, s.name(locale), org.name(locale), [*s.name.all(), *s.spellings],
            [*org.name.all(), *s.summary.all(),
             *[ph.number for ph in s.public_phones], *where, *cats, *speaks,
             *[t for c in s.public_channels for t in (c.kind, c.address)]], s.national)
    for a in content.articles:
        add(None, "article", a, a.title(locale), a.summary(locale), list(a.title.all()),
            list(a.summary.all()))
    return shards


def build_index(content, locale: str, url) -> list[dict]:
    """The whole index: its shards one after the other, in the order the phone joins them, so a
    search ranks the same on the server and on the phone."""
    return [doc for shard in build_shards(content, locale, url).values() for doc in shard]


def _match(words: list[str], terms: str) -> bool | None:
    """None when some word is not in `terms`; else whether some word is found only inside others."""
    inside = False
    for word in words:
        how = found(word, terms)
        if not how:
            return None
        inside = inside or how == 1
    return inside


def search(index: list[dict], query: str, limit: int = 30) -> list[dict]:
    """Entries containing every word of the query (rules 5 and 6): those where each word is found
    as a word first; then exact names, then names, then the rest. A national service also answers
    a query that names a province ("hingsa kratie"): words that are in a province's names may be
    missing from it, as long as another word is found. It comes after the province's own
    services, as on the province's pages."""
    q = normalize(query[:MAX_QUERY])
    words = q.split()
    if not words:
        return []
    places = {w for w in words if any(found(w, d["terms"]) for d in index if d["kind"] == "province")}
    rest = [w for w in words if w not in places]
    ranked = []
    for position, doc in enumerate(index):
        inside = _match(words, doc["terms"])
        if inside is not None:
            if q in doc["names"]:
                rank = 0
            elif any(q in n for n in doc["names"]):
                rank = 1
            else:
                rank = 2
        elif doc.get("everywhere") and rest and (inside := _match(rest, doc["terms"])) is not None:
            rank = 3
        else:
            continue
        ranked.append((inside, rank, position, doc))
    ranked.sort(key=lambda t: t[:3])
    return [doc for *_, doc in ranked[:limit]]
