"""Clocks for the fakes: wall time by default, a hand-driven one for tests.

Token expiry, rate-limit windows and timestamps read the clock, so a test moves time
forward instead of sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

#: Seconds since the epoch, like `time.time`.
Clock = Callable[[], float]


class ManualClock:
    """A clock that only moves when told to; safe to read from the server's threads."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
