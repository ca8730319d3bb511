"""Authentication helpers every fake shares.

Secrets are compared in constant time (`same_secret`); `Authorization` headers are read
by one parser each (`basic_credentials`, `bearer_token`); and `FailedAuthLimiter` slows
down a client that keeps presenting wrong credentials: after `max_failures` failures in
`window` seconds it is answered 429 with `Retry-After` until the window has passed, so a
secret cannot be guessed at full speed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import threading
import time
from collections import deque

from rokt_braze.fakes.core.clock import Clock


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison (the time does not tell how much of a guess was right)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """`Basic base64(id:secret)` -> (id, secret); None when absent or malformed."""
    scheme, _, encoded = (authorization or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (client_id, secret) if colon else None


def bearer_token(authorization: str | None) -> str | None:
    """The token of `Bearer <token>`; None when absent or another scheme."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class FailedAuthLimiter:
    """Counts failed authentications per client address in a sliding window.

    Call `retry_after(client)` before checking credentials (a number of seconds means
    answer 429 with that `Retry-After`), and `failed(client)` after a failure. Success
    does not reset the count: a guesser who once got in must not earn more guesses.
    """

    def __init__(
        self, max_failures: int = 20, window: float = 60.0, clock: Clock = time.monotonic
    ) -> None:
        if max_failures < 1 or window <= 0:
            raise ValueError("max_failures and window must be positive")
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """Seconds until `client` may try again, or None when it may try now."""
        with self._lock:
            times = self._recent(client)
            if len(times) < self.max_failures:
                return None
            return max(1, math.ceil(times[0] + self.window - self._clock()))

    def failed(self, client: str) -> None:
        with self._lock:
            times = self._recent(client)
            times.append(self._clock())
            while len(times) > self.max_failures:
                times.popleft()

    def _recent(self, client: str) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        cutoff = self._clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times and len(self._failures) > 10_000:  # forget idle clients, bound memory
            self._failures = {k: v for k, v in self._failures.items() if v}
            self._failures[client] = times
        return times
