"""Parsing a request body as JSON without letting the body choose the server's fate.

`json.loads` accepts things a handler cannot safely hold: nesting deep enough to blow
the recursion limit in whatever walks the value next, integers with thousands of digits
(`int()` refuses over 4,300 and everything after is quadratic), `1e999` (infinity),
`NaN`, and `"\\ud800"` (a lone surrogate, which cannot be encoded back to UTF-8). Each
of these is refused here with a reason, so the server answers 400, never 500.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64
#: Characters in one JSON number; far beyond any id, count or timestamp.
MAX_NUMBER_CHARS = 40


class UnsafeJson(ValueError):
    """The body is not JSON, or is JSON a handler cannot safely hold."""


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise UnsafeJson(f"a number of {len(text)} digits (at most {MAX_NUMBER_CHARS})")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise UnsafeJson(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    value = float(text)
    if not math.isfinite(value):
        raise UnsafeJson(f"the number {text} is out of range")
    return value


def _constant(name: str) -> Any:
    raise UnsafeJson(f"{name} is not JSON")


def loads(data: bytes) -> Any:
    """The JSON value of a UTF-8 body; raises `UnsafeJson` with a one-line reason."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnsafeJson(f"the body is not UTF-8 (byte {err.start})") from None
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except UnsafeJson:
        raise
    except RecursionError:
        raise UnsafeJson(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as err:  # json.JSONDecodeError
        raise UnsafeJson(f"not valid JSON: {err}") from None
    _check_tree(value)
    return value


def _check_tree(value: Any) -> None:
    """Depth and strings, walked with an explicit stack (no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise UnsafeJson(f"nested deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise UnsafeJson(
            f"a string holds a lone surrogate (\\u{ord(text[err.start]):04x})"
        ) from None
