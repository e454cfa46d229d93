"""The content model: immutable, loaded once, and knowing nothing of Flask or of content files
(the rules it shares with the content check, like the service statuses, come from rules.py).

Every page, the search index, the HSDS API and the offline pack are views of one `Content`.
One module of over 300 lines because it is one idea, the shape every view reads: small frozen
dataclasses that mean something only together, and `Content`'s look-ups over them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import rules

if TYPE_CHECKING:
    from .languages import Languages

CAMBODIA = dt.timezone(dt.timedelta(hours=7))  # no daylight saving
HOME_REGION = "KH"   # a phone's region when the content names none
STALE_AFTER_DAYS = 180
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Text:
    """A text in the content languages: Khmer and English in every file (the table's required
    languages), Vietnamese where it is written."""
    km: str
    en: str
    vi: str | None = None

    def __call__(self, locale: str) -> str:
        # Until its own text is written, a language shows the English (the table's `fallback`
        # order starts with it); a guide never does: one not in the reader's language is listed
        # with links, not shown (Article.in_language).
        return getattr(self, locale, None) or self.en

    def has(self, locale: str) -> bool:
        return bool(getattr(self, locale, None))

    def all(self) -> tuple[str, ...]:
        """Every language's text there is: what search finds an item by, whatever its page's language."""
        return tuple(v for v in (getattr(self, f) for f in self.__dataclass_fields__) if v)


@dataclass(frozen=True)
class Province:
    slug: str
    code: str
    name: Text
    spellings: tuple[str, ...]
    featured: bool
    neighbours: tuple[str, ...] = ()   # slugs sharing a land border, nearest first


@dataclass(frozen=True)
class Where:
    """Where a need's help is usually found, in plain words, with the public source that says so:
    what a need page says when it has nothing to call, so it is never an empty list."""
    text: Text
    source: str
    first: bool = False          # said first on every page of the need (PEP: the hospital, today)
    card: Text | None = None     # the short form a printed card carries (with `first`)


@dataclass(frozen=True)
class Category:
    slug: str
    name: Text
    icon: str
    need: bool = True    # False: a listing (government offices), never the answer to a need
    spellings: tuple[str, ...] = ()   # romanised forms people type for it (search matches them)
    where: Where | None = None


def country_name(code: str) -> Text:
    """A country's name in both languages, from CLDR (Babel): not our own translation."""
    from babel import Locale
    return Text(Locale("km").territories[code], Locale("en").territories[code])


@dataclass(frozen=True)
class Phone:
    id: str
    number: str          # in Cambodia as dialled there: "117", "023 997 919"; abroad a short code
                         # or the international form ("+66 2 957 5851"), which works from any SIM
    tel: str             # what a tel: link dials: the short code, or +855…/+66…
    sms: bool
    description: Text | None
    available: Text | None
    confidence: str = "plausible"   # confirmed | plausible | doubtful (content-review.md §1)
    source: str | None = None
    region: str = HOME_REGION       # ISO 3166 country the number belongs to

    @property
    def abroad(self) -> bool:
        """A number of another country: shown with its country's name."""
        return self.region != HOME_REGION

    @property
    def public(self) -> bool:
        """A doubtful number may belong to a stranger: users never see it, anywhere."""
        return self.confidence != "doubtful"

    @property
    def is_short_code(self) -> bool:
        return not self.tel.startswith("+")


@dataclass(frozen=True)
class Channel:
    """A staffed chat a person can write to (`channels:`): Telegram, Messenger, WhatsApp or SMS."""
    kind: str            # rules.CHANNEL_KINDS
    address: str         # as written: t.me/NAME, m.me/NAME, wa.me/DIGITS, or the SMS number
    href: str            # what the link opens (rules.channel_href)
    confidence: str = "plausible"
    source: str | None = None
    available: Text | None = None

    @property
    def public(self) -> bool:
        return self.confidence != "doubtful"


