"""The content model: immutable, loaded once, and knowing nothing of Flask or files.

Every page, the search index, the HSDS API and the offline pack are views of one `Content`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CAMBODIA = dt.timezone(dt.timedelta(hours=7))  # no daylight saving
STALE_AFTER_DAYS = 180
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Text:
    km: str
    en: str

    def __call__(self, locale: str) -> str:
        return getattr(self, locale)


@dataclass(frozen=True)
class Province:
    slug: str
    code: str
    name: Text
    spellings: tuple[str, ...]
    featured: bool


@dataclass(frozen=True)
class Category:
    slug: str
    name: Text
    icon: str


@dataclass(frozen=True)
class Phone:
    id: str
    number: str          # as dialled in Cambodia: "117" or "023 997 919"
    tel: str             # what a tel: link dials: the short code, or +855…
    sms: bool
    description: Text | None
    available: Text | None

    @property
    def is_short_code(self) -> bool:
        return not self.tel.startswith("+")


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
    checked_by: str | None

    def status(self, today: dt.date) -> str:
        """checked | stale | unchecked — what the badge says."""
        if not self.checked_on:
            return "unchecked"
        if (today - self.checked_on).days > STALE_AFTER_DAYS:
            return "stale"
        return "checked"


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


NEEDS = ("urgent", "health", "rights", "wellbeing")


@dataclass(frozen=True)
class Content:
    version: str                       # hash of every content file: changes with any edit
    provinces: tuple[Province, ...]
    categories: tuple[Category, ...]
    organizations: tuple[Organization, ...]
    services: tuple[Service, ...]
    locations: tuple[Location, ...]
    articles: tuple[Article, ...]
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        for kind in ("provinces", "categories", "organizations", "services", "locations", "articles"):
            key = "slug" if kind in ("provinces", "categories", "articles") else "id"
            self._index[kind] = {getattr(item, key): item for item in getattr(self, kind)}
        self._index["local"] = {p for s in self.services for p in s.provinces}

    def province(self, slug): return self._index["provinces"].get(slug)
    def category(self, slug): return self._index["categories"].get(slug)
    def organization(self, id): return self._index["organizations"].get(id)
    def service(self, id): return self._index["services"].get(id)
    def location(self, id): return self._index["locations"].get(id)
    def article(self, slug): return self._index["articles"].get(slug)

    def has_local(self, province: str) -> bool:
        """Whether any service works in this province in particular (not only nationally)."""
        return province in self._index["local"]

    @property
    def featured_provinces(self):
        return tuple(p for p in self.provinces if p.featured)

    def services_in(self, province: str, category: str | None = None):
        """Services a person in `province` can use: local ones first, then national ones."""
        found = [s for s in self.services if s.serves(province)
                 and (category is None or category in s.categories)]
        return tuple(sorted(found, key=lambda s: (s.national, s.name.en)))

    @property
    def emergency_services(self):
        """The numbers for "help now", in the order the content gives (safest calls first)."""
        ranked = [s for s in self.services if s.emergency_rank is not None]
        return tuple(sorted(ranked, key=lambda s: s.emergency_rank))

    def articles_for(self, category: str):
        return tuple(a for a in self.articles if category in a.categories)
