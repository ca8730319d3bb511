"""Standard string filters where python-liquid and Ruby Liquid (what Braze runs) differ.

* `escape` writes `'` as `&#39;` (Ruby's `CGI.escapeHTML`), not `&#x27;`; nil stays nil.
* `escape_once` escapes `"`, `<`, `>`, `'` and any `&` that does not start an entity
  (`&name;` or `&#123;`), leaving entities as they are.
* `split` is Ruby's `String#split`: a single space splits on runs of blanks and ignores
  leading ones; an empty separator splits into characters; trailing empty strings are
  dropped (`'a,b,,' | split: ','` has two items); empty input gives an empty array.

Inputs and arguments that are not strings are read with Ruby's `to_s` (`true`, `2.0`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rokt_braze.braze.filters._text import is_nil, to_text

_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_ESCAPE = re.compile(r"[&<>\"']")
_ESCAPE_ONCE = re.compile(r"[\"><']|&(?!(?:[a-zA-Z]+|#\d+);)")
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


FILTERS: dict[str, Callable[..., object]] = {
    "escape": escape,
    "escape_once": escape_once,
    "split": split,
}