@dataclass(frozen=True)
class Schedule:
    byday: tuple[str, ...]
    opens_at: str
    closes_at: str

    def is_open(self, when: dt.datetime) -> bool:
        local = when.astimezone(CAMBODIA)
        now = local.strftime("%H:%M")
        return DAYS[local.weekday()] in self.byday and self.opens_at <= now < self.closes_at


@dataclass(frozen=True)
class Location:
    id: str
    name: Text
    province: str
    address: Text | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Provenance:
    source: str
    checked_on: dt.date | None
    checked_by: str | None  # the maintainers' own record of who and how: never shown as it is

    @property
    def by_call(self) -> bool:
        """Whether the check was a call, as `flask content checked` records it ("phone call by …");
        pages show a translated label for how it was checked, never the maintainers' words."""
        return bool(self.checked_by) and self.checked_by.lower().startswith("phone call")

    def status(self, today: dt.date) -> str:
        """checked | stale | unchecked — what the badge says."""
        if not self.checked_on:
            return "unchecked"
        if (today - self.checked_on).days > STALE_AFTER_DAYS:
            return "stale"
        return "checked"


@dataclass(frozen=True)
class Alert:
    text: Text
    until: dt.date
    start: dt.date | None = None   # `from:` in the file

    def shows(self, today: dt.date) -> bool:
        return (self.start is None or self.start <= today) and today <= self.until


# HSDS 3.1 service statuses (the content schema's list). Inactive and defunct services leave every
# list but keep their page.
STATUSES = rules.STATUSES
LISTED_STATUSES = ("active", "temporarily closed")


@dataclass(frozen=True)
class Service:
    id: str
    organization_id: str
    name: Text
    summary: Text
    description: Text
    categories: tuple[str, ...]
    national: bool
    provinces: tuple[str, ...]   # empty when national
    cost: Text | None
    free: bool | None
    documents: Text | None
    languages: tuple[str, ...]
    safety_note: Text | None
    age_note: Text | None
    phones: tuple[Phone, ...]
    schedules: tuple[Schedule, ...]
    location_ids: tuple[str, ...]
    provenance: Provenance
    khmer_draft: bool
    emergency_rank: int | None = None
    status: str = "active"
    alert: Alert | None = None
    country: str | None = None   # area `{country: TH}`: for people in that country, in no province
    gives: tuple[tuple[str, str], ...] = ()   # (pep | prep, the source that says this service gives it)
    spellings: tuple[str, ...] = ()   # what people type for it that its names do not hold ("polis")
    reviews: tuple[tuple[str, str, dt.date], ...] = ()   # (lang, by, date): its file's texts all reviewed
    channels: tuple[Channel, ...] = ()

    def review(self, lang: str) -> tuple[str, dt.date] | None:
        """(by, date) when a native speaker reviewed every text of its file in `lang`."""
        return next(((by, on) for code, by, on in self.reviews if code == lang), None)

    @property
    def public_channels(self) -> tuple[Channel, ...]:
        """The chats users may see: like public_phones, never a doubtful one, and none of a closed service."""
        return tuple(c for c in self.channels if c.public) if self.status == "active" else ()

    @property
    def public_phones(self) -> tuple[Phone, ...]:
        """The numbers users may see: every page, search, share text and the offline pack use these."""
        return tuple(p for p in self.phones if p.public)

    @property
    def listed(self) -> bool:
        return self.status in LISTED_STATUSES

    @property
    def callable(self) -> bool:
        """Something a person can call today: running, with a number we may show."""
        return self.status == "active" and bool(self.public_phones)

    def gives_source(self, what: str) -> str | None:
        """The source that says this service gives `what` (pep, prep), or None: PEP is claimed
        only where a source says so."""
        return dict(self.gives).get(what)

    def serves(self, province: str) -> bool:
        return self.national or province in self.provinces

    def is_open(self, when: dt.datetime) -> bool | None:
        """None when nobody has told us the hours."""
        if not self.schedules:
            return None
        return any(s.is_open(when) for s in self.schedules)


