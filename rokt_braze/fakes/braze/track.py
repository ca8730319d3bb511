"""`POST /users/track`: validating a request body and applying it to the store.

A body Braze cannot read at all is a fatal error (`Fatal`, answered 400 with
`{"message", "errors"}`): not an object (bytes that are not JSON never reach here), no
`attributes`/`events`/`purchases`, a section that is not an array, more than 75 objects
in one section. Otherwise every
object is checked on its own and a bad one becomes an entry of the answer's `errors`
(`{"type", "input_array", "index"}`) while the others are applied - Braze's "success with
non-fatal errors". Processing order is Braze's: attributes, then events, then purchases.

How an object finds its user: the first of `external_id`, `braze_id`, `user_alias`, `email`,
`phone` it carries. A missing user is created for an external id, an email or a phone unless
`_update_existing_only` is true; for a user alias only when it is explicitly false (Braze's
default for aliases); never for a braze_id (Braze assigns those). Objects for users that do
not exist and may not be created are counted as processed and change nothing, as Braze
queues them and drops them later.

The attribute semantics (profile fields, arrays as sets with `add`/`remove`, `inc`, nested
objects and `_merge_objects`, arrays of objects) are `profiles.track`'s, the same code that
builds profiles from a `/users/track` file, so what `check --profile body.json` sees is what
this fake stores. On top of it the fake caps scalar arrays at the configured length.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from rokt_braze.fakes.braze.store import Store, StoredUser
from rokt_braze.profiles.profile import plain
from rokt_braze.profiles.times import export_time, parse_time
from rokt_braze.profiles.track import TrackError, apply_attributes, record_occurrence

__all__ = ["MAX_OBJECTS", "Fatal", "TrackOutcome", "parse_body", "track"]

MAX_OBJECTS = 75
MAX_STRING = 255
MAX_PROPERTIES_BYTES = 100_000
MAX_NESTING = 50
SECTIONS = ("attributes", "events", "purchases")
IDENTIFIERS = ("external_id", "braze_id", "user_alias", "email", "phone")
MISSING_IDENTIFIER = "'external_id' or 'braze_id' or 'user_alias' is required"
_CONTROL = frozenset({"_update_existing_only", "_merge_objects", "push_token_import"})
_SUBSCRIBE_STATES = frozenset({"opted_in", "subscribed", "unsubscribed"})
_PHONE = re.compile(r"\+?[1-9][0-9 ()-]{5,20}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_DOB = re.compile(r"\d{4}-\d{2}-\d{2}")


class Fatal(Exception):
    """A body Braze rejects whole: answered 400 (or `status`) with Braze's fatal envelope."""

    def __init__(self, message: str, detail: str, status: int = 400) -> None:
        super().__init__(f"{message}: {detail}")
        self.message = message
        self.detail = detail
        self.status = status


