"""The Rokt Calendar subscription-event endpoints as a target: create, update, and the
v1 and v2 deletes, one row each in `routes.py`.

`validate` runs the URL and method rules of the endpoint's route, then the body of a route
that takes one: schema structure (`schema.py`) and value rules (`rules.py`). The generic
HTTP rules (method, headers, JSON parsing, no body on a DELETE) run before, driven by the
route's contract. `TARGET` is what the registry holds: it also brings the answer to the
OAuth token call of the stock templates (so they render offline with no setup), the
eventId policy, and the `rokt:*` custom attributes Rokt writes as arrays.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from functools import partial
from typing import Any

from rokt_braze.findings import Severity
from rokt_braze.request import RenderedRequest
from rokt_braze.targets.base import BodyField, EventIdPolicy, Origin, PerUser
from rokt_braze.targets.http import HttpContract
from rokt_braze.targets.jsonpos import JsonDoc, Path, frozen
from rokt_braze.targets.problem import Problem, problem
from rokt_braze.targets.rokt.accounts import check_accounts
from rokt_braze.targets.rokt.routes import CREATE, DELETE, ENDPOINTS, REMOVE, UPDATE, route
from rokt_braze.targets.rokt.rules import check_event, check_event_id, check_subscription_ids
from rokt_braze.targets.rokt.schema import body_fields, event_fields, schema_problems
from rokt_braze.targets.rokt.token import check_token
from rokt_braze.targets.rokt.url import check_method, check_url, detect

__all__ = [
    "CONTRACT", "CREATE", "DELETE", "REMOVE", "TARGET", "TARGETS", "TOKEN_FIXTURE", "UPDATE",
    "detect", "event_id", "per_user", "validate",
]  # fmt: skip

TARGETS = ENDPOINTS
#: The contract of the create route (the update's is the same).
CONTRACT = route(CREATE).contract


def validate(
    request: RenderedRequest, target: str, doc: JsonDoc | None, origin: Origin | None = None
) -> list[Problem]:
    """Rokt rules for `request`; `doc` is its parsed body, None when it did not parse;
    `origin` (the template sources and the user) enables the token-origin and the
    cross-account rules."""
    out = _check_head(request, target)
    schema = route(target).schema
    if doc is not None and schema is not None and isinstance(doc.value, dict):
        root, flat = doc.value, _is_flat(doc.value, schema)
        body = _shared_body(doc, root, flat, schema) + _user_body(doc, root, flat, schema)
        out.extend(sorted(body, key=lambda p: p.offset) if len(body) > 1 else body)
    if origin is not None:
        out += check_accounts(request.url, target, doc, origin.attributes)
        out += _check_token(request, origin)
    return out


def per_user(
    request: RenderedRequest, target: str, doc: JsonDoc, origin: Origin
) -> PerUser | None:
    """`validate` in two parts (see `PerUser`): the rules that read the eventId, the
    subscription ids or the user's accounts run here; the others read the URL, the
    method, the headers and the body with its eventId and ids seen only by JSON type."""
    schema = route(target).schema
    root = doc.value
    if schema is None or type(root) is not dict:
        return None
    flat = _is_flat(root, schema)
    problems = _user_body(doc, root, flat, schema)
    problems += check_accounts(request.url, target, doc, origin.attributes)
    return PerUser(_shared_view(root, flat), problems,
                   partial(_shared, request, target, doc, origin, root, flat))


def _shared(
    request: RenderedRequest, target: str, doc: JsonDoc, origin: Origin,
    root: Mapping[str, object], flat: bool,
) -> list[Problem]:
    """`validate` without `per_user`'s problems."""
    schema = route(target).schema or ""
    return [*_check_head(request, target), *_shared_body(doc, root, flat, schema),
            *_check_token(request, origin)]


def _check_head(request: RenderedRequest, target: str) -> list[Problem]:
    return check_url(request.url, target) + check_method(request.method, target)


def _check_token(request: RenderedRequest, origin: Origin) -> list[Problem]:
    out = []
    for name in request.headers:
        source = origin.sources.get(f"header:{name}")
        if name.lower() == "authorization" and source is not None:
            out += check_token(request, name, source)
    return out


