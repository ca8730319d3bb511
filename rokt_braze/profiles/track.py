"""Build export-shaped users from a `/users/track` request body, the way Braze stores them.

What the Braze API docs say (user attributes object, event object, nested custom attributes and
array-of-objects pages), and what this module therefore does:

* `attributes`: objects identified by `external_id` (or `braze_id`, `user_alias`, `email`,
  `phone`); several objects for one user apply in order. Profile fields (`first_name`, `email`,
  `dob`, `home_city`, ...) are stored as such; every other key is a custom attribute.
  `null` removes an attribute.
* Arrays are sets: setting `[a, a, b]` stores `[a, b]`; `{"add": [...]}` appends each value,
  or moves it to the end when already present; `{"remove": [...]}` drops values. Both may appear
  in one object; they apply in the order written.
* `{"inc": n}` adds n to an integer attribute (a missing one counts as 0).
* Arrays of objects: `{"$add": [objs]}` appends; `{"$remove": [{"$identifier_key": k,
  "$identifier_value": v}]}` drops every object whose k equals v; `{"$update": [{...,
  "$new_object": obj}]}` deep-merges obj into the matching objects when the attributes object
  has `"_merge_objects": true`, and replaces them otherwise ("your objects will be overwritten").
* Nested objects replace the old value, or deep-merge into it with `_merge_objects: true`.
* A string custom attribute in one of Braze's date formats (ISO 8601, `yyyy-MM-dd`,
  `MM/dd/yyyy`, ...) is stored as a time; it is written here as an export writes one
  (`2021-06-28T17:02:43.032Z`). `{"$time": ...}` objects are kept as sent.
* `events` (name, time, properties) are summarised as the export's `custom_events`
  (`name, first, last, count`); the properties of the user's **last event in the body** become
  the profile's `event_properties` - the event that would trigger an action-based send.
  `purchases` (product_id, time) likewise become `purchases`.

Not modelled here (the fake Braze adds them on top): array length caps, `_update_existing_only`.
Not modelled at all: alias merging, push token import. Adding to an attribute
that is not an array starts a new array [inferred].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rokt_braze.profiles.profile import plain as _plain
from rokt_braze.profiles.times import export_time, parse_time

__all__ = [
    "TrackError", "apply_attributes", "identity", "is_track_body", "record_occurrence",
    "users_from_track",
]

_SECTIONS = ("attributes", "events", "purchases")
_CONTROL = frozenset({"_update_existing_only", "push_token_import", "_merge_objects"})
# User profile fields of the attributes object (stored as themselves, not as custom ones).
_PROFILE_FIELDS = frozenset({
    "external_id", "braze_id", "email", "phone", "first_name", "last_name", "dob", "home_city",
    "country", "language", "gender", "time_zone", "email_subscribe", "push_subscribe",
    "image_url", "date_of_first_session", "date_of_last_session", "facebook", "twitter",
    "push_tokens", "marked_email_as_spam_at", "email_open_tracking_disabled",
    "email_click_tracking_disabled", "alias_name", "alias_label",
})


class TrackError(ValueError):
    """A `/users/track` body of the wrong shape; the message says where (`attributes[2]`)."""


def is_track_body(value: object) -> bool:
    """A mapping with `attributes`, `events` or `purchases` at the top: no export has those."""
    if type(value) is not dict and not isinstance(value, Mapping):  # (a parsed line: a dict)
        return False
    return any(map(value.__contains__, _SECTIONS))


def users_from_track(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One export-shaped user per identifier, in order of first appearance."""
    users: dict[tuple[str, str], dict[str, Any]] = {}
    for section in _SECTIONS:
        entries = body.get(section)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise TrackError(f"'{section}' must be a list, got {type(entries).__name__}")
        for n, entry in enumerate(entries):
            where = f"{section}[{n}]"
            if not isinstance(entry, Mapping):
                raise TrackError(f"{where} must be a mapping, got {type(entry).__name__}")
            user = _user(users, entry, where)
            if section == "attributes":
                apply_attributes(user, entry, where)
            else:
                record_occurrence(user, entry, where, section)
    if not users:
        raise TrackError("the /users/track body names no users")
    return list(users.values())


