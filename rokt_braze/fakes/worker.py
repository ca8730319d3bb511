"""A background worker thread for the fakes' queues (campaign deliveries, the Braze push).

`step()` does one round of work and says what next: None - nothing to do, sleep until
`notify()` (or `idle` seconds); 0 - go again at once; a number of seconds - hold that long
whatever is notified (a rate-limit reset or a backoff is not cut short by new work).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["Worker"]


class Worker:
    def __init__(self, name: str, step: Callable[[], float | None], *, idle: float = 1.0,
                 join_timeout: float = 10.0) -> None:
        self.name = name
        self._step = step
        self._idle = idle
        self._join_timeout = join_timeout
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop after the current step; safe to call twice."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self._join_timeout)
            self._thread = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def notify(self) -> None:
        """There is new work."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait = self._step()
            if wait is None:
                self._wake.wait(timeout=self._idle)
            elif wait > 0:
                self._stop.wait(timeout=wait)
