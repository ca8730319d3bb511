"""What a route answers: status, body and headers, independent of the HTTP plumbing."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def json_reply(status: int, payload: object, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, json.dumps(payload).encode("utf-8"), headers=headers)


def rokt_error(
    status: int, code: str, reason: str, headers: tuple[tuple[str, str], ...] = ()
) -> Reply:
    """Rokt's Error Model (`Code`, `Reason`, both always present); Rokt says every error
    response is JSON."""
    return json_reply(status, {"Code": code, "Reason": reason}, headers)


def accepted() -> Reply:
    """202: Rokt queues the work and documents no response body."""
    return Reply(202, b"", content_type="")
