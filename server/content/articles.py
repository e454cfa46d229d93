"""Guidance articles: Markdown files with YAML front matter and a Khmer and an English body,
rendered and sanitised when loaded so that an article can never inject markup."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
import nh3

from . import model as m
from .reader import Reader, line_of, text_of

LANG_MARK = re.compile(r"^<!-- lang: ([a-z]{2,3}) -->\s*$", re.M)
# The languages a body may be in: the fields of a content Text (the two every guide has, then the
# ones written where they are: a guide without one is listed in that language, not shown).
TEXT_LANGS = tuple(m.Text.__dataclass_fields__)
ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}


def read_articles(r: Reader, folder: Path, categories, phones=None, hidden=()) -> list[m.Article]:
    """Every article in `folder`, sorted for the index; problems go to `r`. `phones` (digits ->
    Phone: the directory's numbers users may see) become tel: links; `hidden` (digits of its
    doubtful numbers) may not appear at all."""
    category_slugs = {c.slug for c in categories}
    icons = {c.icon for c in categories}
    articles = []
    for path in sorted(folder.glob("*.md")):
        article = read_article(r, path, category_slugs, icons, phones, hidden)
        if article:
            if any(a.slug == article.slug for a in articles):
                r.problem(path, 2, f"slug '{article.slug}' is used by another article")
            articles.append(article)
    return sorted(articles, key=lambda a: (a.order, a.slug))


KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
# A run of digits (Khmer or Latin) with single spaces inside: "១២៨០", "023 997 919", "+66 2 957 5851".
NUMBER = re.compile(r"(?<![\w+])\+?[0-9០-៩]+(?: [0-9០-៩]+)*(?![\w])")


def digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number.translate(KHMER_DIGITS))


def render_markdown(text: str, phones=None) -> str:
    """Sanitised HTML; each number of the directory (`phones`: digits -> Phone) becomes a tel:
    link with Latin digits, because people dial on Latin keypads; Khmer digits stay beside it."""
    html = markdown.markdown(text, extensions=[], output_format="html")
    html = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                     url_schemes={"https", "tel", "sms"}, link_rel="noopener noreferrer")
    return _link_numbers(html, phones) if phones else html


def _link_numbers(html: str, phones) -> str:
    def number(match):
        phone = phones.get(digits(match.group(0)))
        if phone is None:
            return match.group(0)
        link = f'<a href="tel:{phone.tel}" data-call>{phone.number}</a>'
        return link if match.group(0) == phone.number else f"{link} ({match.group(0)})"

    out, in_link = [], False
    for part in re.split(r"(<[^>]*>)", html):  # text between tags only, never a link's own text
        if part.startswith("<"):
            in_link = part.startswith("<a ") or (in_link and part != "</a>")
            out.append(part)
        else:
            out.append(part if in_link else NUMBER.sub(number, part))
    return "".join(out)


def read_article(r: Reader, path: Path, category_slugs, icons=None, phones=None, hidden=()) -> m.Article | None:
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
    for mk in marks:
        if mk.group(1) not in TEXT_LANGS:
            r.problem(path, first_body_line + body[: mk.start()].count("\n"),
                      f"'<!-- lang: {mk.group(1)} -->': a body may be in {', '.join(TEXT_LANGS)}")
            ok = False
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
    if hidden:
        for n, line in enumerate(body.split("\n")):
            for found in NUMBER.finditer(line):
                if digits(found.group(0)) in hidden:
                    r.problem(path, first_body_line + n, f"{found.group(0)} is a doubtful number in the directory: "
                              "users must see nothing of it until a call confirms it")
                    ok = False
    if not ok:
        return None
    return m.Article(
        slug=meta["slug"], order=meta["order"], need=meta["need"], icon=meta["icon"],
        title=text_of(meta["title"]), summary=text_of(meta["summary"]),
        body_html=m.Text(**{lang: render_markdown(text, phones) for lang, text in bodies.items() if lang in TEXT_LANGS}),
        categories=tuple(meta["categories"]), reviewed_on=dt.date.fromisoformat(meta["reviewed_on"]),
        khmer_draft=meta["khmer_status"] == "draft",
        sources=tuple((s["title"], s.get("url")) for s in meta["sources"]),
        reviews=reviews_of(meta, guide=True))


def reviews_of(meta, guide=False) -> tuple:
    """(lang, by, date) for each language whose texts in this file are all reviewed: its status says
    reviewed and `<lang>_reviewed` says who and when (a status alone names nobody). content/FORMAT.md,
    "Review marks"; server/review/ writes them."""
    found = []
    for key, mark in meta.items():
        lang = key.removesuffix("_reviewed")
        if key.endswith("_reviewed") and isinstance(mark, dict):
            status = meta.get("khmer_status" if guide and lang == "km" else f"{lang}_status")
            if status == "reviewed":
                found.append((lang, mark["by"], dt.date.fromisoformat(mark["date"])))
    return tuple(sorted(found))
