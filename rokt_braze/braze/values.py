"""How Braze's Ruby Liquid (Liquid 5.4 on Ruby 3.1) prints a value.

Every place that turns a value into text uses one of three functions here, so the same
data prints the same way in an output, a filter, a capture or an error:

* `to_output(value)`: what `{{ value }}` writes. nil is empty; an array is its elements
  joined with nothing between them, nested arrays flattened (Ruby's `Array#join`);
  anything else is `to_s`.
* `to_s(value)`: Ruby's `to_s`. A string is itself, nil is empty, `true`/`false`, floats
  as Ruby writes them (`2.0`, `1.0e+20`, `1.0e-05`), a time as `Time#to_s`
  (`2021-06-03 17:13:41 UTC`), and a hash or array as `inspect`.
* `inspect(value)`: Ruby's `inspect`: `{"a"=>1, "b"=>nil}`, `["x", 1.5, nil]`, strings
  double-quoted with Ruby's escapes.

None of them ever falls back to a Python representation: a drop (`forloop`) prints as
Ruby's class name (`Liquid::ForloopDrop`), and a value of a type Ruby Liquid could not
hold prints as its `str()` only when that is not Python's default `<... object at 0x...>`,
and as its type name otherwise.

`RubyHash` and `RubyArray` are a `dict` and a `list` whose `str()` is Ruby's `to_s`, for
data that enters a render from outside (JSON answers, fixtures, profiles): python-liquid's
own string filters call `str()` on their input, and with these that is Ruby's text too.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from decimal import Decimal
from typing import Any

from liquid.undefined import is_undefined

__all__ = [
    "RubyArray",
    "RubyHash",
    "RubyPair",
    "inspect",
    "rubify",
    "ruby_float",
    "to_output",
    "to_s",
]


class RubyHash(dict[Any, Any]):
    """A `dict` that prints as Ruby prints a Hash.

    Its entries (`items()`, which `for` iterates) are `RubyPair`s, as Ruby yields
    `[key, value]` arrays; values are read through `[]`, so a subclass that computes values
    on first read only needs to override `__getitem__` and `get`.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return inspect(self)

    def items(self) -> ItemsView[Any, Any]:  # type: ignore[override]
        return _Pairs(self)

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        return ValuesView(self)


class RubyPair(tuple[Any, Any]):
    """A hash entry: a 2-tuple that prints as Ruby prints `[key, value]`."""

    __slots__ = ()

    def __str__(self) -> str:
        return inspect(self)


class _Pairs(ItemsView[Any, Any]):
    def __init__(self, entries: Mapping[Any, Any]) -> None:
        super().__init__(entries)
        self._entries = entries

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        entries = self._entries
        for key in entries:
            yield RubyPair((key, entries[key]))


class RubyArray(list[Any]):
    """A `list` that prints as Ruby prints an Array (`to_s` is `inspect`)."""

    __slots__ = ()

    def __str__(self) -> str:
        return inspect(self)


def rubify(value: Any) -> Any:
    """Turn parsed data (dicts and lists at any depth) into `RubyHash` / `RubyArray`."""
    if isinstance(value, dict) and not isinstance(value, RubyHash):
        return RubyHash((key, rubify(item)) for key, item in value.items())
    if isinstance(value, list) and not isinstance(value, RubyArray):
        return RubyArray(rubify(item) for item in value)
    return value


def to_output(value: object) -> str:
    """What `{{ value }}` writes in Ruby Liquid."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "".join(_join_parts(value))
    return to_s(value)


def _join_parts(items: list[Any] | tuple[Any, ...]) -> list[str]:
    """Ruby's `Array#join`: nested arrays flattened, nil as empty, the rest `to_s`."""
    parts: list[str] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            parts += _join_parts(item)
        else:
            parts.append(to_s(item))
    return parts


