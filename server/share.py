"""The text a person shares about a service: the one place it is built, for the service page, every
list and the SMS link alike (static/js/directory.js only hands it on), so they cannot disagree.

It is plain text for an SMS, in the page's language, core first: the name, then the numbers, so
the first SMS of a long text still carries what matters (one SMS holds 70 characters of Khmer, 160
of plain English). Then whether a number is unchecked, the address, the hours if known, and the
link. Only public numbers (never a doubtful one); the link is PUBLIC_URL's (server/public.py).
"""
import json

from flask import Blueprint, abort, current_app, g, request, url_for
from flask_babel import gettext as _, ngettext

from .directory import day_name, phone_country
from .extensions import cache, content
from .rendering import page_cache
from .public import public_url
from .sitemap import page_urls

bp = Blueprint("share", __name__, url_prefix="/<locale>")

MAX_PLACES = 2   # a chain of clinics would fill many messages: the link lists every place
# Punctuation outside the GSM 7-bit alphabet would make an English SMS count in 70-character
# parts like Khmer; each has a plain equivalent that reads the same.
PLAIN = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})


CHAT_APPS = {"telegram": "Telegram", "messenger": "Messenger", "whatsapp": "WhatsApp"}


def share_text(service) -> str:
    model = content()
    phones = service.public_phones
    lines = [service.name(g.locale)]
    if phones:
        # A number nobody has confirmed says so, as it does on every page.
        lines.append(", ".join(p.number + ("" if p.confidence == "confirmed" else "*")
                               + (f" ({phone_country(p)})" if p.abroad else "") for p in phones))
        if any(p.confidence != "confirmed" for p in phones):
            lines.append("* " + _("Not yet checked — call to confirm"))
    # Chats by the app's own name and address, as text: the person types or taps it in that app.
    shown = {p.tel for p in phones if p.sms}
    chats = [f"{CHAT_APPS.get(c.kind, 'SMS')} {c.address}" for c in service.public_channels
             if not (c.kind == "sms" and c.href[4:] in shown)]
    if chats:
        lines.append(", ".join(chats))
    for loc in (model.location(i) for i in service.location_ids[:MAX_PLACES]):
        lines.append(loc.name(g.locale) + (", " + loc.address(g.locale) if loc.address else ""))
    more = len(service.location_ids) - MAX_PLACES
    if more > 0:
        lines.append(ngettext("%(num)d more place: see the link", "%(num)d more places: see the link", more))
    if service.national and not service.location_ids:
        lines.append(_("Everywhere in Cambodia (by phone)"))
    for s in service.schedules:
        hours = _("24 hours") if (s.opens_at, s.closes_at) == ("00:00", "24:00") else f"{s.opens_at}-{s.closes_at}"
        days = _("Every day") if len(s.byday) == 7 else ", ".join(day_name(d) for d in s.byday)
        lines.append(f"{days}: {hours}")
    lines.append(public_url(url_for("directory.service", service_id=service.id)))
    return "\n".join(lines).translate(PLAIN)


def holders() -> dict[str | None, tuple[str, ...]]:
    """Which services' texts each document holds, so that a list names only the documents of the
    services it shows and the phone saves each with the pages that show them (server/offline.py
    `province_of`): `None`, the national document, holds what pages of no province show (national
    services, the emergency list, services of no province); a province's document what its own
    pages show with a Share link (the services working there, and the neighbours' services its
    need pages fall back to). A service of several provinces is in each of theirs, so sharing on
    a saved province's list never needs a province that is not saved. Ids, once per app (every
    list asks, and the page cache would evict it: 2 s at 100x)."""
    app = current_app._get_current_object()
    if "share_holders" not in app.extensions:
        model = content()
        docs = {None: set()} | {p.slug: set() for p in model.provinces}
        for s in model.listed_services:
            for slug in (() if s.national else s.provinces) or (None,):
                docs[slug].add(s.id)
        docs[None].update(s.id for s in model.emergency_services)
        for p in model.provinces:
            for c in model.needs if model.has_local(p.slug) else ():
                docs[p.slug].update(s.id for _, group in model.need_page(p.slug, c.slug).nearest for s in group)
        app.extensions["share_holders"] = {slug: tuple(sorted(ids)) for slug, ids in docs.items() if ids or slug is None}
    return app.extensions["share_holders"]


def share_texts_urls(services, province=None) -> str:
    """The documents a list's Share links read (space-separated, national first): the national one
    for the services it holds, else the page's province's. A list whose service is in neither
    would lose its text: tests/test_outreach.py checks every page."""
    national = set(holders()[None])
    urls = [url_for("share.texts")] if any(s.id in national for s in services) else []
    if province and any(s.id not in national for s in services):
        urls.append(url_for("share.province_texts", slug=province))
    return " ".join(urls)


def document(ids):
    model = content()
    texts = {i: share_text(model.service(i)) for i in ids}
    # Khmer as UTF-8, not \u escapes: half the bytes the phone stores.
    return current_app.response_class(json.dumps(texts, ensure_ascii=False, sort_keys=True),
                                      mimetype="application/json")


@bp.route("/share-texts.json")
@page_cache("share")
def texts():
    """The national services' texts (and the emergency list's), for the Share links in lists: a
    small file the phone saves (the sitemap finds it), instead of the same text repeated on every
    list a service is in. Each province's are in its own document, like the search index."""
    return document(holders()[None])


@bp.route("/share-texts/<slug>.json")
@page_cache("share")
def province_texts(slug):
    ids = holders().get(slug) if slug else None
    if not ids:
        abort(404)
    return document(ids)


@page_urls.register
def province_documents(locale):
    return [url_for("share.province_texts", locale=locale, slug=slug) for slug in holders() if slug]


def init_app(app):
    app.add_template_global(share_text)
    app.add_template_global(share_texts_urls)
    app.register_blueprint(bp)