def _user(
    users: dict[tuple[str, str], dict[str, Any]], entry: Mapping[str, Any], where: str
) -> dict[str, Any]:
    key = identity(entry, where)
    if key not in users:
        user: dict[str, Any] = {}
        if key[0] == "user_alias":
            user["user_aliases"] = [dict(entry["user_alias"])]
        else:
            user[key[0]] = entry[key[0]]
        users[key] = user
    return users[key]


def identity(entry: Mapping[str, Any], where: str) -> tuple[str, str]:
    """(identifier field, value) of the user an object names; raises `TrackError`."""
    for field in ("external_id", "braze_id", "email", "phone"):
        value = entry.get(field)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return field, str(value)
    alias = entry.get("user_alias")
    if isinstance(alias, Mapping):
        return "user_alias", f"{alias.get('alias_label')}\x00{alias.get('alias_name')}"
    raise TrackError(
        f"{where} names no user: give external_id, braze_id, user_alias, email or phone"
    )


def apply_attributes(
    user: dict[str, Any], entry: Mapping[str, Any], where: str, *, max_array: int | None = None
) -> None:
    """Apply one attributes object to an export-shaped user, in place. `max_array` caps
    scalar arrays: `add` past it drops the oldest values, a longer replacement keeps the
    first ones."""
    merge = entry.get("_merge_objects") is True
    custom: dict[str, Any] = user.setdefault("custom_attributes", {})
    for key, value in entry.items():
        if key in _CONTROL or key == "user_alias":
            continue
        if key == "subscription_groups":
            _merge_groups(user, value, f"{where}.{key}")
        elif key == "current_location" and isinstance(value, Mapping):
            user["last_coordinates"] = [value.get("longitude"), value.get("latitude")]
        elif key in _PROFILE_FIELDS:
            if value is None:
                user.pop(key, None)
            else:
                user[key] = value
        else:
            _set_custom(custom, key, value, merge=merge, where=f"{where}.{key}",
                        max_array=max_array)


def _set_custom(
    custom: dict[str, Any], key: str, value: Any, *, merge: bool, where: str,
    max_array: int | None = None,
) -> None:
    old = custom.get(key)
    if value is None:
        custom.pop(key, None)
    elif isinstance(value, Mapping) and value and set(value) <= {"add", "remove"}:
        custom[key] = _array_ops(old, value, where, max_array)
    elif isinstance(value, Mapping) and set(value) == {"inc"}:
        custom[key] = _increment(old, value["inc"], where)
    elif isinstance(value, Mapping) and value and set(value) <= {"$add", "$remove", "$update"}:
        custom[key] = _object_array_ops(old, value, merge=merge, where=where)
    elif isinstance(value, Mapping) and set(value) == {"$time"}:
        custom[key] = dict(value)
    elif isinstance(value, Mapping):
        fresh = _plain(value)
        custom[key] = _deep_merge(old, fresh) if merge and isinstance(old, dict) else fresh
    elif isinstance(value, list):
        items = _as_set(_plain(value))
        custom[key] = items if max_array is None else items[:max_array]
    elif isinstance(value, str):
        when = parse_time(value, date_only=True, us_date=True)
        custom[key] = export_time(when) if when is not None else value
    else:
        custom[key] = value


def _array_ops(
    old: Any, ops: Mapping[str, Any], where: str, max_array: int | None = None
) -> list[Any]:
    items = list(old) if isinstance(old, list) else []
    for op, values in ops.items():
        if not isinstance(values, list):
            raise TrackError(f"{where}: '{op}' must be a list, got {type(values).__name__}")
        for value in values:
            items = [item for item in items if item != value]
            if op == "add":
                items.append(value)
    if max_array is not None and len(items) > max_array:
        items = items[len(items) - max_array :]  # the oldest values go first
    return items


def _increment(old: Any, step: Any, where: str) -> int | float:
    if isinstance(step, bool) or not isinstance(step, (int, float)):
        raise TrackError(f"{where}: 'inc' must be a number, got {step!r}")
    base = old if isinstance(old, (int, float)) and not isinstance(old, bool) else 0
    return base + step