def to_s(value: object) -> str:
    """Ruby's `to_s` for any value a template can hold."""
    if isinstance(value, str):
        return value
    if value is None or is_undefined(value):
        return ""
    if isinstance(value, (dict, list, tuple)):
        return inspect(value)
    return _scalar(value, inspecting=False)


def inspect(value: object) -> str:
    """Ruby's `inspect` for any value a template can hold."""
    if isinstance(value, str):
        return _inspect_string(value)
    if value is None or is_undefined(value):
        return "nil"
    if isinstance(value, dict):
        pairs = (f"{inspect(key)}=>{inspect(item)}" for key, item in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(inspect(item) for item in value) + "]"
    return _scalar(value, inspecting=True)


def _scalar(value: object, *, inspecting: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return ruby_float(value)
    if isinstance(value, Decimal):
        # Ruby Liquid turns its BigDecimal results back into Floats before output.
        return ruby_float(float(value))
    if isinstance(value, dt.datetime):
        return _ruby_time(value, inspecting=inspecting)
    if isinstance(value, dt.date):
        text = value.isoformat()
        return _inspect_string(text) if inspecting else text
    if isinstance(value, range):
        return f"{value.start}..{value.stop - 1}"
    if isinstance(value, Mapping):  # a drop (`forloop`): Ruby prints its class name
        return _DROPS.get(type(value).__name__, type(value).__name__)
    text = str(value)
    if text == object.__repr__(value) or " object at 0x" in text:
        return type(value).__name__
    return _inspect_string(text) if inspecting else text


def ruby_float(value: float) -> str:
    """Ruby's `Float#to_s`: the shortest digits that read back, `.0` for whole numbers,
    exponent form below 1e-4 and from 1e16 up, and for whole numbers from 1e15 up
    (`1.0e-05`, `1.0e+15`, but `1234567890123456.8`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return f"{sign}0.0"
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    # value = 0.<digits> * 10 ** point
    point = len(digit_tuple) + exponent
    if -4 < point <= 15 or (point == 16 and len(digits) > point):
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{sign}{digits}{'0' * (point - len(digits))}.0"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    mantissa = f"{digits[0]}.{digits[1:] or '0'}"
    power = point - 1
    return f"{sign}{mantissa}e{'+' if power >= 0 else '-'}{abs(power):02d}"


def _ruby_time(moment: dt.datetime, *, inspecting: bool) -> str:
    """`Time#to_s` (`2021-06-03 17:13:41 UTC`); `inspect` adds any fraction of a second."""
    stamp = f"{moment.year:04d}-{moment:%m-%d %H:%M:%S}"
    if inspecting and moment.microsecond:
        stamp += "." + f"{moment.microsecond:06d}".rstrip("0")
    offset = moment.utcoffset()
    if offset is None or (offset == dt.timedelta(0) and moment.tzname() in ("UTC", "UCT", None)):
        return f"{stamp} UTC"
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    return f"{stamp} {sign}{hours:02d}{rest // 60:02d}"


#: python-liquid's drops and the names of their Ruby Liquid counterparts.
_DROPS = {"ForLoop": "Liquid::ForloopDrop", "TableRow": "Liquid::TablerowloopDrop"}

_SHORT_ESCAPES = {
    '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f",
    "\v": "\\v", "\b": "\\b", "\a": "\\a", "\x1b": "\\e",
}  # fmt: skip
#: Characters Ruby's `String#inspect` writes as `\u` escapes (besides the short ones):
#: controls (but not NEL, which Ruby counts as printable), line and paragraph
#: separators, and unassigned code points.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cn"})


def _inspect_string(text: str) -> str:
    out = ['"']
    for i, char in enumerate(text):
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif char == "#" and text[i + 1 : i + 2] in ("{", "$", "@"):
            out.append("\\#")  # would start interpolation in a Ruby string literal
        elif char == "\x85" or unicodedata.category(char) not in _ESCAPED_CATEGORIES:
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\u{{{code:X}}}")
    out.append('"')
    return "".join(out)
