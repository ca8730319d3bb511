"""Where the markup is in a field's raw text, without parsing it.

Rules that must work on any text, including fields that do not parse (curly quotes,
placeholder credentials, suppression comments), need to know which parts of the source
are outputs, tags, comments and raw blocks. This scanner answers that; everything that
needs meaning (variables, filters, outputs' values) uses the parsed template instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Kind = Literal["output", "tag", "comment", "raw"]

_NEXT = re.compile(r"\{\{|\{%")
_TAG_NAME = re.compile(r"\{%-?\s*(#|\w+)")


@dataclass(frozen=True)
class Region:
    """`source[start:end]` is one output, tag, comment or raw block (delimiters included).

    `body_start`/`body_end` bound the part that is not a delimiter: a comment's text, a
    tag's markup, a raw block's content.
    """

    kind: Kind
    start: int
    end: int
    body_start: int
    body_end: int


def regions(source: str) -> Iterator[Region]:
    """Every markup region of `source`, in order; text between them is plain text."""
    pos = 0
    while True:
        m = _NEXT.search(source, pos)
        if not m:
            return
        start = m.start()
        if m.group() == "{{":
            close = _output_close(source, start + 2)
            end = len(source) if close < 0 else close + 2
            yield Region("output", start, end, start + 2, max(start + 2, end - 2))
            pos = end
            continue
        close = source.find("%}", start + 2)
        if close < 0:
            return
        name = _TAG_NAME.match(source, start)
        word = name.group(1) if name else ""
        if word == "#":
            assert name is not None
            yield Region("comment", start, close + 2, name.end(), _body_end(source, close))
            pos = close + 2
        elif word in ("comment", "raw"):
            body_end, end = _block_end(source, close + 2, word)
            kind: Kind = "comment" if word == "comment" else "raw"
            yield Region(kind, start, end, close + 2, body_end)
            pos = end
        else:
            body = name.end() if name else start + 2
            yield Region("tag", start, close + 2, body, _body_end(source, close))
            pos = close + 2


def _output_close(source: str, pos: int) -> int:
    """Index of the `}}` closing an output, past `${...}` attributes: in
    `{{${first_name}}}` the attribute's `}` is not the first half of the closing `}}`."""
    while True:
        close = source.find("}}", pos)
        atom = source.find("${", pos, close if close >= 0 else len(source))
        if atom < 0:
            return close
        pos = source.find("}", atom + 2)
        if pos < 0:
            return -1
        pos += 1


def _body_end(source: str, close: int) -> int:
    """Index of the `%}` closing a tag, before any `-` whitespace-control mark."""
    return close - 1 if close > 0 and source[close - 1] == "-" else close


def _block_end(source: str, pos: int, opener: str) -> tuple[int, int]:
    """(start of the closing tag, index past it) for a `comment` or `raw` block."""
    closer = "end" + opener
    pattern = re.compile(r"\{%-?\s*(" + opener + "|" + closer + r")\b[^%]*%\}")
    depth = 1
    for m in pattern.finditer(source, pos):
        if opener == "raw" and m.group(1) == opener:
            continue  # raw blocks do not nest
        depth += 1 if m.group(1) == opener else -1
        if depth == 0:
            return m.start(), m.end()
    return len(source), len(source)


def tag_name(source: str, region: Region) -> str:
    """The tag's name (`assign`, `connected_content`, ...); "" for other regions."""
    if region.kind != "tag":
        return ""
    m = _TAG_NAME.match(source, region.start)
    return m.group(1) if m else ""