@dataclass(frozen=True)
class Organization:
    id: str
    slug: str
    name: Text
    description: Text
    website: str | None
    national: bool
    service_ids: tuple[str, ...]
    location_ids: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    slug: str
    order: int
    need: str
    icon: str
    title: Text
    summary: Text
    body_html: Text        # rendered and sanitised at load time
    categories: tuple[str, ...]
    reviewed_on: dt.date
    khmer_draft: bool
    sources: tuple[tuple[str, str | None], ...]
    reviews: tuple[tuple[str, str, dt.date], ...] = ()   # (lang, by, date): a native speaker reviewed all its texts

    def in_language(self, lang: str) -> bool:
        """Whether the article has a body in `lang`: only then is it a page in that language."""
        return self.body_html.has(lang)

    def review(self, lang: str) -> tuple[str, dt.date] | None:
        """(by, date) when every text of the article in `lang` is reviewed (content/FORMAT.md)."""
        return next(((by, on) for code, by, on in self.reviews if code == lang), None)


NEEDS = ("urgent", "health", "rights", "wellbeing")


@dataclass(frozen=True)
class NeedPage:
    """What a province × need page lists, in order. When nothing local can be called it falls back
    to neighbouring provinces, then national services, then the emergency list: never a dead end."""
    province: Province
    category: Category
    local: tuple[Service, ...]                  # local services that can be called
    uncallable: tuple[Service, ...]             # local, listed, but nothing to call (no number, closed)
    nearest: tuple[tuple[Province, tuple[Service, ...]], ...]   # neighbours, nearest first
    national: tuple[Service, ...]
    emergency: bool                             # the emergency list closes the page
    reachable: tuple[Service, ...] = ()         # what a tile counts: can be called, or visited at an address

    @property
    def fallback(self) -> bool:
        return not self.local

    @property
    def offers_nothing(self) -> bool:
        """Nothing on the page can be called or visited for this need, here, nearby or nationally."""
        return not self.reachable and not self.nearest

    @property
    def where(self) -> Where | None:
        """The plain sentence of where this help is usually found: on every page that offers
        nothing, and first on every page of a need that says so (PEP)."""
        w = self.category.where
        return w if w and (w.first or self.offers_nothing) else None


