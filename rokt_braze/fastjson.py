"""orjson (the `speed` extra) where it reads JSON exactly as `json` does.

orjson parses a JSON text about twice as fast as `json`, but it reads an integer of more
than 64 bits as a float, and nests deeper than `json`'s recursion limit allows. `loads`
answers `NOT_READ` for such texts (a run of 19 digits anywhere, 256 or more opening
brackets), for anything orjson rejects, and always when orjson is not installed: the
caller then parses with `json`, which decides the value or the error message.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["NOT_READ", "loads"]

NOT_READ = object()
#: Digits to b"1", opening brackets to b"[", every other byte to b" ": one pass over the
#: text then shows both a run of 19 digits (`_LONG_NUMBER`) and the count of brackets.
_GUARD = bytes(0x31 if 0x30 <= i <= 0x39 else 0x5B if i in b"[{" else 0x20 for i in range(256))
_LONG_NUMBER = b"1" * 19
#: Fewer opening brackets than this cannot nest as deep as `json`'s recursion limit.
_MANY_BRACKETS = 256

_orjson: Callable[[bytes], object] | None
try:
    from orjson import loads as _orjson
except ImportError:  # pragma: no cover - the tests switch it off to compare
    _orjson = None


def loads(data: bytes | str) -> object:
    """The value of JSON text `data` as `json.loads` gives it, or `NOT_READ`."""
    if _orjson is None:
        return NOT_READ
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")  # UTF-8 never puts an ASCII digit in a multibyte char
        except UnicodeEncodeError:  # a lone surrogate: orjson refuses it, json may not
            return NOT_READ
    shape = data.translate(_GUARD)
    if shape.count(b"[") >= _MANY_BRACKETS or _LONG_NUMBER in shape:
        return NOT_READ
    try:
        return _orjson(data)
    except (ValueError, RecursionError):
        return NOT_READ