@dataclass
class TrackOutcome:
    """What one request did: Braze's answer plus what the campaigns need."""

    processed: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: store ids of the events recorded, in order
    events: list[int] = field(default_factory=list)

    def answer(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": "success"}
        for section, count in self.processed.items():
            body[f"{section}_processed"] = count
        if self.errors:
            body["errors"] = self.errors
        return body


def parse_body(body: Any) -> dict[str, list[Any]]:
    """The sections of a parsed body (None: no body); raises `Fatal` for one Braze cannot
    read. Bytes that are not JSON never get here: the server core answers 400 for them."""
    if body is None:
        raise Fatal("Bad Request", "the body is empty; send a JSON object")
    if not isinstance(body, dict):
        raise Fatal("Bad Request", "the body must be a JSON object")
    sections: dict[str, list[Any]] = {}
    for name in SECTIONS:
        if name not in body or body[name] is None:
            continue
        value = body[name]
        if not isinstance(value, list):
            raise Fatal("Bad Request", f"'{name}' must be an array")
        if len(value) > MAX_OBJECTS:
            raise Fatal(
                "Max Input Length Exceeded",
                f"'{name}' has {len(value)} objects; at most {MAX_OBJECTS} per request",
            )
        sections[name] = value
    if not sections:
        raise Fatal("Bad Request", "give 'attributes', 'events' or 'purchases'")
    return sections


#: Called in the request's transaction for each event recorded: (db, event id, name, user).
OnEvent = Callable[[Any, int, str, str], None]


def track(store: Store, body: Any, *, max_array: int, now: float,
          on_event: OnEvent | None = None) -> TrackOutcome:
    """Validate and apply one parsed request body in one transaction; raises `Fatal`."""
    sections = parse_body(body)
    outcome = TrackOutcome()
    with store.transaction() as db:
        for section, objects in sections.items():
            outcome.processed[section] = 0
            for index, obj in enumerate(objects):
                try:
                    _apply(store, db, section, obj, max_array, now, outcome, on_event)
                except _ObjectError as err:
                    outcome.errors.append(
                        {"type": str(err), "input_array": section, "index": index}
                    )
                else:
                    outcome.processed[section] += 1
    return outcome


class _ObjectError(Exception):
    """One object is rejected; the message is the error `type` Braze answers with."""


def _apply(store: Store, db: Any, section: str, obj: Any, max_array: int, now: float,
           outcome: TrackOutcome, on_event: OnEvent | None) -> None:
    if not isinstance(obj, dict):
        raise _ObjectError(f"each object in '{section}' must be a JSON object")
    field_name, key = _identifier(obj)
    update_only = obj.get("_update_existing_only")
    if update_only is not None and not isinstance(update_only, bool):
        raise _ObjectError("'_update_existing_only' must be true or false")
    if section == "attributes":
        _check_attributes(obj)
    elif section == "events":
        _check_event(obj)
    else:
        _check_purchase(obj)
    user = store.find(db, field_name, key)
    if user is None:
        creatable = update_only is False if field_name == "user_alias" else not update_only
        if field_name == "braze_id" or not creatable:
            return  # Braze queues it and drops it: nothing to update
        user = StoredUser(0, _new_user(field_name, obj))
        user = store.create(db, user.data, now)
    data = plain(user.data)
    try:
        if section == "attributes":
            apply_attributes(data, obj, f"attributes[{key}]", max_array=max_array)
        else:
            stamp = _event_time(obj, now)
            entry = {**obj, "time": stamp}
            for _ in range(_quantity(obj) if section == "purchases" else 1):
                record_occurrence(data, entry, section, section)
    except TrackError as err:
        raise _ObjectError(_strip_where(str(err))) from None
    _add_aliases(data, obj)
    stored = StoredUser(user.row_id, data)
    store.save(db, stored, now)
    if section == "events":
        props = plain(obj.get("properties") or {})
        event_id = store.add_event(db, stored, obj["name"], stamp, props)
        outcome.events.append(event_id)
        if on_event is not None:
            on_event(db, event_id, obj["name"], user_name(data))


def user_name(data: Mapping[str, Any]) -> str:
    """How logs name a stored user: external id, else alias, else braze_id."""
    if data.get("external_id"):
        return str(data["external_id"])
    for alias in data.get("user_aliases") or []:
        return f"{alias.get('alias_label')}:{alias.get('alias_name')}"
    return str(data.get("braze_id", "?"))


def _identifier(obj: Mapping[str, Any]) -> tuple[str, str]:
    for name in IDENTIFIERS:
        value = obj.get(name)
        if value is None:
            continue
        if name == "user_alias":
            if not isinstance(value, dict):
                raise _ObjectError("'user_alias' must be an object with alias_name and "
                                   "alias_label")
            alias_name, label = value.get("alias_name"), value.get("alias_label")
            for part, what in ((alias_name, "alias_name"), (label, "alias_label")):
                if not isinstance(part, str) or not part:
                    raise _ObjectError(f"'user_alias' needs a non-empty '{what}' string")
                if len(part.encode("utf-8")) > 236:
                    raise _ObjectError(f"'user_alias' {what} is longer than 236 bytes")
            return name, f"{label}\x00{alias_name}"
        if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
            raise _ObjectError(f"'{name}' must be a non-empty string")
        text = str(value)
        if name == "email" and not _EMAIL.fullmatch(text):
            raise _ObjectError(f"'email' is not a valid email address: {text[:64]!r}")
        if name == "phone" and not _PHONE.fullmatch(text):
            raise _ObjectError(f"'phone' is not a valid phone number: {text[:32]!r}")
        return name, text.lower() if name == "email" else text
    raise _ObjectError(MISSING_IDENTIFIER)


def _new_user(field_name: str, obj: Mapping[str, Any]) -> dict[str, Any]:
    if field_name == "user_alias":
        return {"user_aliases": [dict(obj["user_alias"])]}
    value = obj[field_name]
    return {field_name: value.lower() if field_name == "email" else value}


def _add_aliases(data: dict[str, Any], obj: Mapping[str, Any]) -> None:
    alias = obj.get("user_alias")
    if isinstance(alias, dict):
        aliases: list[dict[str, Any]] = data.setdefault("user_aliases", [])
        entry = {"alias_name": alias["alias_name"], "alias_label": alias["alias_label"]}
        if entry not in aliases:
            aliases.append(entry)


def _check_attributes(obj: Mapping[str, Any]) -> None:
    merge = obj.get("_merge_objects")
    if merge is not None and not isinstance(merge, bool):
        raise _ObjectError("'_merge_objects' must be true or false")
    for key, value in obj.items():
        if key in _CONTROL or key in IDENTIFIERS:
            continue
        if not key or len(key) > MAX_STRING:
            raise _ObjectError(f"attribute names must be 1 to {MAX_STRING} characters")
        if key in ("email_subscribe", "push_subscribe"):
            if value is not None and value not in _SUBSCRIBE_STATES:
                raise _ObjectError(f"'{key}' must be one of opted_in, subscribed, unsubscribed")
        elif key == "dob":
            if value is not None and not (isinstance(value, str) and _DOB.fullmatch(value)):
                raise _ObjectError("'dob' must be a date, YYYY-MM-DD")
        else:
            _check_value(key, value)


def _check_value(key: str, value: Any) -> None:
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise _ObjectError(f"'{key}': strings are at most {MAX_STRING} characters")
    elif isinstance(value, list):
        if any(isinstance(item, list) for item in value):
            raise _ObjectError(f"'{key}': arrays must be one-dimensional")
        for item in value:
            if isinstance(item, str) and len(item) > MAX_STRING:
                raise _ObjectError(f"'{key}': array values are at most {MAX_STRING} characters")
            if isinstance(item, dict):
                _check_nested(key, item, 0)
    elif isinstance(value, dict):
        _check_operation(key, value)


def _check_operation(key: str, value: Mapping[str, Any]) -> None:
    ops = set(value)
    if ops & {"add", "remove"}:
        if not ops <= {"add", "remove"}:
            raise _ObjectError(f"'{key}': an array operation takes only 'add' and 'remove'")
        for op in ops:
            items = value[op]
            if not isinstance(items, list):
                raise _ObjectError(f"'{key}': '{op}' must be an array")
            if any(isinstance(i, (list, dict)) for i in items):
                raise _ObjectError(f"'{key}': '{op}' takes strings and numbers")
        return
    if ops & {"$add", "$remove", "$update"}:
        if not ops <= {"$add", "$remove", "$update"}:
            raise _ObjectError(f"'{key}': $add, $remove and $update cannot be mixed with "
                               "other keys")
        return  # the shapes inside are checked as they are applied
    if "inc" in ops:
        step = value["inc"]
        if ops != {"inc"} or isinstance(step, bool) or not isinstance(step, int):
            raise _ObjectError(f"'{key}': 'inc' takes a whole number and nothing else")
        return
    _check_nested(key, value, 0)
    if len(json.dumps(value)) > MAX_PROPERTIES_BYTES:
        raise _ObjectError(f"'{key}': nested attributes are at most 100 KB")


def _check_nested(key: str, value: Mapping[str, Any], depth: int) -> None:
    if depth > MAX_NESTING:
        raise _ObjectError(f"'{key}': nested too deeply")
    if set(value) == {"$time"}:
        when = value["$time"]
        if not isinstance(when, str) or parse_time(when, date_only=True) is None:
            raise _ObjectError(f"'{key}': '$time' must be an ISO 8601 date")
        return
    for name, item in value.items():
        if not name or "." in name or name.startswith("$") or " " in name:
            raise _ObjectError(f"'{key}': nested keys may not be empty, start with '$' or "
                               f"hold '.' or spaces ({name!r})")
        if isinstance(item, str) and len(item) > MAX_STRING:
            raise _ObjectError(f"'{key}.{name}': strings are at most {MAX_STRING} characters")
        if isinstance(item, dict):
            _check_nested(key, item, depth + 1)
        elif isinstance(item, list):
            for element in item:
                if isinstance(element, dict):
                    _check_nested(key, element, depth + 1)


def _check_event(obj: Mapping[str, Any]) -> None:
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _ObjectError("'name' is required and must be a non-empty string")
    if len(name) > MAX_STRING:
        raise _ObjectError(f"'name' is at most {MAX_STRING} characters")
    _check_time(obj)
    _check_properties(obj)


def _check_purchase(obj: Mapping[str, Any]) -> None:
    product = obj.get("product_id")
    if not isinstance(product, str) or not product or len(product) > MAX_STRING:
        raise _ObjectError(f"'product_id' is required, a string of 1 to {MAX_STRING} characters")
    currency = obj.get("currency")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise _ObjectError("'currency' must be an ISO 4217 code such as USD")
    price = obj.get("price")
    if isinstance(price, bool) or not isinstance(price, (int, float)):
        raise _ObjectError("'price' must be a number")
    _quantity(obj)
    _check_time(obj)
    _check_properties(obj)


def _quantity(obj: Mapping[str, Any]) -> int:
    quantity = obj.get("quantity", 1)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 100:
        raise _ObjectError("'quantity' must be a whole number from 1 to 100")
    return quantity


def _check_time(obj: Mapping[str, Any]) -> None:
    when = obj.get("time")
    if not isinstance(when, str) or parse_time(when, date_only=True) is None:
        raise _ObjectError("'time' is required, an ISO 8601 date-time string")


def _event_time(obj: Mapping[str, Any], now: float) -> str:
    """The event's time as the export writes it; a future time becomes now (Braze)."""
    when = parse_time(str(obj["time"]), date_only=True)
    assert when is not None  # checked before
    latest = datetime.fromtimestamp(now, tz=timezone.utc)
    return export_time(min(when, latest))


def _check_properties(obj: Mapping[str, Any]) -> None:
    props = obj.get("properties")
    if props is None:
        return
    if not isinstance(props, dict):
        raise _ObjectError("Invalid 'properties' field: must be an object")
    for name, value in props.items():
        if name in ("time", "event_name"):
            raise _ObjectError(f"Invalid 'properties' field: '{name}' is reserved")
        if not name or name.startswith("$") or len(name) > MAX_STRING:
            raise _ObjectError(f"Invalid 'properties' field: bad property name {name[:32]!r}")
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise _ObjectError(f"Invalid 'properties' field: '{name}' is over {MAX_STRING} "
                               "characters")
    if len(json.dumps(props)) > MAX_PROPERTIES_BYTES:
        raise _ObjectError("Invalid 'properties' field: over 100 KB")


def _strip_where(message: str) -> str:
    """`profiles.track` prefixes its messages with where they happened; the answer's
    `index` already says that."""
    return message.split(": ", 1)[1] if message.startswith(("attributes[", "events", "purch")) \
        else message
