"""REST API keys with permissions, and Braze's per-workspace rate limit.

A Braze REST key is sent as `Authorization: Bearer <key>` and carries a fixed set of
endpoint permissions (`users.track`, `users.export.ids`, `users.export.segment`, ...).
A missing, unknown or quoted key is 401; a key without the endpoint's permission is 403
`Access Denied`. Every answer to a known key carries `X-RateLimit-Limit`,
`X-RateLimit-Remaining` and `X-RateLimit-Reset` (UTC epoch seconds); past the limit the
answer is 429.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

__all__ = ["PERMISSIONS", "ApiKey", "RateLimiter", "mask", "parse_key_spec"]

#: The permissions the fake knows (a key's default is all of them).
PERMISSIONS = frozenset({
    "users.track", "users.export.ids", "users.export.segment", "segments.list",
})


@dataclass(frozen=True)
class ApiKey:
    key: str
    permissions: frozenset[str] = PERMISSIONS

    def allows(self, permission: str) -> bool:
        return permission in self.permissions


def parse_key_spec(text: str) -> ApiKey:
    """`KEY` (every permission) or `KEY=PERMISSION,...`; raises ValueError."""
    key, eq, perms = text.partition("=")
    key = key.strip()
    if not key:
        raise ValueError("the key is empty")
    if not eq:
        return ApiKey(key)
    wanted = frozenset(p.strip() for p in perms.split(",") if p.strip())
    if not wanted:
        raise ValueError(f"no permissions after '=' (known: {', '.join(sorted(PERMISSIONS))})")
    unknown = wanted - PERMISSIONS
    if unknown:
        raise ValueError(
            f"unknown permission {sorted(unknown)[0]!r} (known: {', '.join(sorted(PERMISSIONS))})"
        )
    return ApiKey(key, wanted)


def mask(key: str) -> str:
    """A key as error messages and logs show it: only the last four characters."""
    return "*" * 4 + key[-4:] if len(key) > 8 else "*" * 4


def bearer(authorization: str | None, keys: Mapping[str, ApiKey]) -> ApiKey | str:
    """The key an Authorization header names, or the reason it names none."""
    if not authorization:
        return "missing Authorization header (send 'Authorization: Bearer <REST API key>')"
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return "the Authorization header must be 'Bearer <REST API key>'"
    value = value.strip()
    if value[:1] in "'\"" or value[-1:] in "'\"":
        return f"Invalid API key: {mask(value.strip(chr(34) + chr(39)))} (remove the quotes)"
    found = keys.get(value)
    return found if found is not None else f"Invalid API key: {mask(value)}"


class RateLimiter:
    """A fixed window of `limit` requests per `window` seconds, shared by all keys (Braze
    limits per workspace). A window opens with the first request after the last one closed,
    so the reset time a client is told is the same on every run."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.time
    ) -> None:
        if limit <= 0 or window <= 0:
            raise ValueError("the rate limit needs a positive count and window")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._start = -math.inf
        self._used = 0

    def peek(self) -> list[tuple[str, str]]:
        """The X-RateLimit-* headers as they stand, without counting a request."""
        with self._lock:
            return self._headers()

    def _headers(self) -> list[tuple[str, str]]:
        return [
            ("X-RateLimit-Limit", str(self.limit)),
            ("X-RateLimit-Remaining", str(self.limit - self._used)),
            ("X-RateLimit-Reset", str(math.ceil(self._start + self.window))),
        ]

    def take(self) -> tuple[bool, list[tuple[str, str]]]:
        """Count one request: (allowed, the X-RateLimit-* headers to send)."""
        with self._lock:
            now = self._clock()
            if now >= self._start + self.window:  # a window opens with its first request
                self._start = now
                self._used = 0
            allowed = self._used < self.limit
            if allowed:
                self._used += 1
            return allowed, self._headers()


def keys_by_value(keys: Iterable[ApiKey]) -> dict[str, ApiKey]:
    return {k.key: k for k in keys}
