"""Where each character of rendered output came from.

A finding about the rendered body ("timezone is not a Windows id") is only useful if it
points at the template line that produced the value. Output and content nodes mark the
buffer with their source index before writing; `capture` keeps those marks on the
string it stores (`TracedStr`), so a captured value written later still points at the
capture's text.

A mark is `(output offset, source index, verbatim)`: in a verbatim run (literal text)
each output character maps to its own source character; otherwise the whole run maps
to the start of the statement that wrote it.
"""

from __future__ import annotations

import bisect
from io import StringIO

Mark = tuple[int, int, bool]


class TracedStr(str):
    """A `str` that remembers where its runs came from."""

    marks: list[Mark]

    def __new__(cls, text: str, marks: list[Mark]) -> TracedStr:
        obj = super().__new__(cls, text)
        obj.marks = marks
        return obj


class OriginBuffer(StringIO):
    """A StringIO that records marks as statements write to it.

    Plain `write` is StringIO's own (no Python frame per write); a statement's offset is
    read with `tell()` when it marks, which keeps the Braze layer cheap at render time.
    """

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[Mark] = []

    def write_from(self, text: str, index: int, *, verbatim: bool = False) -> int:
        """Write `text` produced by the statement at source `index`.

        Marks are appended, never merged: of several marks at one offset (empty writes)
        `source_index_at` takes the last, as it should.
        """
        base = self.tell()
        self.marks.append((base, index, verbatim))
        inner = getattr(text, "marks", None)
        if inner:
            size = len(text)
            self.marks += [(base + offset, at, v) for offset, at, v in inner if offset < size]
        return self.write(text)

    def traced_value(self) -> TracedStr:
        return TracedStr(self.getvalue(), list(self.marks))


def source_index_at(marks: list[Mark], offset: int) -> int:
    """The source index that produced output `offset`, or -1 if unknown."""
    i = bisect.bisect_right(marks, (offset, float("inf"), True)) - 1
    if i < 0:
        return -1
    start, index, verbatim = marks[i]
    return index + (offset - start) if verbatim else index
