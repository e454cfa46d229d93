"""The app's one clock: what every page, the reports' flood limits and day stamps, the content
check ("checked on" a day in the future) and the maintainers' commands take as "now". Plain
Python, no Flask.

Set once: create_app makes it from config CLOCK (a callable in tests; an ISO date-time such as
MITTA_CLOCK=2026-12-01T09:00+07:00 for a server started from the environment), the maintainers'
commands from MITTA_CLOCK, and without either it is the machine's clock.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Callable, Union

from .content.model import CAMBODIA

Source = Union[None, str, dt.datetime, Callable[[], dt.datetime]]


class Clock:
    def __init__(self, source: Source = None):
        if isinstance(source, str):
            source = dt.datetime.fromisoformat(source)
        if isinstance(source, dt.datetime):
            if source.tzinfo is None:
                raise ValueError(f"CLOCK {source.isoformat()} names no time zone")
            fixed = source
            source = lambda: fixed  # noqa: E731
        self._source = source or (lambda: dt.datetime.now(dt.timezone.utc))

    @classmethod
    def from_environment(cls) -> "Clock":
        """For what runs without an app (the maintainers' commands): MITTA_CLOCK, as for the server."""
        return cls(os.environ.get("MITTA_CLOCK") or None)

    def now(self) -> dt.datetime:
        return self._source()

    def today(self) -> dt.date:
        """The day in Cambodia, where every date Mitta shows or stores is meant."""
        return self.now().astimezone(CAMBODIA).date()

    def seconds(self) -> float:
        """Seconds on this clock, for the flood limits' token buckets."""
        return self.now().timestamp()
