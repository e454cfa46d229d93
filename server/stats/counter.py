"""Counts held in memory and written in batches: a request only adds one to a dict under a lock,
and a background thread hands the batch to `write` every `every` seconds and at exit, so serving
never waits for the disk. Plain Python, no Flask.

A batch that cannot be written (disk full, database locked past its timeout) is said in the log
and kept for the next flush, never dropped silently. A process killed outright (SIGKILL, power
cut) loses what it counted since its last flush: at most `every` seconds of counts.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter as Tally
from typing import Callable, Hashable, Mapping

log = logging.getLogger("mitta.stats")


class Counter:
    def __init__(self, write: Callable[[Mapping[Hashable, int]], None], every: float = 5.0):
        self._write = write
        self.every = every
        self._pending: Tally = Tally()
        self._lock = threading.Lock()          # guards _pending: held for a dict update only
        self._flushing = threading.Lock()      # one batch on its way at a time, in order
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, key: Hashable, n: int = 1) -> None:
        with self._lock:
            self._pending[key] += n
            if self._thread is None and not self._stop.is_set():
                # Started by the first count, so an app that never counts (a maintainers'
                # command, the pack's renders) has no thread.
                self._thread = threading.Thread(target=self._run, name="mitta-stats", daemon=True)
                self._thread.start()

    def pending(self) -> int:
        with self._lock:
            return sum(self._pending.values())

    def flush(self) -> int:
        """Write what was counted since the last flush; the number of counts written."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, Tally()
            if not batch:
                return 0
            try:
                self._write(batch)
            except Exception:
                with self._lock:
                    self._pending.update(batch)
                raise
            return sum(batch.values())

    def _run(self):
        while not self._stop.wait(self.every):
            written = self._flush_logged()
            with self._lock:
                if not written and not self._pending:
                    # A whole interval without a count: the thread ends, and the next count
                    # starts another, so a test's many short-lived apps leave no threads behind.
                    self._thread = None
                    return

    def _flush_logged(self) -> int:
        try:
            return self.flush()
        except Exception as error:  # the server keeps serving; the counts wait for the next try
            log.warning("stats: %d counts not written yet, kept for the next try: %s", self.pending(), error)
            return 0

    def close(self) -> None:
        """Stop the thread and write what is left (at exit)."""
        self._stop.set()
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(self.every + 5)
        self._flush_logged()
