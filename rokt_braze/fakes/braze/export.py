"""`/users/export/ids` and `/users/export/segment`: users out, in Braze's export shapes.

Users are stored in export shape already (`created_at`, `external_id`, `user_aliases`,
`braze_id`, `random_bucket`, profile fields, `custom_attributes`, `custom_events`,
`purchases`), so an export is a selection plus `fields_to_export`.

Segments are a small definition, one condition each (Braze builds them in its dashboard):

* `performed EVENT` - users who performed the custom event;
* `ATTRIBUTE includes VALUE` - an array attribute holds VALUE (or a scalar equals it);
* `ATTRIBUTE matches REGEX` - a value, or an element of an array, matches (Python `re.search`);
* `all` - every user.

A segment export writes Braze's layout under the export folder or storage URL:
`segment-export/<SEGMENT_ID>/<YYYY-MM-dd>/<uuid>-<epoch seconds>/<random>.zip`, each zip
holding one JSON Lines member of at most `per_file` users (Braze: about 5,000).
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import time
import uuid
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = [
    "EXPORT_FIELDS",
    "Segment",
    "parse_segment",
    "select_fields",
    "write_segment_export",
]

USERS_PER_FILE = 5_000
MAX_IDS = 50
#: The fields `fields_to_export` may name (Braze's export object).
EXPORT_FIELDS = frozenset({
    "apps", "attributed_campaign", "attributed_source", "attributed_adgroup", "attributed_ad",
    "braze_id", "campaigns_received", "canvases_received", "cards_clicked", "country",
    "created_at", "custom_attributes", "custom_events", "devices", "dob", "email",
    "email_subscribe", "external_id", "first_name", "gender", "home_city", "language",
    "last_coordinates", "last_name", "phone", "purchases", "push_opted_in_at",
    "push_subscribe", "push_tokens", "random_bucket", "time_zone", "total_revenue",
    "uninstalled_at", "user_aliases",
})


class ExportError(ValueError):
    """A bad export request (answered 400)."""


@dataclass(frozen=True)
class Segment:
    segment_id: str
    condition: str
    name: str = ""

    def matches(self, user: Mapping[str, Any], events: set[str]) -> bool:
        kind, attribute, operand = _split(self.condition)
        if kind == "all":
            return True
        if kind == "performed":
            return operand in events
        value = (user.get("custom_attributes") or {}).get(attribute)
        values = value if isinstance(value, list) else [] if value is None else [value]
        if kind == "includes":
            return any(str(v) == operand for v in values)
        pattern = re.compile(operand)
        return any(pattern.search(str(v)) for v in values)

    def describe(self) -> dict[str, str]:
        return {"id": self.segment_id, "name": self.name or self.segment_id,
                "condition": self.condition}


def _split(condition: str) -> tuple[str, str, str]:
    text = condition.strip()
    if text == "all":
        return "all", "", ""
    if text.startswith("performed "):
        return "performed", "", text[len("performed "):].strip()
    for op in (" includes ", " matches "):
        attribute, found, operand = text.partition(op)
        if found and attribute.strip() and operand.strip():
            return op.strip(), attribute.strip(), operand.strip()
    raise ValueError(
        f"not a segment condition: {condition!r} (use 'performed EVENT', "
        "'ATTRIBUTE includes VALUE', 'ATTRIBUTE matches REGEX' or 'all')"
    )


def parse_segment(text: str) -> Segment:
    """`ID=CONDITION`; raises ValueError."""
    segment_id, eq, condition = text.partition("=")
    if not eq or not segment_id.strip():
        raise ValueError("expected ID=CONDITION, e.g. subscribers=performed subscribe")
    kind, _, operand = _split(condition)
    if kind == "matches":
        try:
            re.compile(operand)
        except re.error as err:
            raise ValueError(f"bad regular expression {operand!r}: {err}") from None
    return Segment(segment_id.strip(), condition.strip())


def fields_to_export(body: Mapping[str, Any], *, required: bool) -> list[str] | None:
    fields = body.get("fields_to_export")
    if fields is None:
        if required:
            raise ExportError("'fields_to_export' is required")
        return None
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ExportError("'fields_to_export' must be an array of field names")
    unknown = [f for f in fields if f not in EXPORT_FIELDS]
    if unknown:
        raise ExportError(f"unknown field in 'fields_to_export': {unknown[0]!r}")
    return fields


def select_fields(user: Mapping[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    """The export object: only `fields` (all when None); empty values left out, as Braze
    does ("a missing field means null or empty")."""
    keep = EXPORT_FIELDS if fields is None else set(fields)
    return {k: v for k, v in user.items() if k in keep and v not in (None, [], {}, "")}


def ids_request(body: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[str] | None]:
    """The identifiers an `/users/export/ids` body asks for, as (field, store key) pairs,
    and its `fields_to_export`; raises ExportError."""
    wanted: list[tuple[str, str]] = []
    external = body.get("external_ids") or []
    aliases = body.get("user_aliases") or []
    if not isinstance(external, list) or not all(isinstance(x, str) for x in external):
        raise ExportError("'external_ids' must be an array of strings")
    if not isinstance(aliases, list):
        raise ExportError("'user_aliases' must be an array of alias objects")
    if len(external) + len(aliases) > MAX_IDS:
        raise ExportError("The max number of external_ids and aliases per request was exceeded")
    wanted += [("external_id", x) for x in external]
    for alias in aliases:
        if not (isinstance(alias, dict) and isinstance(alias.get("alias_name"), str)
                and isinstance(alias.get("alias_label"), str)):
            raise ExportError("each user alias needs 'alias_name' and 'alias_label'")
        wanted.append(("user_alias", f"{alias['alias_label']}\x00{alias['alias_name']}"))
    singles = [k for k in ("device_id", "email_address", "phone") if body.get(k) is not None]
    if len(singles) > 1:
        raise ExportError("give at most one of device_id, email_address and phone")
    for key, field_name in (("braze_id", "braze_id"), ("email_address", "email"),
                            ("phone", "phone")):
        value = body.get(key)
        if value is not None:
            if not isinstance(value, str) or not value:
                raise ExportError(f"'{key}' must be a non-empty string")
            wanted.append((field_name, value.lower() if field_name == "email" else value))
    if body.get("device_id") is not None:
        raise ExportError("the fake Braze stores no devices: 'device_id' matches nobody")
    if not wanted:
        raise ExportError("name the users: external_ids, user_aliases, braze_id, "
                          "email_address or phone")
    return wanted, fields_to_export(body, required=False)


def is_url(target: str | os.PathLike[str]) -> bool:
    """A storage URL (`s3://bucket/prefix`, `file://...`) rather than a local folder."""
    return isinstance(target, str) and "://" in target


def require_storage(target: str | os.PathLike[str]) -> None:
    """Raise ValueError when `target` is a URL and fsspec cannot write there."""
    if not is_url(target):
        return
    try:
        import fsspec
    except ImportError:
        raise ValueError(f"{target}: writing exports to a storage URL needs fsspec "
                         "(pip install 'rokt-braze[scale]')") from None
    try:
        fsspec.get_filesystem_class(str(target).split("://", 1)[0])
    except (ImportError, ValueError) as err:
        raise ValueError(f"{target}: {err}") from None


def read_location(location: str) -> bytes:
    """The bytes of one written export file (a local path or a storage URL)."""
    if is_url(location):
        import fsspec

        with fsspec.open(location, "rb") as handle:
            return bytes(handle.read())
    return Path(location).read_bytes()


def write_segment_export(
    users: Iterable[Mapping[str, Any]],
    target: str | os.PathLike[str],
    segment_id: str,
    *,
    per_file: int = USERS_PER_FILE,
    now: float | None = None,
) -> tuple[str, list[str]]:
    """Write the users in Braze's segment-export layout under `target` (a folder, or a
    storage URL written through fsspec, as Braze writes to your bucket); returns the
    object prefix and the files written."""
    started = time.time() if now is None else now
    prefix = f"{uuid.uuid4()}-{int(started)}"
    day = datetime.fromtimestamp(started, tz=timezone.utc).strftime("%Y-%m-%d")
    where = f"segment-export/{_safe(segment_id)}/{day}/{prefix}"
    files: list[str] = []
    batch: list[str] = []

    def flush() -> None:
        name = secrets.token_hex(16)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{name}.json", "".join(batch))
        files.append(_put(target, f"{where}/{name}.zip", buffer.getvalue()))
        batch.clear()

    for user in users:
        batch.append(json.dumps(user, ensure_ascii=False) + "\n")
        if len(batch) >= per_file:
            flush()
    if batch or not files:
        flush()
    return prefix, files


def _put(target: str | os.PathLike[str], name: str, data: bytes) -> str:
    if is_url(target):
        import fsspec

        location = f"{str(target).rstrip('/')}/{name}"
        with fsspec.open(location, "wb") as handle:
            handle.write(data)
        return location
    path = Path(target) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def _safe(segment_id: str) -> str:
    """A segment id as a folder name (ids come from the request)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", segment_id) or "_"
