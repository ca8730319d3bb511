"""What the fields of one message share while they render.

Braze renders each webhook field (URL, each header, body) as its own template with its
own variables; they share only the user, the connected_content call cache and the
abort. `MessageState` is that shared part.
It reaches tags through the render context's globals under `STATE_KEY`, a name no
template can spell.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from random import Random
from typing import TYPE_CHECKING, Any

from rokt_braze.connected import (
    CallFailed,
    CallRequest,
    CallResponse,
    FixtureTransport,
    Transport,
)
from rokt_braze.limits import BODY_PREVIEW, Limits

if TYPE_CHECKING:
    from liquid import RenderContext

STATE_KEY = "\x00braze-state"


@dataclass
class CallRecord:
    """One connected_content call as made: `status` None when no answer came back.

    A cache hit is recorded too (`cached`), so a report can show every call in order;
    findings come from the call that filled the cache, never from a hit.
    """

    method: str
    url: str
    status: int | None
    index: int  # where the tag is (rewritten-source index until the template maps it)
    failure: str = ""
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    #: "fixture WHERE", "live", "cache" or "failed: WHY" ("" before any answer)
    answered_by: str = ""
    response_headers: dict[str, str] = field(default_factory=dict)
    #: the first `BODY_PREVIEW` bytes of the response body; `response_size` is all of it
    response_body: str = ""
    response_size: int = 0
    duration_ms: float = 0.0
    attempts: int = 0
    retry: bool = False
    #: the variable the answer is saved to (`:save`, else Braze's `connected`)
    save: str = "connected"
    #: seconds Braze keeps the answer for (None: not cached), under `cache_key`
    cache_ttl: int | None = None
    cached: bool = False

    @property
    def cache_key(self) -> str:
        """The key the answer is cached under: method, URL and (for a POST) the body."""
        return " ".join(p for p in (self.method, self.url, self.request_body or "") if p)

    def answered(self, response: CallResponse) -> None:
        """Keep what `response` says: who answered, status, headers, the body's start."""
        raw = response.text.encode("utf-8", "surrogatepass")
        self.status = response.status
        self.answered_by = response.source or "transport"
        self.response_headers = dict(response.headers)
        self.response_body = raw[:BODY_PREVIEW].decode("utf-8", "ignore")
        self.response_size = len(raw)

    def cache_hit(self) -> CallRecord:
        """The same call answered again from the message's cache: nothing was sent."""
        return replace(self, failure="", answered_by="cache", duration_ms=0.0, attempts=0,
                       cached=True)


@dataclass
class Resources:
    """Outside data a template may need: fixtures for Braze's server-side features."""

    transport: Transport = field(default_factory=FixtureTransport)
    content_blocks: Mapping[str, str] = field(default_factory=dict)
    catalogs: Mapping[str, Mapping[str, Any]] | None = None
    selections: Mapping[str, Mapping[str, list[Any]]] | None = None
    promotions: Mapping[str, str] | None = None
    #: locale key -> translation id -> text (the `translation` tag).
    translations: Mapping[str, Mapping[str, Any]] | None = None
    #: cart id -> cart (the `shopping_cart` tag).
    shopping_carts: Mapping[str, Mapping[str, Any]] | None = None
    limits: Limits = field(default_factory=Limits)


@dataclass
class MessageState:
    resources: Resources
    #: (method, url, body) -> response; shared by every field of the message.
    call_cache: dict[tuple[str, str, str], CallResponse] = field(default_factory=dict)
    #: (namespace or None, name) of every `${...}` read the profile could not answer.
    misses: set[tuple[str | None, str]] = field(default_factory=set)
    #: key/value pairs from `message_extras`.
    extras: dict[str, str] = field(default_factory=dict)
    #: every connected_content call made: (method, url, status or None, source index)
    calls: list[CallRecord] = field(default_factory=list)
    #: content block nesting depth (Braze renders two levels, the third renders nothing).
    block_depth: int = 0
    #: the `random` tag's generator, seeded from the user on first use.
    random: Random | None = None
    #: (method, url, body) -> the answer each call got, cached or not, so that a traced
    #: re-render (`replay`) reuses it instead of calling again.
    answers: dict[tuple[str, str, str], CallResponse] = field(default_factory=dict)
    #: `time.monotonic()` by which every field must have rendered (`Limits.render_seconds`)
    deadline: float = 0.0

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = time.monotonic() + self.resources.limits.render_seconds

    def replay(self) -> MessageState:
        """A fresh state for rendering a field again: each call gets its first answer."""
        return MessageState(replace(self.resources, transport=_Replay(self.answers)))


class _Replay:
    """The transport of a re-render: answers from a first render, never calls out."""

    def __init__(self, answers: Mapping[tuple[str, str, str], CallResponse]) -> None:
        self.answers = answers

    def send(self, request: CallRequest) -> CallResponse:
        try:
            return self.answers[(request.method, request.url, request.body or "")]
        except KeyError:  # it got no answer the first time either
            raise CallFailed("connection", f"no answer for {request.url}") from None


def message_state(context: RenderContext) -> MessageState:
    state = context.globals.get(STATE_KEY)
    if not isinstance(state, MessageState):  # rendered outside BrazeTemplate: a fresh one
        state = MessageState(Resources())
    return state
