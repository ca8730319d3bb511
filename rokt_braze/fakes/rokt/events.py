"""Turning a create/update request body into an event the fake can store.

Validation is the project's own Rokt validator (`rokt_braze.targets.validate`), so the
fake rejects exactly what the checker calls a Rokt error. What the fake enforces:

* problems whose effective severity is ERROR, except the Braze-template conventions
  (`rokt-template-field`, `rokt-event-id`), which Rokt itself does not require, and the
  URL/header rules, which the server has already decided by routing and auth;
* so Rokt's required set (eventId, title, start, timezone) plus GUID `subscriptionIds`
  on create, and not Braze's stricter one (end, notifyBefore).

Update bodies may be wrapped in `event` (current Braze template) or flat (Rokt's older
docs); a flat body is wrapped before validation so both get the same field checks.
An empty `end` or `notifyBefore` (what the template renders when a capture is empty) is
only a Braze-template problem for the validator, so the fake stores it as absent, as a
.NET binder does with "" for a nullable field. After validation the fields are narrowed
to `EventDetails`; those checks guard the fake's storage and should not fire for a body
the validator passed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from rokt_braze.fakes.rokt.dates import parse_local
from rokt_braze.fakes.rokt.models import EventDetails
from rokt_braze.fakes.rokt.timezones import iana_zone
from rokt_braze.findings import RULES, Severity
from rokt_braze.request import RenderedRequest
from rokt_braze.targets import validate

Kind = Literal["create", "update"]

#: Braze-integration conventions the real Rokt API does not enforce.
NOT_ENFORCED_BY_ROKT = frozenset({"rokt-template-field", "rokt-event-id"})
#: Decided by the server itself (routing, bearer auth) before the body is looked at.
DECIDED_BY_SERVER = frozenset({"header-invalid", "url-invalid", "rokt-url", "method-invalid"})

_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


class BadEvent(Exception):
    """A body Rokt would answer 400 to; `code`/`reason` become the Error Model."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class ParsedEvent:
    details: EventDetails
    subscription_ids: tuple[str, ...]


def parse_event(kind: Kind, account: str, raw: bytes, content_type: str | None) -> ParsedEvent:
    """Validate and narrow one request body; raises `BadEvent`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadEvent("body-json-invalid", "the body is not UTF-8 text") from None
    text, obj = _normalise(kind, text)
    _validate(kind, account, text, content_type)
    return _narrow(kind, obj)


def rejects(rule: str, severity: Severity | None) -> bool:
    """Whether a validator problem makes the fake answer 400."""
    if rule in NOT_ENFORCED_BY_ROKT or rule in DECIDED_BY_SERVER:
        return False
    if severity is None:
        known = RULES.get(rule)
        severity = known.severity if known else Severity.ERROR
    return severity >= Severity.ERROR


def _normalise(kind: Kind, text: str) -> tuple[str, Any]:
    """The body to validate, and its JSON value (None when it is not JSON)."""
    try:
        obj = json.loads(text)
    except ValueError:
        return text, None
    if kind == "update" and isinstance(obj, dict) and "event" not in obj:
        wrapped: dict[str, Any] = {
            "event": {k: v for k, v in obj.items() if k != "subscriptionIds"}
        }
        if "subscriptionIds" in obj:
            wrapped["subscriptionIds"] = obj["subscriptionIds"]
        return json.dumps(wrapped), wrapped
    return text, obj


def _validate(kind: Kind, account: str, body: str, content_type: str | None) -> None:
    path = f"/v1/subscriptionevent/{quote(account, safe='')}" + (
        "/update" if kind == "update" else ""
    )
    request = RenderedRequest(
        method="POST",
        url=f"https://api.roktcalendar.com{path}",
        headers={"Authorization": "Bearer fake-rokt", "Content-Type": content_type or ""},
        body=body,
    )
    target = "rokt.create_event" if kind == "create" else "rokt.update_event"
    problems = [p for p in validate(request, target) if rejects(p.rule, p.severity)]
    if problems:
        reason = "; ".join(
            p.message if p.field in ("", "body") else f"{p.field}: {p.message}" for p in problems
        )
        raise BadEvent(problems[0].rule, reason)


def _narrow(kind: Kind, obj: Any) -> ParsedEvent:
    if not isinstance(obj, dict):
        raise BadEvent("body-json-invalid", "the body is not a JSON object")
    event = obj.get("event")
    if not isinstance(event, dict):
        raise BadEvent("rokt-required-field", "event: missing or not an object")
    start = _text(event, "start", required=True)
    end = _text(event, "end") or None
    for name, value in (("start", start), ("end", end)):
        if value is not None and parse_local(value) is None:
            raise BadEvent("rokt-datetime", f"event.{name}: not an ISO 8601 date-time")
    timezone = _text(event, "timezone", required=True)
    if iana_zone(str(timezone)) is None:
        raise BadEvent("rokt-timezone", f"event.timezone: {timezone!r} is not a Windows id")
    all_day = event.get("allDayEvent")
    if all_day is not None and not isinstance(all_day, bool):
        raise BadEvent("rokt-field-type", "event.allDayEvent: not a boolean")
    details = EventDetails(
        event_id=str(_text(event, "eventId", required=True)),
        title=str(_text(event, "title", required=True)),
        start=str(start),
        timezone=str(timezone),
        description=_text(event, "description"),
        location=_text(event, "location"),
        end=end,
        notify_before=_minutes(event.get("notifyBefore")),
        all_day=bool(all_day),
    )
    return ParsedEvent(details, _subscription_ids(obj) if kind == "create" else ())


def _text(event: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = event.get(key)
    if value is None or (required and value == ""):
        if required:
            raise BadEvent("rokt-required-field", f"event.{key}: missing or empty")
        return None
    if not isinstance(value, str):
        raise BadEvent("rokt-field-type", f"event.{key}: not a string")
    return value


def _minutes(value: Any) -> int | None:
    """notifyBefore in minutes; the Braze template sends it as a string (`"15"`)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and value >= 0 and float(value).is_integer():
        return int(value)
    raise BadEvent("rokt-notify-before", "event.notifyBefore: not a whole number of minutes")


def _subscription_ids(obj: dict[str, Any]) -> tuple[str, ...]:
    ids = obj.get("subscriptionIds")
    if not isinstance(ids, list) or not ids:
        raise BadEvent("rokt-subscription-ids", "subscriptionIds: missing or empty")
    if not all(isinstance(i, str) and _GUID.fullmatch(i) for i in ids):
        raise BadEvent("rokt-subscription-ids", "subscriptionIds: every id must be a GUID")
    return tuple(ids)
