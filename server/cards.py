"""Printable province cards for outreach: /<locale>/province/<slug>/card/.

One page per province and language, printed with the browser's own print (print CSS only, in
static/css/card.css): on A4 paper it is four identical A6 cards to cut, on A6 paper one card. The
paper the printer is given decides, so the page's bytes depend on its route alone.

A card is discreet by design: a partner or an employer may find it, so it reads as a general
"health and help numbers" card and never names sex work (tests/test_cards.py checks every card).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Blueprint, abort, url_for

from .content.model import Category, Content, Province, Service
from .extensions import content
from .rendering import page, page_cache
from .sitemap import page_urls

bp = Blueprint("cards", __name__, url_prefix="/<locale>")

# The most urgent needs, in the order a card lists them; HIV testing and PEP share one heading.
CARD_NEEDS = (("after-violence",), ("hiv-testing", "pep-prep"), ("legal-aid",))
PER_NEED = 3  # services under one heading: the card is A6, and its QR code leads to the rest


@dataclass(frozen=True)
class Section:
    categories: tuple[Category, ...]
    nearest: Province | None    # set when the services are a neighbouring province's
    services: tuple[Service, ...]
    notes: tuple = ()           # what the needs say first on every card (PEP: the hospital, today)


@dataclass(frozen=True)
class Card:
    province: Province
    emergency: tuple[Service, ...]
    sections: tuple[Section, ...]
    checked_on: dt.date | None  # the oldest check of a confirmed number on the card
    unchecked: bool             # some number on it is not confirmed: the card explains the *


def card_for(model: Content, province: Province) -> Card:
    """What a card lists: the national emergency numbers, then per need the province's own
    services that can be called; without any, the nearest neighbour's (NeedPage's order), then
    the national ones. Public numbers only; a service already on the card is not repeated."""
    emergency = model.emergency_services
    shown = {s.id for s in emergency}
    dialled = {p.number for s in emergency for p in s.public_phones}
    sections = []
    for slugs in CARD_NEEDS:
        pages = [model.need_page(province.slug, slug) for slug in slugs]
        nearest, found = None, [s for p in pages for s in p.local]
        if not found:
            groups = {prov.slug: (prov, group) for p in pages for prov, group in p.nearest}
            first = next((groups[n] for n in province.neighbours if n in groups), None)
            if first:
                nearest, found = first[0], list(first[1])
        if not found:
            found = [s for p in pages for s in p.national if s.callable]
        # A service already on the card, or whose every number is, would only take space.
        notes = tuple(c.where.card for c in map(model.category, slugs) if c.where and c.where.first and c.where.card)
        # A note said first takes the place of one service: the card stays one A6 page.
        services = tuple(dict.fromkeys(s for s in found if s.id not in shown and
                                       {p.number for p in s.public_phones} - dialled))[:PER_NEED - len(notes)]
        shown.update(s.id for s in services)
        dialled.update(p.number for s in services for p in s.public_phones)
        if services or notes:
            sections.append(Section(tuple(model.category(s) for s in slugs), nearest, services, notes))
    listed = list(emergency) + [s for sec in sections for s in sec.services]
    checks = [s.provenance.checked_on for s in listed
              if s.provenance.checked_on and any(p.confidence == "confirmed" for p in s.public_phones)]
    unchecked = any(p.confidence != "confirmed" for s in listed for p in s.public_phones)
    return Card(province, emergency, tuple(sections), min(checks, default=None), unchecked)


@bp.route("/province/<slug>/card/")
@page_cache("card")
def card(slug):
    model = content()
    place = model.province(slug) or abort(404)
    return page("card.html", card=card_for(model, place), copies=4)


@page_urls.register
def card_urls(locale):
    return [url_for("cards.card", locale=locale, slug=p.slug) for p in content().provinces]
