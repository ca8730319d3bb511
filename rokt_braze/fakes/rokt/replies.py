"""Rokt's answers: its Error Model for every error, and 202 with no body."""

from __future__ import annotations

from rokt_braze.fakes.core import Headers, Reply, json_reply


def rokt_error(status: int, code: str, reason: str, headers: Headers = ()) -> Reply:
    """Rokt's Error Model (`Code`, `Reason`, both always present); Rokt says every error
    response is JSON. Also the shape of everything the server core refuses."""
    return json_reply(status, {"Code": code, "Reason": reason}, headers)


def accepted() -> Reply:
    """202: Rokt queues the work and documents no response body."""
    return Reply(202, b"", content_type="")
