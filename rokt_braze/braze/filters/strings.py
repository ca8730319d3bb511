"""Standard string filters where python-liquid and Ruby Liquid (what Braze runs) differ.

* `escape` writes `'` as `&#39;` (Ruby's `CGI.escapeHTML`), not `&#x27;`; nil stays nil.
* `escape_once` escapes `"`, `<`, `>`, `'` and any `&` that does not start an entity
  (`&name;` or `&#123;`), leaving entities as they are.
* `slice` takes whole-number offsets and lengths only (`1.5` is an error, as in Ruby), and
  nil slices as empty text;
* `truncate` and `truncatewords` leave nil as nil, and count words as Ruby's
  `split(" ")` does;
* `strip` removes only ASCII blanks and NUL, as Ruby's `String#strip` does;
* `replace` and `replace_first` are Ruby's `gsub`/`sub`: in the replacement, `\\0` and
  `\\&` stand for the matched text and `\\\\` for one backslash (so `replace: '\\',
  '\\\\'` changes nothing), as Braze's Ruby Liquid reads them; `replace_last` and
  `remove_last` also find a last occurrence at the very start;
* `split` is Ruby's `String#split`: a single space splits on runs of blanks and ignores
  leading ones; an empty separator splits into characters; trailing empty strings are
  dropped (`'a,b,,' | split: ','` has two items); empty input gives an empty array.

Inputs and arguments that are not strings are read with Ruby's `to_s` (`true`, `2.0`).
The other standard string filters are python-liquid's, given their input (and their text
arguments) as Ruby's `to_s` by `ruby_text_input`: python-liquid would `str()` them
(`True`, Python's spelling of a list).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from liquid.exceptions import FilterArgumentError

from rokt_braze.braze.filters._text import is_nil
from rokt_braze.braze.values import to_s as to_text

_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_ESCAPE = re.compile(r"[&<>\"']")
_ESCAPE_ONCE = re.compile(r"[\"><']|&(?!(?:[a-zA-Z]+|#\d+);)")
#: What Ruby's `Integer()` accepts from text: decimal (a leading 0 means octal), 0x, 0b, 0o.
_RUBY_INTEGER = re.compile(
    r"([+-]?)(?:0x([0-9a-f]+(?:_[0-9a-f]+)*)|0b([01]+(?:_[01]+)*)|0o?([0-7]+(?:_[0-7]+)*)"
    r"|([1-9]\d*(?:_\d+)*|0))",
    re.IGNORECASE,
)
#: What Ruby's `String#strip` removes from either end.
_RUBY_STRIPPED = "\0\t\n\v\f\r "
#: The blanks Ruby's awk-style `split(" ")` splits on.
_RUBY_BLANKS = re.compile(r"[ \t\n\v\f\r]+")


def _html_escape(match: re.Match[str]) -> str:
    return _HTML_ESCAPES[match.group()]


def escape(value: object) -> str | None:
    if is_nil(value):
        return None
    return _ESCAPE.sub(_html_escape, to_text(value))


def escape_once(value: object) -> str:
    return _ESCAPE_ONCE.sub(_html_escape, to_text(value))


def to_integer(value: object) -> int:
    """Ruby Liquid's `Utils.to_integer`: an integer, or text Ruby's `Integer()` reads."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = to_text(value).strip(" \t\n\v\f\r")
    match = _RUBY_INTEGER.fullmatch(text)
    if not match:
        raise FilterArgumentError(f"invalid integer: {text!r}", token=None)
    sign, hexadecimal, binary, octal, decimal = match.groups()
    digits, base = next(
        (d, b) for d, b in ((hexadecimal, 16), (binary, 2), (octal, 8), (decimal, 10)) if d
    )
    number = int(digits.replace("_", ""), base)
    return -number if sign == "-" else number


def strip(value: object) -> str:
    """Ruby's `String#strip`: only ASCII blanks and NUL, not a no-break or other Unicode
    space (Python's `str.strip` removes those too)."""
    return to_text(value).strip(_RUBY_STRIPPED)


def replace(value: object, target: object, replacement: object = "") -> str:
    return _ruby_sub(to_text(value), to_text(target), to_text(replacement), count=None)


def replace_first(value: object, target: object, replacement: object = "") -> str:
    return _ruby_sub(to_text(value), to_text(target), to_text(replacement), count=1)


def replace_last(value: object, target: object, replacement: object) -> str:
    """The last `target` replaced, wherever it is (python-liquid's misses one at the start)."""
    text, old = to_text(value), to_text(target)
    index = text.rfind(old)
    if index < 0:
        return text
    return text[:index] + to_text(replacement) + text[index + len(old):]


def remove_last(value: object, target: object) -> str:
    return replace_last(value, target, "")


def _ruby_sub(text: str, target: str, replacement: str, *, count: int | None) -> str:
    """Ruby's `gsub`/`sub` with a text pattern: backslash sequences in the replacement
    are expanded (see `_replacement`)."""
    if "\\" not in replacement:
        return text.replace(target, replacement, -1 if count is None else count)
    pieces = _replacement(replacement)
    parts: list[str] = []
    done = 0
    for start, end in _matches(text, target, count):
        parts.append(text[done:start])
        for piece in pieces:
            parts.append(piece if isinstance(piece, str)
                         else text[start:end] if piece is _MATCH
                         else text[:start] if piece is _BEFORE else text[end:])
        done = end
    parts.append(text[done:])
    return "".join(parts)


