"""The text a person shares about a service: the one place it is built, for the service page, every
list and the SMS link alike (static/js/directory.js only hands it on), so they cannot disagree.

It is plain text for an SMS, in the page's language, core first: the name, then the numbers, so
the first SMS of a long text still carries what matters (one SMS holds 70 characters of Khmer, 160
of plain English). Then whether a number is unchecked, the address, the hours if known, and the
link. Only public numbers (never a doubtful one); the link is PUBLIC_URL's (server/public.py).
"""
import json

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import gettext as _, ngettext

from .directory import day_name, phone_country
from .extensions import cache, content
from .public import public_url

bp = Blueprint("share", __name__, url_prefix="/<locale>")

MAX_PLACES = 2   # a chain of clinics would fill many messages: the link lists every place
# Punctuation outside the GSM 7-bit alphabet would make an English SMS count in 70-character
# parts like Khmer; each has a plain equivalent that reads the same.
PLAIN = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})


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


@bp.route("/share-texts.json")
@cache.cached(key_prefix=lambda: "share:" + request.path)
def texts():
    """Every listed service's text, for the Share links in lists: one small file the phone saves
    (the sitemap finds it), instead of the same text repeated on every list a service is in."""
    texts = {s.id: share_text(s) for s in content().listed_services}
    # Khmer as UTF-8, not \u escapes: half the bytes the phone stores.
    return current_app.response_class(json.dumps(texts, ensure_ascii=False, sort_keys=True),
                                      mimetype="application/json")


def init_app(app):
    app.add_template_global(share_text)
    app.register_blueprint(bp)
