"""The offline transport: calls are answered from fixtures, never from the network.

A fixture is a mapping `{url, method, status, json | text, headers}`; `url` matches the
rendered URL exactly (query string included), `method` defaults to GET, `status` to 200.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rokt_braze.connected.base import CallFailed, CallRequest, CallResponse

_KEYS = frozenset({"url", "method", "status", "json", "text", "headers"})


@dataclass(frozen=True)
class Fixture:
    method: str
    url: str
    response: CallResponse


def parse_fixtures(entries: Iterable[object], *, where: str = "fixtures") -> list[Fixture]:
    """Validate fixture mappings; raise ValueError naming the bad entry."""
    out = []
    for n, entry in enumerate(entries, 1):
        out.append(_parse_one(entry, f"{where} entry {n}"))
    return out


def _parse_one(entry: object, where: str) -> Fixture:
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where}: expected a mapping with url, method, status, json or text")
    unknown = set(entry) - _KEYS
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    url = entry.get("url")
    if not isinstance(url, str) or not url:
        raise ValueError(f"{where}: 'url' must be a non-empty string")
    method = str(entry.get("method", "GET")).upper()
    if method not in ("GET", "POST"):
        raise ValueError(f"{where}: 'method' must be GET or POST (Braze allows no other)")
    status = entry.get("status", 200)
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError(f"{where}: 'status' must be an HTTP status code")
    if "json" in entry and "text" in entry:
        raise ValueError(f"{where}: give 'json' or 'text', not both")
    text = json.dumps(entry["json"]) if "json" in entry else str(entry.get("text", ""))
    headers: Any = entry.get("headers", {})
    if not isinstance(headers, Mapping):
        raise ValueError(f"{where}: 'headers' must be a mapping")
    response = CallResponse(status, text, {str(k): str(v) for k, v in headers.items()})
    return Fixture(method, url, response)


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
