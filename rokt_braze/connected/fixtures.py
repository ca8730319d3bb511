"""connected_content fixtures: their one schema, and the offline transport they feed.

A fixture is a mapping `{url, method, status, json | text, headers}`; `url` matches the
rendered URL exactly (query string included), `method` defaults to GET, `status` to 200.
Every place fixtures come from (a profile, a webhook file, a fixture file, the API's
`fixtures=`) is checked here, so a typo reads the same wherever it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rokt_braze.connected.base import CallFailed, CallRequest, CallResponse

__all__ = ["Fixture", "FixtureError", "FixtureTransport", "check_fixtures", "parse_fixtures"]

_KEYS = frozenset({"url", "method", "status", "json", "text", "headers"})
_METHODS = frozenset({"GET", "POST"})  # Connected Content allows no other


class FixtureError(ValueError):
    """A fixture entry of the wrong shape; the message names the entry (1-based). `entry`
    (1-based, 0: the list itself) and `key` (the offending key, "" for the whole entry) say
    where it is, for a caller that can place them in a file."""

    def __init__(self, message: str, *, entry: int = 0, key: str = "") -> None:
        super().__init__(message)
        self.entry = entry
        self.key = key


@dataclass(frozen=True)
class Fixture:
    method: str
    url: str
    response: CallResponse


def check_fixtures(value: object, *, where: str = "connected_content") -> list[dict[str, Any]]:
    """The fixture list as plain dicts (None is no fixtures), or raise `FixtureError`."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FixtureError(f"{where} must be a list of fixtures, got {type(value).__name__}")
    return [_check_one(entry, where, n) for n, entry in enumerate(value, 1)]


def parse_fixtures(entries: Iterable[object], *, where: str = "fixtures") -> list[Fixture]:
    """Checked fixtures ready for `FixtureTransport`; raise `FixtureError` naming a bad one."""
    if not isinstance(entries, (list, tuple)):
        raise FixtureError(f"{where}: connected_content must be a list of fixtures, got "
                           f"{type(entries).__name__}")
    out = []
    for n, entry in enumerate(entries, 1):
        checked = _check_one(entry, where, n)
        text = json.dumps(checked["json"]) if "json" in checked else checked.get("text", "")
        headers = {str(k): str(v) for k, v in checked.get("headers", {}).items()}
        response = CallResponse(checked.get("status", 200), text, headers,
                                source=f"fixture {where} entry {n}")
        out.append(Fixture(str(checked.get("method", "GET")).upper(), checked["url"], response))
    return out


def _check_one(entry: object, where: str, n: int) -> dict[str, Any]:
    def bad(reason: str, key: str = "") -> FixtureError:
        return FixtureError(f"{where} entry {n}: {reason}", entry=n, key=key)

    if not isinstance(entry, Mapping):
        raise bad(f"expected a mapping with url, method, status, json or text; got "
                  f"{type(entry).__name__}")
    unknown = sorted(str(key) for key in entry if key not in _KEYS)
    if unknown:
        raise bad(f"unknown key(s) {', '.join(unknown)}", unknown[0])
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise bad("'url' must be a non-empty string", "url")
    method = entry.get("method", "GET")
    if not isinstance(method, str) or method.upper() not in _METHODS:
        raise bad(f"'method' must be GET or POST (Braze allows no other), got {method!r}",
                  "method")
    status = entry.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise bad(f"'status' must be an HTTP status code, got {status!r}", "status")
    if "json" in entry and "text" in entry:
        raise bad("give 'json' or 'text', not both", "text")
    if "text" in entry and not isinstance(entry["text"], str):
        raise bad("'text' must be a string", "text")
    headers = entry.get("headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, (str, int, float)) for k, v in headers.items()
    ):
        raise bad("'headers' must map header names to strings", "headers")
    return {str(key): value for key, value in entry.items()}


class FixtureTransport:
    """Answers from fixtures; the first fixture listed wins, so user fixtures go first."""

    def __init__(self, fixtures: Iterable[Fixture] = ()) -> None:
        self._table: dict[tuple[str, str], CallResponse] = {}
        for fixture in fixtures:
            self._table.setdefault((fixture.method, fixture.url), fixture.response)

    def send(self, request: CallRequest) -> CallResponse:
        try:
            return self._table[(request.method, request.url)]
        except KeyError:
            raise CallFailed(
                "unmatched", f"no fixture for {request.method} {request.url}"
            ) from None