def _shared_body(
    doc: JsonDoc, root: Mapping[str, object], flat: bool, schema: str
) -> list[Problem]:
    """The body rules that read neither the eventId nor the subscription ids' values
    (`schema`: the route's body schema)."""
    out: list[Problem] = []
    if flat:
        message = ('the event fields are not wrapped in "event": the legacy flat update shape; '
                   'the current Braze template sends {"event": {...}}')  # fmt: skip
        at = doc.value_offset(())
        out.append(problem("rokt-required-field", message, "body", at, Severity.WARNING))
        # Check the flat fields as if wrapped, then map paths back to where they are.
        fields = {k: v for k, v in root.items() if k != "subscriptionIds"}
        wrapped: dict[str, object] = {"event": fields}
        if "subscriptionIds" in root:
            wrapped["subscriptionIds"] = root["subscriptionIds"]
        out += schema_problems(doc, wrapped, "update_event", _unwrap)
        out += check_event(doc, root, ())
    else:
        out += schema_problems(doc, root, schema)
        event = root.get("event")
        if isinstance(event, Mapping):
            out += check_event(doc, event, ("event",))
    return out


def _user_body(
    doc: JsonDoc, root: Mapping[str, object], flat: bool, schema: str
) -> list[Problem]:
    """The body rules that read the eventId or the subscription ids: values that differ
    for every user."""
    out = check_subscription_ids(doc, root, schema == "update_event")
    event = root if flat else root.get("event")
    if type(event) is dict or isinstance(event, Mapping):
        return check_event_id(doc, event, () if flat else ("event",)) + out
    return out


def _shared_view(root: Mapping[str, object], flat: bool) -> Hashable:
    """The body as `_shared_body` reads it, as a key: the eventId and the subscription ids
    only by their JSON types (one string stands for a list of strings)."""
    view = dict(root)
    if flat:
        if type(view.get("eventId")) is str:
            view["eventId"] = ""
    else:
        event = view.get("event")
        if type(event) is dict and type(event.get("eventId")) is str:
            view["event"] = {**event, "eventId": ""}
    ids = view.get("subscriptionIds")
    if type(ids) is list and _STRINGS.issuperset(map(type, ids)):
        view["subscriptionIds"] = [""] if ids else []
    return frozen(view)


_STRINGS = frozenset({str})


def _is_flat(root: Mapping[str, object], schema: str) -> bool:
    """An update body in the legacy flat shape: the event's fields at the top level."""
    return (schema == "update_event" and "event" not in root
            and not event_fields().isdisjoint(root))


def _unwrap(path: Path) -> Path:
    return path[1:] if path[:1] == ("event",) else path


def event_id(doc: JsonDoc) -> str | None:
    """The event id of a parsed body, wrapped or flat."""
    root = doc.value
    if not isinstance(root, dict):
        return None
    event = root.get("event", root)
    value = event.get("eventId") if isinstance(event, dict) else None
    return value if isinstance(value, str) else None


#: Answers the Rokt OAuth call of the stock templates, so they render with no setup.
TOKEN_FIXTURE: dict[str, Any] = {
    "url": "https://api.roktcalendar.com/oauth2/token",
    "method": "POST",
    "status": 200,
    "json": {
        "access_token": "offline-token-from-rokt-braze",
        "token_type": "bearer",
        "expires_in": 300,
        "refresh_token": "offline-refresh-token",
    },
}
EVENT_IDS = EventIdPolicy(
    rule="rokt-event-id", read=event_id, name="eventId",
    hint="events collide across the audience (add {{${user_id}}})",
)  # fmt: skip


class RoktTarget:
    """The Rokt Calendar API as the registry sees it."""

    endpoints: tuple[str, ...] = TARGETS

    def detect(self, url: str, method: str) -> str | None:
        return detect(url, method)

    def contract(self, endpoint: str) -> HttpContract:
        return route(endpoint).contract

    def validate(
        self, request: RenderedRequest, endpoint: str, doc: JsonDoc | None,
        origin: Origin | None = None,
    ) -> list[Problem]:
        return validate(request, endpoint, doc, origin)

    def per_user(
        self, request: RenderedRequest, endpoint: str, doc: JsonDoc, origin: Origin
    ) -> PerUser | None:
        return per_user(request, endpoint, doc, origin)

    def fixtures(self) -> list[Mapping[str, Any]]:
        return [TOKEN_FIXTURE]

    def event_ids(self, endpoint: str) -> EventIdPolicy | None:
        return EVENT_IDS if route(endpoint).schema is not None else None

    def array_attribute(self, namespace: str | None, name: str) -> str | None:
        """Rokt writes one value per calendar subscription: its attributes are arrays."""
        if namespace == "custom_attribute" and name.startswith("rokt:"):
            return "Rokt writes it as an array"
        return None

    def body_fields(self, endpoint: str) -> tuple[BodyField, ...]:
        schema = route(endpoint).schema
        return body_fields(schema) if schema is not None else ()


TARGET = RoktTarget()