def replaced_size(text: str, target: str, replacement: str) -> int:
    """The length `replace` gives, without building it (a replacement that repeats the
    text before or after each match grows quadratically)."""
    if "\\" not in replacement:
        if not target:
            return len(text) + (len(text) + 1) * len(replacement)
        return len(text) + text.count(target) * (len(replacement) - len(target))
    pieces = _replacement(replacement)
    fixed = sum(len(piece) for piece in pieces if isinstance(piece, str))
    size = len(text)
    for start, end in _matches(text, target, None):
        size += fixed - (end - start) + sum(
            end - start if piece is _MATCH else start if piece is _BEFORE else len(text) - end
            for piece in pieces if not isinstance(piece, str))
    return size


def _matches(text: str, target: str, count: int | None) -> Iterator[tuple[int, int]]:
    """Where `gsub` replaces `target` in `text` (an empty target: at every position)."""
    search = found_count = 0
    while count is None or found_count < count:
        found = text.find(target, search)
        if found < 0:
            return
        yield found, found + len(target)
        found_count += 1
        search = found + max(len(target), 1)
        if search > len(text) and not target:
            return


class _Piece:
    """A part of a match's replacement that depends on the match."""


_MATCH, _BEFORE, _AFTER = _Piece(), _Piece(), _Piece()


def _replacement(replacement: str) -> list[str | _Piece]:
    """Ruby's replacement text, read: `\\0` and `\\&` are the match, `\\``/`\\'` the text
    before/after it, `\\\\` a backslash, `\\1`..`\\9` nothing (a text pattern has no
    groups); any other backslash stays."""
    pieces: list[str | _Piece] = []
    index = 0
    while index < len(replacement):
        char = replacement[index]
        code = replacement[index + 1] if char == "\\" and index + 1 < len(replacement) else ""
        index += 2 if code else 1
        if not code:
            pieces.append(char)
        elif code in "0&":
            pieces.append(_MATCH)
        elif code in "`'":
            pieces.append(_BEFORE if code == "`" else _AFTER)
        elif code == "\\":
            pieces.append("\\")
        elif code == "k" and replacement.startswith("<", index):
            raise FilterArgumentError("replace: a text pattern has no named groups", token=None)
        elif not code.isdigit():
            pieces.append(char + code)
    return pieces


def slice_(value: object, offset: object, length: object = None) -> object:
    start = to_integer(offset)
    count = 1 if is_nil(length) else to_integer(length)
    if isinstance(value, (list, tuple)):
        return list(_ruby_slice(value, start, count) or [])
    return _ruby_slice(to_text(value), start, count) or ""


def _ruby_slice(
    sequence: str | list[object] | tuple[object, ...], start: int, count: int
) -> str | list[object] | tuple[object, ...] | None:
    """Ruby's `slice(start, length)`: nil when the start is out of range."""
    size = len(sequence)
    if count < 0:
        return None
    if start < 0:
        start += size
    if start < 0 or start > size:
        return None
    return sequence[start : start + count]


def truncate(value: object, length: object = 50, ellipsis: object = "...") -> str | None:
    if is_nil(value):
        return None
    text, size, end = to_text(value), to_integer(length), to_text(ellipsis)
    if len(text) <= size:
        return text
    return text[: max(size - len(end), 0)] + end


def truncatewords(value: object, words: object = 15, ellipsis: object = "...") -> str | None:
    if is_nil(value):
        return None
    text, count = to_text(value), max(to_integer(words), 1)
    parts = _RUBY_BLANKS.split(text.lstrip(" \t\n\v\f\r"), maxsplit=count)
    if len(parts) <= count:
        return text
    return " ".join(parts[:count]) + to_text(ellipsis)


def split(value: object, separator: object = None) -> list[str]:
    text, sep = to_text(value), to_text(separator)
    if not text:
        return []
    if sep == " ":
        parts = _RUBY_BLANKS.split(text.lstrip(" \t\n\v\f\r"))
    elif sep == "":
        return list(text)
    else:
        parts = text.split(sep)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


#: python-liquid string filters -> how many leading arguments are text (`replace: a, b`).
TEXT_INPUT_FILTERS: dict[str, int] = {
    "append": 1, "prepend": 1, "remove": 1, "remove_first": 1, "capitalize": 0, "downcase": 0,
    "upcase": 0, "strip_html": 0, "strip_newlines": 0, "newline_to_br": 0,
    "url_encode": 0, "url_decode": 0, "base64_encode": 0, "base64_decode": 0,
    "base64_url_safe_encode": 0, "base64_url_safe_decode": 0,
}  # fmt: skip


def ruby_text_input(function: Callable[..., object], text_args: int) -> Callable[..., object]:
    """Wrap a python-liquid string filter so its input and first `text_args` arguments
    arrive as Ruby's `to_s` of the values (a nil input stays nil)."""

    @functools.wraps(function)
    def wrapper(value: object, *args: Any, **kwargs: Any) -> object:
        if not isinstance(value, str) and not is_nil(value):
            value = to_text(value)
        texts = [to_text(argument) for argument in args[:text_args]]
        return function(value, *texts, *args[text_args:], **kwargs)

    return wrapper


FILTERS: dict[str, Callable[..., object]] = {
    "strip": strip,
    "replace": replace,
    "replace_first": replace_first,
    "replace_last": replace_last,
    "remove_last": remove_last,
    "escape": escape,
    "escape_once": escape_once,
    "slice": slice_,
    "split": split,
    "truncate": truncate,
    "truncatewords": truncatewords,
}
