"""Map a character of a YAML scalar's value back to its line and column in the file.

A webhook body usually sits in a block scalar (`body: |`), where YAML strips the
indentation; quoted scalars lose their quotes and escapes. `ScalarMap` aligns the
parsed value with the raw text of the scalar so every position we report is a line and
column in the file the user edits.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

# Double-quoted escapes that stand for one character of the value.
_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}


@dataclass
class LineIndex:
    """1-based (line, column) for offsets into one text."""

    text: str
    _starts: list[int] = field(default_factory=list, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        if not self._starts:
            self._starts = [0] + [i + 1 for i, c in enumerate(self.text) if c == "\n"]
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


@dataclass
class ScalarMap:
    """Value index -> file offset, for one scalar (built lazily: only errors need it)."""

    value: str
    file_text: str
    start: int  # file offset of the scalar's first character (indicator or quote)
    end: int
    style: str | None  # None (plain), "'", '"', "|", ">"
    _offsets: list[int] | None = field(default=None, repr=False)

    def file_offset(self, index: int) -> int:
        if index < 0:
            return self._content_start()
        if self._offsets is None:
            self._offsets = self._align()
        if not self._offsets:
            return self._content_start()
        return self._offsets[min(index, len(self._offsets) - 1)]

    def value_index(self, offset: int) -> int | None:
        """The value index at file `offset` (the inverse of `file_offset`); None when the
        offset is not inside this scalar's value."""
        if self._offsets is None:
            self._offsets = self._align()
        if not self._offsets or offset < self._offsets[0]:
            return None
        if offset > self._offsets[-1]:  # just after the value's last character
            return len(self.value) if offset == self._offsets[-1] + 1 else None
        return bisect.bisect_right(self._offsets, offset) - 1

    def _content_start(self) -> int:
        raw = self.file_text
        if self.style in ("|", ">"):
            newline = raw.find("\n", self.start, self.end)
            pos = self.start if newline < 0 else newline + 1
            while pos < self.end and raw[pos] in " \n":
                pos += 1
            return pos
        return self.start + (1 if self.style in ("'", '"') else 0)

    def _align(self) -> list[int]:
        """Walk value and raw text together; a value char maps to its raw twin."""
        raw = self.file_text
        pos = self._content_start()
        end = self.end
        out: list[int] = []
        for char in self.value:
            if pos >= end:
                out.append(max(end - 1, self.start))
                continue
            if self.style == '"' and raw[pos] == "\\":
                escape = raw[pos + 1 : pos + 2]
                out.append(pos)
                if escape == "\n":  # an escaped line break: skip it and the indentation
                    pos += 2
                    while pos < end and raw[pos] in " \t":
                        pos += 1
                    continue
                pos += _ESCAPE_LENGTH.get(escape, 2)
                continue
            found = raw.find(char, pos, min(end, pos + 240))
            if found < 0:  # folded line break or similar: stay put
                out.append(pos)
                continue
            if self.style == "'" and char == "'":
                found += 1  # '' stands for one quote
            if char == "\n" and found > pos and raw[found - 1] == "\r":
                out.append(found - 1)  # a CRLF line break starts at its CR
                pos = found + 1
                continue
            out.append(found)
            pos = found + 1
        return out