@dataclass(frozen=True)
class Content:
    version: str                       # hash of every content file: changes with any edit
    provinces: tuple[Province, ...]
    categories: tuple[Category, ...]
    organizations: tuple[Organization, ...]
    services: tuple[Service, ...]
    locations: tuple[Location, ...]
    articles: tuple[Article, ...]
    recordings: tuple = ()             # recordings.Recording: content/audio/recordings.yaml
    languages: Languages | None = None     # content/languages.yaml (languages.py)
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        for kind in ("provinces", "categories", "organizations", "services", "locations", "articles"):
            key = "slug" if kind in ("provinces", "categories", "articles") else "id"
            self._index[kind] = {getattr(item, key): item for item in getattr(self, kind)}
        self._index["local"] = {p for s in self.listed_services for p in s.provinces}
        self._index["not_needs"] = {c.slug for c in self.categories if not c.need}

    def province(self, slug): return self._index["provinces"].get(slug)
    def category(self, slug): return self._index["categories"].get(slug)
    def organization(self, id): return self._index["organizations"].get(id)
    def service(self, id): return self._index["services"].get(id)
    def location(self, id): return self._index["locations"].get(id)
    def article(self, slug): return self._index["articles"].get(slug)

    def recording(self, reads: str, lang: str, section: int | None = None):
        """The recording of `reads` (article:SLUG, service:ID, emergency) in `lang`, or None."""
        return next((r for r in self.recordings if r.key == (reads, section, lang)), None)

    @property
    def chat_services(self) -> tuple[Service, ...]:
        """Listed services a person can write to: "Talk to someone by chat", emergency ones first."""
        found = [s for s in self.listed_services if s.public_channels]
        return tuple(sorted(found, key=lambda s: (s.emergency_rank is None, s.emergency_rank or 0)))

    @property
    def listed_services(self) -> tuple[Service, ...]:
        """Services that appear in lists, search and the emergency list (not inactive or defunct)."""
        return tuple(s for s in self.services if s.listed)

    @property
    def needs(self) -> tuple[Category, ...]:
        """Categories a person can choose as what they need (not listings such as government offices)."""
        return tuple(c for c in self.categories if c.need)

    def has_local(self, province: str) -> bool:
        """Whether any listed service works in this province in particular (not only nationally)."""
        return province in self._index["local"]

    @property
    def countries(self) -> tuple[str, ...]:
        """Countries other than Cambodia with listed services, each with its own list page."""
        return tuple(sorted({s.country for s in self.listed_services if s.country}))

    def services_abroad(self, country: str) -> tuple[Service, ...]:
        """Listed services for people in `country`, those with a number to call first."""
        found = [s for s in self.listed_services if s.country == country]
        return tuple(sorted(found, key=lambda s: (not s.callable, s.name.en)))

    @property
    def featured_provinces(self):
        return tuple(p for p in self.provinces if p.featured)

    def services_in(self, province: str, category: str | None = None):
        """Listed services a person in `province` can use: local ones first, then national ones."""
        found = [s for s in self.listed_services if s.serves(province)
                 and (category is None or category in s.categories)]
        return tuple(sorted(found, key=lambda s: (s.national, s.name.en)))

    def answers_need(self, service: Service, category: str) -> bool:
        # A service also filed under a listing (government offices) is never an answer to a need.
        return category in service.categories and not self._index["not_needs"] & set(service.categories)

    def listings_in(self, province: str):
        """Local services under a category that is not a need, as (category, services)."""
        return tuple((c, found) for c in self.categories if not c.need
                     for found in [tuple(s for s in self.services_in(province, c.slug) if not s.national)]
                     if found)

    def need_page(self, province: str, category: str) -> NeedPage:
        def local_to(slug):
            return [s for s in self.services_in(slug, category) if not s.national and self.answers_need(s, category)]

        here = local_to(province)
        local = tuple(s for s in here if s.callable)
        national = tuple(s for s in self.services_in(province, category) if s.national and self.answers_need(s, category))
        nearest = ()
        if not local:
            seen = {s.id for s in here}
            groups = []
            for slug in self.province(province).neighbours:
                group = tuple(s for s in local_to(slug) if s.callable and s.id not in seen)
                seen.update(s.id for s in group)
                if group:
                    groups.append((self.province(slug), group))
            nearest = tuple(groups)
        # The emergency list closes a page with nothing local to call, unless it is already there
        # (the "emergency" need lists the same services as national ones).
        emergency = not local and not {s.id for s in self.emergency_services} <= {s.id for s in national}
        uncallable = tuple(s for s in here if not s.callable)
        reachable = local + tuple(s for s in uncallable if self.visitable(s)) + tuple(s for s in national if s.callable)
        return NeedPage(self.province(province), self.category(category), local,
                        uncallable, nearest, national, emergency, reachable)

    def visitable(self, service: Service) -> bool:
        """Running, at an address we may show: a person can go there without calling first."""
        return service.status == "active" and any(self.location(i).address for i in service.location_ids)

    def need_pages(self):
        """Every province × need page the model can answer, whether or not the site links it."""
        return tuple(self.need_page(p.slug, c.slug) for p in self.provinces for c in self.needs)

    @property
    def emergency_services(self):
        """The numbers for "help now", in the order the content gives (safest calls first)."""
        ranked = [s for s in self.listed_services if s.emergency_rank is not None and s.public_phones]
        return tuple(sorted(ranked, key=lambda s: s.emergency_rank))

    @property
    def doubtful_phones(self):
        """(service, phone) for every number users must not see: for the maintainers' call sheet."""
        return tuple((s, p) for s in self.services for p in s.phones if not p.public)

    def articles_for(self, category: str):
        return tuple(a for a in self.articles if category in a.categories)
