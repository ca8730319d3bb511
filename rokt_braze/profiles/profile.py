"""`Profile`, and turning one parsed record into one.

A record is a user-export object (`/users/export/ids`, one element of `users`). The loader
hands records here; shape problems are raised as `RecordError` (no file, no line) and the loader
adds where the record came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rokt_braze.connected import FixtureError, check_fixtures
from rokt_braze.profiles.namespaces import UserNamespaces, build_namespaces
from rokt_braze.safe_yaml import MAX_DEPTH

__all__ = ["Profile", "RecordError", "plain", "profile_from_record", "profile_name"]

#: Keys a profile file may carry whose value must be a mapping (namespace sources).
MAPPING_KEYS = (
    "custom_attributes", "event_properties", "canvas_entry_properties", "context",
    "api_trigger_properties", "campaign", "canvas", "card", "app", "subscribed_state",
    "most_recently_used_device", "targeted_device", "sms", "whats_app",
)


@dataclass
class Profile:
    """One mock Braze user.

    `data` is the user-export-shaped object as loaded (minus `connected_content`, which becomes
    `fixtures`); `name` is how reports refer to it.
    """

    name: str
    data: dict[str, Any]
    source: str = ""
    fixtures: list[dict[str, Any]] = field(default_factory=list)
    _namespaces: UserNamespaces | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def namespaces(self) -> UserNamespaces:
        """The Liquid globals for this user (see `rokt_braze.profiles.namespaces`).

        A read-only mapping whose values are computed on first read and then kept; renders
        never write to it (`assign` writes to the render's own locals).
        """
        if self._namespaces is None:
            self._namespaces = build_namespaces(self.data)
        return self._namespaces


class RecordError(ValueError):
    """A record of the wrong shape. `key` names the offending top-level key, if any."""

    def __init__(self, message: str, *, key: str = "") -> None:
        super().__init__(message)
        self.key = key


def plain(value: Any, depth: int = 0) -> Any:
    """A deep copy made of dicts and lists, so the caller's objects are never shared;
    RecordError past `MAX_DEPTH` levels (as deep as a YAML file may nest)."""
    if isinstance(value, (Mapping, list, tuple)) and depth >= MAX_DEPTH:
        raise RecordError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        return {str(key): plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item, depth + 1) for item in value]
    return value


def profile_name(data: Mapping[str, Any], fallback: str) -> str:
    """`external_id`, else `braze_id`, else `fallback`."""
    for key in ("external_id", "braze_id"):
        value = data.get(key)
        if value is not None and not isinstance(value, (Mapping, list)) and str(value) != "":
            return str(value)
    return fallback


def profile_from_record(
    record: object,
    *,
    fallback_name: str,
    source: str = "",
    fixtures: list[dict[str, Any]] | None = None,
) -> Profile:
    """Validate an export-shaped record and wrap it; `fixtures` are extra (file-level) ones."""
    if not isinstance(record, Mapping):
        raise RecordError(f"a profile must be a mapping, got {_kind(record)}")
    data: dict[str, Any] = plain(record)
    try:
        own = check_fixtures(data.pop("connected_content", None))
    except FixtureError as err:
        raise RecordError(str(err), key="connected_content") from None
    for key in MAPPING_KEYS:
        value = data.get(key)
        if value is not None and not isinstance(value, dict):
            raise RecordError(f"{key} must be a mapping, got {_kind(value)}", key=key)
    return Profile(
        name=profile_name(data, fallback_name),
        data=data,
        source=source,
        fixtures=own + list(fixtures or []),
    )


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "mapping", list: "list", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )
