"""A one-line progress bar on stderr, for people watching a terminal (never in a pipe or CI).

It shows the share of the export done, users checked, users per second and the time left.
The share is of the export's bytes as stored (a gzipped file counts compressed), and moves
as partitions finish, so the time left is estimated from bytes, not from users (the number
of users is not known until the end). Redraws are limited to a few a second; the line is
wiped when the run ends, so the report starts on a clean line.
"""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]

_WIDTH = 24
_INTERVAL = 0.2


class Progress:
    def __init__(self, stream: TextIO, *, enabled: bool | None = None) -> None:
        self.stream = stream
        self.enabled = _is_tty(stream) if enabled is None else enabled
        self.started = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def update(self, users: int, done_bytes: int, total_bytes: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < _INTERVAL:
            return
        self._last = now
        share = min(done_bytes / max(total_bytes, 1), 1.0)
        filled = int(share * _WIDTH)
        elapsed = max(now - self.started, 1e-6)
        rate = users / elapsed
        left = f"  ETA {_duration(elapsed * (1 - share) / share)}" if 0 < share < 1 else ""
        bar = "#" * filled + "." * (_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {share:4.0%}  {users:,} users  {rate:,.0f}/s{left} ")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


def _duration(seconds: float) -> str:
    whole = int(seconds + 0.5)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
