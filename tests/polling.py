"""Waiting for something a background thread or process does, without reading a clock.

Tests wait by counting attempts, so what they assert is what happened, never how long
it took (speed is measured in bench/)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: How often a probe is tried, and how many times: 400 x 0.05 s, generous on a busy machine.
INTERVAL = 0.05
ATTEMPTS = 400


def eventually(probe: Callable[[], T | None], what: str, attempts: int = ATTEMPTS) -> T:
    """The first truthy value `probe` returns; AssertionError naming `what` if none does."""
    for _ in range(attempts):
        value = probe()
        if value:
            return value
        time.sleep(INTERVAL)
    raise AssertionError(f"gave up waiting for {what} after {attempts} tries")
