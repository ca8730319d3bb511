"""A one-line progress bar on stderr, for people watching a terminal (never in a pipe or CI).

It shows users checked, users per second and the share of the file read (of the file as
stored, so a gzipped export is measured in compressed bytes). Redraws are limited to a few a
second; the line is wiped when the run ends, so the report starts on a clean line.
"""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]

_WIDTH = 24
_INTERVAL = 0.2


class Progress:
    def __init__(self, stream: TextIO, total_bytes: int, *, enabled: bool | None = None) -> None:
        self.stream = stream
        self.total = max(total_bytes, 1)
        self.enabled = _is_tty(stream) if enabled is None else enabled
        self.started = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def update(self, users: int, done_bytes: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < _INTERVAL:
            return
        self._last = now
        share = min(done_bytes / self.total, 1.0)
        filled = int(share * _WIDTH)
        rate = users / max(now - self.started, 1e-6)
        bar = "#" * filled + "." * (_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {share:4.0%}  {users:,} users  {rate:,.0f}/s ")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
