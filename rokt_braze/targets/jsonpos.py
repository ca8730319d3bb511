"""Parse a JSON text and, on demand, find where each value and key starts in it.

`json` gives values but no positions. Positions are needed only when something is wrong,
so `parse` uses the C decoder and the position index is built lazily, on the first
lookup, by a small iterative scanner (iterative so deep nesting cannot overflow the stack).
Paths are tuples of object keys and array indexes, e.g. ``("event", "start")``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable
from json.decoder import scanstring  # type: ignore[attr-defined]  # C-accelerated, untyped

from rokt_braze import fastjson

_dumps: Callable[[object], bytes] | None
try:
    from orjson import dumps as _dumps
except ImportError:  # pragma: no cover - the tests switch it off to compare
    _dumps = None

Path = tuple[str | int, ...]

_WS_MATCH = re.compile(r"[ \t\n\r]*").match
_SCALAR = re.compile(r"true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class JsonError(ValueError):
    """Not valid JSON; `pos` is the 0-based offset of the error in the text."""

    def __init__(self, msg: str, pos: int) -> None:
        super().__init__(f"{msg} at offset {pos}")
        self.msg = msg
        self.pos = pos


def _reject_constant(name: str) -> object:
    raise JsonError(f"{name} is not valid JSON", -1)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class JsonDoc:
    """A parsed JSON text: `value`, plus `value_offset` / `key_offset` by path."""

    __slots__ = ("_keys", "_values", "text", "value")

    def __init__(self, text: str, value: object) -> None:
        self.text = text
        self.value = value
        self._values: dict[Path, int] | None = None
        self._keys: dict[Path, int] = {}

    def _index(self) -> dict[Path, int]:
        if self._values is None:
            self._values, self._keys = locate(self.text)
        return self._values

    def value_offset(self, path: Path) -> int:
        """Offset of the first character of the value at `path` (-1 if there is none)."""
        return self._index().get(path, -1)

    def key_offset(self, path: Path) -> int:
        """Offset of the opening quote of the key naming `path`; the root value for ()."""
        if not path:
            return self.value_offset(())
        self._index()
        return self._keys.get(path, -1)


def parse(text: str) -> JsonDoc:
    """Parse strict JSON (no NaN/Infinity); raise `JsonError` with the error offset."""
    value = fastjson.loads(text)  # orjson where it agrees with `json`, which decides errors
    if value is not fastjson.NOT_READ:
        return JsonDoc(text, value)
    try:
        return JsonDoc(text, _DECODER.decode(text))
    except json.JSONDecodeError as err:
        raise JsonError(err.msg, err.pos) from None
    except JsonError as err:  # NaN / Infinity: the scanner knows where it stands
        try:
            locate(text)
        except JsonError as found:
            raise JsonError(err.msg, found.pos) from None
        raise
    except RecursionError:
        raise JsonError("nested too deeply", 0) from None


def frozen(value: object) -> Hashable:
    """A parsed JSON value as a hashable key that keeps apart every two values that
    differ, in JSON type too (1, 1.0 and true are equal in Python; 0.0 and -0.0 too).

    orjson's text where it is installed and says exactly that (it writes an integer of
    more than 64 bits, a lone surrogate or very deep nesting not at all, and an infinity
    as null), else a tuple (a text and a tuple are never equal)."""
    if _dumps is not None:
        try:
            text = _dumps(value)
        except TypeError:
            pass
        else:
            if b"null" not in text:
                return text
    return _frozen(value)


def _frozen(value: object) -> Hashable:
    kind = type(value)
    if kind is dict:
        kinds = tuple(map(type, value.values()))  # type: ignore[attr-defined]
        if _PLAIN.issuperset(kinds):  # the common case: an object of strings (no float)
            return kinds, tuple(value.items())  # type: ignore[attr-defined]
        return dict, tuple([(k, _frozen(v)) for k, v in value.items()])  # type: ignore[attr-defined]
    if kind is list:
        kinds = tuple(map(type, value))  # type: ignore[call-overload]
        if _PLAIN.issuperset(kinds):
            return list, kinds, tuple(value)  # type: ignore[arg-type]
        return list, tuple([_frozen(v) for v in value])  # type: ignore[attr-defined]
    if kind is float:
        return float, repr(value)
    return kind, value  # str, int, bool, None


#: JSON scalar types whose Python values are equal only when the JSON values are
#: (with their types kept apart: 1 == True)
_PLAIN = frozenset({str, int, bool, type(None)})


def _skip(text: str, pos: int) -> int:
    return _WS_MATCH(text, pos).end()  # type: ignore[union-attr]  # `*` always matches


def locate(text: str) -> tuple[dict[Path, int], dict[Path, int]]:
    """Offsets of every value and every object key in `text`, by path.

    Raises `JsonError` on malformed input. A repeated key keeps its last position,
    as `json` keeps its last value.
    """
    values: dict[Path, int] = {}
    keys: dict[Path, int] = {}
    stack: list[tuple[str, Path, list[int]]] = []  # (opener, path, [items seen])

    def scalar_or_open(pos: int, path: Path) -> int:
        values[path] = pos
        ch = text[pos : pos + 1]
        if ch in ("{", "["):
            stack.append((ch, path, [0]))
            return pos + 1
        if ch == '"':
            return int(scanstring(text, pos + 1)[1])
        match = _SCALAR.match(text, pos)
        if not match:
            raise JsonError("Expecting value", pos)
        return match.end()

    pos = scalar_or_open(_skip(text, 0), ())
    while stack:
        opener, path, seen = stack[-1]
        pos = _skip(text, pos)
        ch = text[pos : pos + 1]
        if ch == ("}" if opener == "{" else "]"):
            stack.pop()
            pos += 1
            continue
        if seen[0]:
            if ch != ",":
                raise JsonError("Expecting ',' delimiter", pos)
            pos = _skip(text, pos + 1)
        if opener == "{":
            if text[pos : pos + 1] != '"':
                raise JsonError("Expecting property name enclosed in double quotes", pos)
            key_start = pos
            key, pos = scanstring(text, pos + 1)
            child: Path = (*path, key)
            keys[child] = key_start
            pos = _skip(text, pos)
            if text[pos : pos + 1] != ":":
                raise JsonError("Expecting ':' delimiter", pos)
            pos = _skip(text, pos + 1)
        else:
            child = (*path, seen[0])
        seen[0] += 1
        pos = scalar_or_open(pos, child)
    return values, keys
