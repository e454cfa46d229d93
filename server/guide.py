"""Safety guidance: the index of articles, grouped by need (urgent first), and one page per article.

Articles are rendered and sanitised when the content is loaded (server/content/articles.py), so the
views only choose the language. Each article links to its directory categories; static/js/guide.js
points those links at the reader's own province when the phone remembers one.
"""
from flask import Blueprint, abort, g, url_for

from .content.model import NEEDS
from .extensions import content
from .i18n import languages
from .rendering import page, page_cache
from .sitemap import page_urls

bp = Blueprint("guide", __name__, url_prefix="/<locale>/guide")


@bp.route("/")
@page_cache("page")
def index():
    articles = content().articles
    groups = [(need, [a for a in articles if a.need == need]) for need in NEEDS]
    # A guide without a body in the reader's language is listed with links to the languages it
    # has (in their names), never opened as a page in this language.
    return page("guide_index.html", groups=[(n, found) for n, found in groups if found],
                elsewhere={a.slug: [c for c in languages().codes if a.in_language(c)] for a in articles})


@bp.route("/<slug>/")
@page_cache("page")
def article(slug):
    model = content()
    found = model.article(slug) or abort(404)
    if not found.in_language(g.locale):
        abort(404)   # never a page in one language around another's body: the index links it
    # The switch leads to a language without this guide's body to its guide index instead.
    g.switch_elsewhere = {code: url_for("guide.index", locale=code)
                          for code in languages().codes if not found.in_language(code)}
    return page("guide_article.html", article=found,
                           help_links=help_links(found, model, set(page_urls(g.locale))))


def help_links(article, model, pages):
    """(category, url, provinces) for each related category. The link goes to the category's
    province chooser; `provinces` are those whose list for it is a saved page, so guide.js only
    points the link at the reader's province where that page exists offline too."""
    links = []
    for slug in article.categories:
        category = model.category(slug)
        provinces = [p.slug for p in model.provinces
                     if url_for("directory.province_category", slug=p.slug, category=slug) in pages]
        links.append((category, url_for("directory.category", category=slug), provinces))
    return links


@page_urls.register
def guide_urls(locale):
    return [url_for("guide.index", locale=locale)] + [
        url_for("guide.article", locale=locale, slug=a.slug) for a in content().articles if a.in_language(locale)]
