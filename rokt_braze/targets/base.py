"""`Target`: what a receiver brings to the pipeline, behind one protocol.

A target is a module (or package) under `rokt_braze/targets/` that defines `TARGET`, and one
line in `registry.TARGET_MODULES`. It names its endpoints (`rokt.create_event`), finds them
from a rendered URL and method, tightens the generic HTTP rules through its `HttpContract`
(method, body or none), checks the body (schemas and semantic rules), brings the
connected_content fixtures its own calls need offline (an OAuth token answer), says which
value must differ per user (the eventId policy), and which profile attributes it writes
as arrays (for the `array-output` lint), and the keys its JSON body takes (for an editor).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from rokt_braze.request import RenderedRequest
    from rokt_braze.targets.http import HttpContract
    from rokt_braze.targets.jsonpos import JsonDoc
    from rokt_braze.targets.problem import Problem

__all__ = ["BodyField", "EventIdPolicy", "Origin", "PerUser", "Target"]


@dataclass(frozen=True)
class Origin:
    """What a request was rendered from, for the rules its text alone cannot decide: where
    the Authorization token came from, whose subscription an id in the body is. The
    pipeline passes one; a caller validating a bare request passes none, and those rules
    stay silent."""

    #: each field's template source by field name: "url", "header:<Name>", "body"
    sources: Mapping[str, str] = field(default_factory=dict)
    #: the user's custom attributes, as the template read them (`custom_attribute`)
    attributes: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class EventIdPolicy:
    """A body value that must differ per user, or the receiver's records collide."""

    #: the rule reported when it does not vary (a rule id of the catalog)
    rule: str
    #: the value in a parsed body (None: absent or not a string)
    read: Callable[[JsonDoc], str | None]
    #: its name in messages, and how to make it vary
    name: str
    hint: str


@dataclass(frozen=True)
class BodyField:
    """A key an endpoint's JSON body may carry (an editor completes them)."""

    name: str
    #: the object it belongs in: "" the top level, else its parent key (e.g. "event")
    parent: str
    description: str
    required: bool
    #: the values it takes when they are a fixed list, each with what it means
    values: tuple[tuple[str, str], ...] = ()
    #: the JSON types it may hold ("string", "integer", "boolean", ...; empty: any)
    types: tuple[str, ...] = ()


class PerUser(NamedTuple):
    """A request's target problems in two parts, for a run that only counts rules.

    Across an audience most of a body is the same for every user; a few values differ
    (Rokt: the eventId, the subscription ids, the user's accounts). `problems` are those
    of the rules that read such values, found for this request; `shared` finds all the
    others, which read nothing of the body but what `key` holds (with the request's URL,
    method and headers), so a caller may reuse their (rule, severity) pairs for every
    request with the same key. `shared()` plus `problems` are `validate`'s problems.
    """

    key: Hashable
    problems: list[Problem]
    shared: Callable[[], list[Problem]]


class Target(Protocol):
    """A receiver contract (see the module doc)."""

    #: endpoint ids, `<target>.<endpoint>`; what a webhook's `target:` names
    endpoints: tuple[str, ...]

    def detect(self, url: str, method: str) -> str | None:
        """The endpoint a rendered request calls, or None when it is not this receiver's;
        the method tells apart endpoints whose paths look alike."""
        ...

    def contract(self, endpoint: str) -> HttpContract:
        """Methods, auth scheme and body kind the endpoint demands."""
        ...

    def validate(
        self, request: RenderedRequest, endpoint: str, doc: JsonDoc | None,
        origin: Origin | None = None,
    ) -> list[Problem]:
        """The endpoint's own rules (URL, schemas, values); `doc` is the parsed body,
        `origin` the sources and the user it was rendered from (None: unknown)."""
        ...

    def per_user(
        self, request: RenderedRequest, endpoint: str, doc: JsonDoc, origin: Origin
    ) -> PerUser | None:
        """`validate` split for counting (see `PerUser`) for a body that parsed as a JSON
        object; None when the target does not split it (the caller runs `validate`)."""
        ...

    def fixtures(self) -> list[Mapping[str, Any]]:
        """connected_content fixtures the receiver's own calls need offline."""
        ...

    def event_ids(self, endpoint: str) -> EventIdPolicy | None:
        """The per-user identity of a request to `endpoint`, if the receiver has one."""
        ...

    def array_attribute(self, namespace: str | None, name: str) -> str | None:
        """Why attribute `namespace.${name}` is an array (the receiver writes it so), or None."""
        ...

    def body_fields(self, endpoint: str) -> tuple[BodyField, ...]:
        """The keys a JSON body for `endpoint` may carry (none when it has no schema)."""
        ...
