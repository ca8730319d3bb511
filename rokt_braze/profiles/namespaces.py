"""From a user-export object to the globals a Braze Liquid template reads.

Braze's personalization tags (Braze's supported personalization tags list) name profile
fields differently from the export (`/users/export/ids`): `${user_id}` is `external_id`,
`${email_address}` is `email`, `${phone_number}` is `phone`, `${date_of_birth}` is `dob`,
`${city}` is `home_city`, `${random_bucket_number}` is `random_bucket`. A profile may also give a
standard attribute under its Liquid name; that wins over the export name.

Contract with the engine:
* a standard attribute the profile does not have (or has as null) is **absent** from the result,
  never None, so a read of it can be reported as a missing attribute;
* every namespace (`custom_attribute`, `event_properties`, ...) is present, empty when the
  profile gives nothing, so `custom_attribute.${x}` on such a user is simply a missing key;
* every namespace, and every object inside one, is a `RubyHash` (arrays `RubyArray`), so
  a template prints, compares, iterates and filters it as Ruby Liquid treats a Hash;
* time values become `BrazeTime` (aware UTC `datetime`): `dob` (exported as `YYYY-MM-DD`, but
  Braze lists `${date_of_birth}` among time values, so midnight UTC), `last_used_app_date`,
  custom attributes and event properties whose string value is a date-time (how an export
  writes a time attribute; a bare date stays a string), and `{"$time": ...}` objects anywhere
  inside custom attributes (the `/users/track` form for nested dates). A null custom attribute
  is unset, so it is left out. Everything else passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from rokt_braze.braze.values import RubyArray, RubyHash, rubify
from rokt_braze.profiles.times import BrazeTime, parse_time

__all__ = ["NAMESPACE_KEYS", "STANDARD_ATTRIBUTES", "UserNamespaces", "build_namespaces"]

# Liquid name -> export field names, in order of preference (the Liquid name itself first).
_STANDARD_SOURCES: dict[str, tuple[str, ...]] = {
    "user_id": ("user_id", "external_id"),
    "braze_id": ("braze_id",),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "email_address": ("email_address", "email"),
    "phone_number": ("phone_number", "phone"),
    "date_of_birth": ("date_of_birth", "dob"),
    "city": ("city", "home_city"),
    "country": ("country",),
    "language": ("language",),
    "gender": ("gender",),
    "time_zone": ("time_zone",),
    "most_recent_locale": ("most_recent_locale",),
    "most_recent_location": ("most_recent_location",),
    "last_used_app_date": ("last_used_app_date",),
    "most_recent_app_version": ("most_recent_app_version",),
    "random_bucket_number": ("random_bucket_number", "random_bucket"),
}
STANDARD_ATTRIBUTES = frozenset(_STANDARD_SOURCES)

# Namespaces read as `ns.${key}`; each is a mapping in the profile when given.
NAMESPACE_KEYS = (
    "custom_attribute", "event_properties", "canvas_entry_properties", "context",
    "api_trigger_properties", "campaign", "canvas", "card", "app", "subscribed_state",
    "most_recently_used_device", "targeted_device", "sms", "whats_app",
)

# Export device fields -> `most_recently_used_device.${...}` names (Braze's personalization tags).
_DEVICE_FIELDS = {
    "id": ("id", "device_id", "idfv"),
    "browser": ("browser",),
    "carrier": ("carrier",),
    "ad_tracking_enabled": ("ad_tracking_enabled",),
    "idfa": ("idfa",),
    "google_ad_id": ("google_ad_id",),
    "roku_ad_id": ("roku_ad_id",),
    "model": ("model",),
    "os": ("os",),
    "platform": ("platform",),
    "foreground_push_enabled": ("foreground_push_enabled",),
}


def build_namespaces(data: Mapping[str, Any]) -> UserNamespaces:
    """The Liquid globals for one export-shaped user object."""
    return UserNamespaces(data)


class UserNamespaces(Mapping[str, object]):
    """The globals of one user, each computed when a template first reads it.

    A template reads two or three of them; building all of them (copying every namespace,
    scanning devices and apps) for each of a million users would cost more than the
    render. Values are cached, so each is computed at most once per user.
    """

    __slots__ = ("_data", "_done")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        self._done: dict[str, object] = {}

    def __getitem__(self, key: str) -> object:
        value = self._done.get(key, _UNREAD)
        if value is not _UNREAD:
            return value
        if key in _STANDARD_SOURCES:
            value = self._standard(key)
            if value is None:
                raise KeyError(key)
        elif key in _NAMESPACE_BUILDERS:
            value = _NAMESPACE_BUILDERS[key](self._data)
        else:
            raise KeyError(key)
        self._done[key] = value
        return value

    def _standard(self, key: str) -> object:
        value = _first_present(self._data, _STANDARD_SOURCES[key])
        if value is None and key in ("last_used_app_date", "most_recent_app_version"):
            value = _from_apps(self._data).get(key)
        if key in ("date_of_birth", "last_used_app_date") and isinstance(value, str):
            value = parse_time(value, date_only=True) or value
        return value

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def get(self, key: str, default: object = None) -> object:
        value = self._done.get(key, _UNREAD)  # (Mapping.get would raise and catch first)
        if value is not _UNREAD:
            return value
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return (key for key in (*_STANDARD_SOURCES, *_NAMESPACE_BUILDERS) if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"UserNamespaces({dict(self.items())!r})"


_UNREAD = object()


def _first_present(data: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None


def _mapping(value: object) -> RubyHash:
    """A profile's mapping as the hash a template sees (nested data too)."""
    return rubify(dict(value)) if isinstance(value, Mapping) else RubyHash()