def _object_array_ops(
    old: Any, ops: Mapping[str, Any], *, merge: bool, where: str
) -> list[Any]:
    items = list(old) if isinstance(old, list) else []
    for op, specs in ops.items():
        if not isinstance(specs, list):
            raise TrackError(f"{where}: '{op}' must be a list, got {type(specs).__name__}")
        for n, spec in enumerate(specs):
            if not isinstance(spec, Mapping):
                raise TrackError(f"{where}.{op}[{n}] must be a mapping")
            if op == "$add":
                items.append(_plain(spec))
                continue
            if "$identifier_key" not in spec or "$identifier_value" not in spec:
                raise TrackError(
                    f"{where}.{op}[{n}] needs $identifier_key and $identifier_value"
                )
            hit = _matcher(spec["$identifier_key"], spec["$identifier_value"])
            if op == "$remove":
                items = [item for item in items if not hit(item)]
            else:
                new = spec.get("$new_object")
                if not isinstance(new, Mapping):
                    raise TrackError(f"{where}.{op}[{n}].$new_object must be a mapping")
                items = [_updated(item, new, merge) if hit(item) else item for item in items]
    return items


def _updated(item: Any, new: Mapping[str, Any], merge: bool) -> Any:
    return _deep_merge(item, _plain(new)) if merge else _plain(new)


def _matcher(key: Any, value: Any) -> Any:
    def hit(item: Any) -> bool:
        return isinstance(item, Mapping) and key in item and item[key] == value

    return hit


def record_occurrence(
    user: dict[str, Any], entry: Mapping[str, Any], where: str, section: str
) -> None:
    """Count one event or purchase in the user's export summaries (`custom_events`,
    `purchases`); an event's properties become the user's `event_properties`."""
    name_key = "name" if section == "events" else "product_id"
    name = entry.get(name_key)
    if not isinstance(name, str) or not name:
        raise TrackError(f"{where}: '{name_key}' must be a non-empty string")
    raw_time = entry.get("time")
    when = parse_time(raw_time, date_only=True, us_date=True) if isinstance(raw_time, str) else None
    if when is None:
        raise TrackError(f"{where}: 'time' must be a date-time string, got {raw_time!r}")
    properties = entry.get("properties", {})
    if not isinstance(properties, Mapping):
        raise TrackError(f"{where}: 'properties' must be a mapping")
    summary_key = "custom_events" if section == "events" else "purchases"
    summaries: list[dict[str, Any]] = user.setdefault(summary_key, [])
    stamp = export_time(when)
    for summary in summaries:
        if summary["name"] == name:
            summary["count"] += 1
            summary["first"] = min(summary["first"], stamp)
            summary["last"] = max(summary["last"], stamp)
            break
    else:
        summaries.append({"name": name, "first": stamp, "last": stamp, "count": 1})
    if section == "events":
        user["event_properties"] = _plain(properties)


def _merge_groups(user: dict[str, Any], value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise TrackError(f"{where} must be a list")
    groups: list[dict[str, Any]] = user.setdefault("subscription_groups", [])
    for group in value:
        if not isinstance(group, Mapping) or "subscription_group_id" not in group:
            raise TrackError(f"{where}: each entry needs a subscription_group_id")
        same = group["subscription_group_id"]
        groups[:] = [g for g in groups if g["subscription_group_id"] != same]
        groups.append(_plain(group))


def _as_set(items: list[Any]) -> list[Any]:
    """Braze keeps arrays of scalars unique; a repeated value ends up where it was last added."""
    if not all(isinstance(item, (str, int, float, bool)) for item in items):
        return items  # arrays of objects are not de-duplicated
    out: list[Any] = []
    for item in items:
        if item in out:
            out.remove(item)
        out.append(item)
    return out


def _deep_merge(old: Any, new: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(old, Mapping):
        return new
    merged = dict(old)
    for key, value in new.items():
        merged[key] = _deep_merge(merged.get(key), value) if isinstance(value, dict) else value
    return merged
