"""Braze's JSON filters: `json_escape`, `as_json_string`, `json_parse`.

`json_escape` is what keeps a webhook body valid JSON when user data contains quotes. Braze
documents that it escapes `"` and `\\`; here it escapes exactly what a JSON string literal needs
(also control characters: `\\n`, `\\t`, `\\u0001`, ...) and leaves `/`, `<`, `>`, `&` and
non-ASCII text alone, as Ruby's `JSON.generate` does. So `'"' + escaped + '"'` always parses
back to the original text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal

from liquid.exceptions import FilterArgumentError

from rokt_braze.braze.filters._text import is_nil, to_text
from rokt_braze.braze.values import rubify


def json_escape(value: object) -> str:
    """Escape the input's text for use inside a JSON string literal (without the quotes)."""
    return json.dumps(to_text(value), ensure_ascii=False)[1:-1]


def as_json_string(value: object) -> str:
    """Serialise a value (object, array, string, number...) as compact JSON text.

    Times use the ISO 8601 form Rails' `to_json` gives (`2021-06-03T17:13:41.000Z`).
    """
    try:
        return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as err:  # NaN or infinity: not representable in JSON
        raise FilterArgumentError(f"as_json_string: {err}", token=None) from err


def json_parse(value: object) -> object:
    """Parse JSON text into objects and arrays; nil stays nil.

    Invalid JSON is a render error rather than a silent nil, so a test bench shows the
    broken input instead of an empty field.
    """
    if is_nil(value):
        return None
    try:
        return rubify(json.loads(to_text(value)))
    except json.JSONDecodeError as err:
        raise FilterArgumentError(f"json_parse: invalid JSON: {err}", token=None) from err


def _plain(value: object) -> object:
    """Convert Liquid data into what `json.dumps` accepts, recursively."""
    if is_nil(value):
        return None
    if isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return _iso_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {to_text(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, range)):
        return [_plain(item) for item in value]
    return to_text(value)


def _iso_time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    text = value.isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if value.utcoffset() == dt.timedelta(0) else text


FILTERS: dict[str, Callable[..., object]] = {
    "json_escape": json_escape,
    "as_json_string": as_json_string,
    "json_parse": json_parse,
}
