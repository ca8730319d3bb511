"""The shape check for `connected_content` fixtures carried in a profile file.

A fixture is `{url, method, status, json | text, headers}` (docs: connected_content fixtures). The
profile layer sits before `rokt_braze.connected`, so it checks the shape itself - the same rules
the offline transport applies - and keeps the entries as plain mappings: a typo in a fixture is
then reported against the profile file that holds it, at load time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["FixtureShapeError", "check_fixtures"]

_KEYS = frozenset({"url", "method", "status", "json", "text", "headers"})
_METHODS = frozenset({"GET", "POST"})  # Connected Content allows no other


class FixtureShapeError(ValueError):
    """A fixture entry of the wrong shape; the message names the entry (1-based)."""


def check_fixtures(value: object) -> list[dict[str, Any]]:
    """Return the fixture list as plain dicts, or raise `FixtureShapeError`."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FixtureShapeError(
            f"connected_content must be a list of fixtures, got {type(value).__name__}"
        )
    return [_check_one(entry, n) for n, entry in enumerate(value, 1)]


def _check_one(entry: object, n: int) -> dict[str, Any]:
    where = f"connected_content entry {n}"
    if not isinstance(entry, Mapping):
        raise FixtureShapeError(
            f"{where}: expected a mapping with url, method, status, json or text; "
            f"got {type(entry).__name__}"
        )
    unknown = sorted(str(key) for key in entry if key not in _KEYS)
    if unknown:
        raise FixtureShapeError(f"{where}: unknown key(s) {', '.join(unknown)}")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise FixtureShapeError(f"{where}: 'url' must be a non-empty string")
    method = entry.get("method", "GET")
    if not isinstance(method, str) or method.upper() not in _METHODS:
        raise FixtureShapeError(f"{where}: 'method' must be GET or POST, got {method!r}")
    status = entry.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise FixtureShapeError(f"{where}: 'status' must be an HTTP status code, got {status!r}")
    if "json" in entry and "text" in entry:
        raise FixtureShapeError(f"{where}: give 'json' or 'text', not both")
    if "text" in entry and not isinstance(entry["text"], str):
        raise FixtureShapeError(f"{where}: 'text' must be a string")
    headers = entry.get("headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, (str, int, float)) for k, v in headers.items()
    ):
        raise FixtureShapeError(f"{where}: 'headers' must map header names to strings")
    return {str(key): value for key, value in entry.items()}
