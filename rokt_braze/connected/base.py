"""The transport interface the `connected_content` tag talks to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class CallRequest:
    """One connected_content call, fully rendered.

    Credentials are carried by *name* (`basic_auth`, `auth_credentials`): resolving a
    name to a secret is the transport's job, so secrets never enter templates or logs.
    """

    method: str  # "GET" or "POST"
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    basic_auth: str | None = None
    auth_credentials: str | None = None
    #: seconds a transport may cache the answer for (None: do not cache)
    cache_ttl: int | None = None


@dataclass(frozen=True)
class CallResponse:
    status: int
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    #: who answered, for `render --calls`: "fixture WHERE", "live" or "cache"
    source: str = field(default="", compare=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class CallFailed(Exception):
    """The call produced no HTTP answer Braze would use.

    `kind` is one of: "unmatched" (offline, no fixture), "not-allowed" (host or port
    not allowed in live mode), "bad-url" (a URL two parsers could read differently),
    "bad-request" (a header that cannot be sent), "timeout", "connection" (refused,
    DNS, TLS, reset), "too-large", "redirect", "charset" (an unknown response charset),
    "credentials". Only "timeout" and "connection" are worth retrying, as Braze retries
    timeouts and failed connections (5xx answers are retried by the tag).
    """

    RETRYABLE = frozenset({"timeout", "connection"})

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def retryable(self) -> bool:
        return self.kind in self.RETRYABLE


class Transport(Protocol):
    def send(self, request: CallRequest) -> CallResponse:
        """Answer the call, or raise `CallFailed`."""
        ...
