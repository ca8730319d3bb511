"""The Rokt Calendar create/update subscription-event endpoints as a validation target.

`validate` runs the URL rule, then the body: schema structure (`schema.py`) and value
rules (`rules.py`). The generic HTTP rules (method, headers, JSON parsing) run before,
driven by `CONTRACT`.
"""

from __future__ import annotations

from collections.abc import Mapping

from rokt_braze.findings import Severity
from rokt_braze.request import RenderedRequest
from rokt_braze.targets.http import HttpContract
from rokt_braze.targets.jsonpos import JsonDoc, Path
from rokt_braze.targets.problem import Problem, problem
from rokt_braze.targets.rokt.rules import check_event, check_subscription_ids
from rokt_braze.targets.rokt.schema import event_fields, schema_problems
from rokt_braze.targets.rokt.url import CREATE, UPDATE, check_url, detect

__all__ = ["CONTRACT", "CREATE", "TARGETS", "UPDATE", "detect", "event_id", "validate"]

TARGETS = (CREATE, UPDATE)
CONTRACT = HttpContract(methods=("POST",), bearer_token=True, json_body=True)


def validate(request: RenderedRequest, target: str, doc: JsonDoc | None) -> list[Problem]:
    """Rokt rules for `request`; `doc` is its parsed body, None when it did not parse."""
    out = check_url(request.url, target)
    if doc is not None and isinstance(doc.value, dict):
        out.extend(_check_body(doc, doc.value, update=target == UPDATE))
    return out


def _check_body(doc: JsonDoc, root: Mapping[str, object], update: bool) -> list[Problem]:
    out: list[Problem] = []
    if update and _is_flat(root):
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
        out += schema_problems(doc, root, "update_event" if update else "create_event")
        event = root.get("event")
        if isinstance(event, Mapping):
            out += check_event(doc, event, ("event",))
    out += check_subscription_ids(doc, root, update)
    return sorted(out, key=lambda p: p.offset)


def _is_flat(root: Mapping[str, object]) -> bool:
    return "event" not in root and not event_fields().isdisjoint(root)


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