def _from_apps(data: Mapping[str, Any]) -> dict[str, object]:
    """`last_used_app_date` / `most_recent_app_version` from the export's `apps` list.

    The export has no such fields; each `apps` entry has `last_used` and `version`, so the
    most recently used app gives both (only when the profile does not set them itself).
    """
    out: dict[str, object] = {}
    apps = data.get("apps")
    if not isinstance(apps, list):
        return out
    latest: tuple[BrazeTime, Mapping[str, Any]] | None = None
    for app in apps:
        if not isinstance(app, Mapping) or not isinstance(app.get("last_used"), str):
            continue
        when = parse_time(app["last_used"], date_only=True)
        if when is not None and (latest is None or when >= latest[0]):
            latest = (when, app)
    if latest is None:
        return out
    out["last_used_app_date"] = latest[0]
    if latest[1].get("version") is not None:
        out["most_recent_app_version"] = latest[1]["version"]
    return out


def _custom_attributes(value: object) -> Mapping[str, Any]:
    if type(value) is dict or isinstance(value, Mapping):  # (parsed JSON: a dict)
        return LazyAttributes(value)
    return RubyHash()


class LazyAttributes(RubyHash):
    """Custom attributes whose time values are converted when first read.

    A template reads a handful of a user's attributes; converting all of them (walking
    every nested value for `{"$time": ...}`) for each of a million users would cost more
    than rendering. Null attributes are absent, as Braze treats them.

    It is a `dict` (a `RubyHash`), so every tag and filter treats it as the hash it is
    in Braze. The dict holds the raw values; each is replaced by its converted value on
    first read, and every way of reading values (`[]`, `get`, `items`, `values`, `dict()`,
    equality, copies) goes through that conversion.
    """

    __slots__ = ("_done",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if type(raw) is dict:  # parsed JSON (the common case): copied at C speed
            dict.__init__(self, raw)
            if None in raw.values():
                for key in [key for key, item in raw.items() if item is None]:
                    dict.__delitem__(self, key)
        else:
            super().__init__((key, item) for key, item in raw.items() if item is not None)
        self._done: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        item = dict.__getitem__(self, key)
        if key in self._done:
            return item
        value = (parse_time(item) or item) if type(item) is str else _times_inside(item)
        dict.__setitem__(self, key, value)
        self._done.add(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        # Overridden so that `dict(self)` and `{**self}` read values through `[]`.
        return dict.__iter__(self)

    def copy(self) -> RubyHash:
        return RubyHash(self.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (LazyAttributes, (dict(dict.items(self)),))


def _event_properties(value: object) -> RubyHash:
    # Datetime event properties are stored as times (event object page); nested objects
    # are ingested as strings and arrays cannot hold dates, so only the top level converts.
    return RubyHash(
        (key, (parse_time(item) or item) if isinstance(item, str) else rubify(item))
        for key, item in _mapping(value).items()
    )


def _times_inside(value: Any) -> Any:
    """Replace `{"$time": "..."}` objects at any depth by `BrazeTime`."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool:
        return value
    if kind is list:  # Rokt's attributes: arrays of strings, copied as they are
        for item in value:
            if type(item) is not str:
                return RubyArray([_times_inside(item) for item in value])
        return RubyArray(value)
    if isinstance(value, Mapping):
        if set(value) == {"$time"} and isinstance(value["$time"], str):
            return parse_time(value["$time"], date_only=True) or value["$time"]
        return RubyHash((key, _times_inside(item)) for key, item in value.items())
    if isinstance(value, list):
        return RubyArray(_times_inside(item) for item in value)
    return value


def _subscribed_state(data: Mapping[str, Any]) -> RubyHash:
    """`subscribed_state.${email_global}` and `.${<subscription group id>}`.

    Given directly, or derived: `email_global` from the export's `email_subscribe`, group ids
    from `/users/track`'s `subscription_groups` entries.
    """
    if isinstance(data.get("subscribed_state"), Mapping):
        return _mapping(data["subscribed_state"])
    out = RubyHash()
    if data.get("email_subscribe") is not None:
        out["email_global"] = data["email_subscribe"]
    groups = data.get("subscription_groups")
    for group in groups if isinstance(groups, list) else []:
        if isinstance(group, Mapping) and group.get("subscription_group_id") is not None:
            out[str(group["subscription_group_id"])] = group.get("subscription_state")
    return out


def _device(data: Mapping[str, Any]) -> RubyHash:
    """`most_recently_used_device`: given directly, or the first entry of `devices`.

    The export does not say how `devices` is ordered; put the most recent device first.
    """
    if isinstance(data.get("most_recently_used_device"), Mapping):
        return _mapping(data["most_recently_used_device"])
    devices = data.get("devices")
    if not isinstance(devices, list) or not devices or not isinstance(devices[0], Mapping):
        return RubyHash()
    device = devices[0]
    out = RubyHash()
    for name, sources in _DEVICE_FIELDS.items():
        value = _first_present(device, sources)
        if value is not None:
            out[name] = value
    return out


def _entry_properties(data: Mapping[str, Any]) -> RubyHash:
    # `context` replaced `canvas_entry_properties`; one given -> both names read it.
    key = "canvas_entry_properties" if "canvas_entry_properties" in data else "context"
    return _mapping(data.get(key))


def _context(data: Mapping[str, Any]) -> RubyHash:
    key = "context" if "context" in data else "canvas_entry_properties"
    return _mapping(data.get(key))


def _plain_namespace(name: str) -> Callable[[Mapping[str, Any]], object]:
    return lambda data: _mapping(data.get(name))


_NAMESPACE_BUILDERS: dict[str, Callable[[Mapping[str, Any]], object]] = {
    "custom_attribute": lambda data: _custom_attributes(data.get("custom_attributes")),
    "event_properties": lambda data: _event_properties(data.get("event_properties")),
    "canvas_entry_properties": _entry_properties,
    "context": _context,
    **{name: _plain_namespace(name) for name in (
        "api_trigger_properties", "campaign", "canvas", "card", "app", "sms", "whats_app",
        "targeted_device")},
    "subscribed_state": _subscribed_state,
    "most_recently_used_device": _device,
}
