"""The referral directory: emergency numbers, provinces, categories, services, search."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _

from .content.model import CAMBODIA, country_name
from .extensions import cache, content
from .protocol import SEARCH_LIMIT, search_document
from .rendering import page, page_cache
from .search import MAX_QUERY, VARIANTS, build_shards, search as run_search
from .sitemap import page_urls

bp = Blueprint("directory", __name__, url_prefix="/<locale>")


@bp.app_template_filter("phone_country")
def phone_country(phone) -> str | None:
    """What a number of another country says beside it, on pages and in share texts alike: a short
    code works only inside that country; a full number is shown in its international form."""
    if not phone.abroad:
        return None
    name = country_name(phone.region)(g.locale)
    if phone.is_short_code:
        return _("Call from inside %(country)s", country=name)
    return _("In %(country)s", country=name)


@bp.route("/emergency/")
@page_cache("dir", timely=True)
def emergency():
    # In the order the content gives (emergency_rank): the safest calls first, the police last,
    # because calling the police can itself be a risk.
    return page("directory/emergency.html", services=content().emergency_services)


@bp.route("/province/<slug>/")
@page_cache("dir", timely=True)
def province(slug):
    model = content()
    place = model.province(slug) or abort(404)
    if model.has_local(place.slug):
        return page("directory/province.html", province=place, has_local=True,
                    pages=[model.need_page(place.slug, c.slug) for c in model.needs],
                    listings=model.listings_in(place.slug))
    return page("directory/province.html", province=place, has_local=False,
                nearby=[model.province(n) for n in place.neighbours if model.has_local(n)],
                services=[s for s in model.services_in(place.slug) if s.national])


@bp.route("/province/<slug>/<category>/")
@page_cache("dir", timely=True)
def province_category(slug, category):
    model = content()
    place = model.province(slug) or abort(404)
    cat = model.category(category) or abort(404)
    if not cat.need:
        abort(404)  # a listing (government offices) is shown on the province page, never as a need
    return page("directory/list.html", page=model.need_page(place.slug, cat.slug))


@bp.route("/abroad/<country>/")
@page_cache("dir", timely=True)
def abroad(country):
    """For people in another country (many workers migrate to Thailand): its services, whose
    numbers are that country's. Lower case in the URL, like every other path."""
    model = content()
    code = country.upper()
    if country != code.lower() or code not in model.countries:
        abort(404)
    return page("directory/abroad.html", country=code, services=model.services_abroad(code))


@bp.route("/category/<category>/")
@page_cache("dir", timely=True)
def category(category):
    """Without JavaScript, a category first asks where the reader is."""
    model = content()
    cat = model.category(category) or abort(404)
    if not cat.need:
        abort(404)
    national = [s for s in model.listed_services if s.national and model.answers_need(s, cat.slug)]
    return page("directory/category.html", category=cat, national=national)


@bp.route("/service/<service_id>/")
@page_cache("dir", timely=True)
def service(service_id):
    model = content()
    svc = model.service(service_id.lower()) or abort(404)
    org = model.organization(svc.organization_id)
    locations = [model.location(i) for i in svc.location_ids]
    return page("directory/service.html", service=svc, org=org, locations=locations)


def _shards(locale):
    key = f"search-shards:{locale}"
    shards = cache.get(key)
    if shards is None:
        def link(kind, item):
            if kind == "province":
                return url_for("directory.province", locale=locale, slug=item.slug)
            if kind == "category":
                return url_for("directory.category", locale=locale, category=item.slug)
            if kind == "service":
                return url_for("directory.service", locale=locale, service_id=item.id)
            if item.in_language(locale):
                return url_for("guide.article", locale=locale, slug=item.slug)
            return url_for("guide.index", locale=locale)   # listed there with its languages' links
        shards = build_shards(content(), locale, link)
        cache.set(key, shards, timeout=0)
    return shards


def _index(locale):
    return [doc for shard in _shards(locale).values() for doc in shard]


def _documents(locale):
    """Each province's shard as the documents the phone fetches, in order: one, or where its JSON
    would pass protocol.SEARCH_LIMIT bytes, several (protocol.search_document names them), so no
    phone parses a document that grows with a province's services."""
    key = f"search-documents:{locale}"
    documents = cache.get(key)
    if documents is None:
        documents = {}
        for slug, docs in _shards(locale).items():
            if not slug or not docs:
                continue
            chunks, size = [[]], 2
            for doc in docs:
                n = len(current_app.json.dumps(doc).encode()) + 1
                if chunks[-1] and size + n > SEARCH_LIMIT:
                    chunks.append([])
                    size = 2
                chunks[-1].append(doc)
                size += n
            for number, chunk in enumerate(chunks, 1):
                documents[search_document(slug, number).removesuffix(".json")] = chunk
        cache.set(key, documents, timeout=0)
    return documents


def index_urls(locale):
    """The search index's documents in the order the phone joins them: the national one, then
    each province's own services (those with none have no document)."""
    return [url_for("directory.search_index", locale=locale)] + [
        url_for("directory.search_shard", locale=locale, slug=name) for name in _documents(locale)]


@bp.route("/search")
def search():
    query = request.args.get("q", "")
    if len(query) > MAX_QUERY:
        abort(414)
    results = run_search(_index(g.locale), query) if query.strip() else []
    return page("directory/search.html", query=query, results=results, variants=VARIANTS,
                           index_urls=index_urls(g.locale))


@bp.route("/search-index.json")
def search_index():
    """The same index, for search as you type on the phone, offline too: provinces, needs,
    national services and articles here, each province's own services in its shard."""
    return jsonify(_shards(g.locale)[None])


@bp.route("/search-index/<slug>.json")
def search_shard(slug):
    docs = _documents(g.locale).get(slug) if slug else None
    if not docs:
        abort(404)
    return jsonify(docs)


@page_urls.register
def directory_urls(locale):
    model = content()
    urls = []  # emergency, search and the search index take no parameters: sitemap finds them
    for p in model.provinces:
        urls.append(url_for("directory.province", locale=locale, slug=p.slug))
        # A province with services of its own has a page per category; one without shows the
        # national services on its own page, so it has no category pages to save.
        for c in model.needs if model.has_local(p.slug) else ():
            urls.append(url_for("directory.province_category", locale=locale, slug=p.slug, category=c.slug))
    for c in model.needs:
        urls.append(url_for("directory.category", locale=locale, category=c.slug))
    for code in model.countries:
        urls.append(url_for("directory.abroad", locale=locale, country=code.lower()))
    for s in model.services:
        urls.append(url_for("directory.service", locale=locale, service_id=s.id))
    urls += index_urls(locale)[1:]
    return urls


DAY_INDEX = {d: i for i, d in enumerate(("MO", "TU", "WE", "TH", "FR", "SA", "SU"))}


@bp.app_template_filter("day_name")
def day_name(code):
    from babel.dates import get_day_names
    from flask_babel import get_locale
    return get_day_names("abbreviated", locale=get_locale())[DAY_INDEX[code]]


@bp.app_template_filter("country_name")
def country_name_filter(code):
    """A country's name in the page's language."""
    return country_name(code)(g.locale)


@bp.app_template_filter("language_name")
def language_name(code):
    from flask_babel import get_locale
    return get_locale().languages.get(code, code)


@bp.app_template_test("intersect")
def intersect(a, b):
    return bool(set(a) & set(b))
