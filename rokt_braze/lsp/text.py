"""Positions between the pipeline (1-based lines and columns in code points) and LSP
(0-based lines, columns in the client's code units: UTF-16 unless negotiated)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition

#: What a finding's range covers after its column when it is not in Liquid markup: the
#: word or value that starts there.
_WORD = re.compile(r"[^\s\"',;]+")


@dataclass
class Text:
    """One document's text with its line starts, in the client's position units."""

    source: str
    codec: PositionCodec = field(default_factory=PositionCodec)
    _starts: list[int] = field(default_factory=list, repr=False)
    _lines: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        self._lines = self.source.split("\n")

    def line(self, line: int) -> str:
        """0-based line `line` without its line break ("" past the end)."""
        return self._lines[line] if 0 <= line < len(self._lines) else ""

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of a 1-based (line, column); (0, 0) for "no position"."""
        if line <= 0:
            return types.Position(line=0, character=0)
        line = min(line, len(self._lines))
        column = min(max(column, 1), len(self.line(line - 1)) + 1)
        return self.codec.position_to_client_units(
            self._lines, ServerTextPosition(line - 1, column - 1))

    def offset(self, position: types.Position) -> int:
        """The code-point offset into the source of an LSP position."""
        server = self.codec.position_from_client_units(self._lines, position)
        line = min(server.line, len(self._starts) - 1)
        return min(self._starts[line] + server.character, len(self.source))

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(line, column),
                           end=self.position(end_line, end_column))

    def span(self, line: int, column: int) -> types.Range:
        """The range a finding at (line, column) underlines: the Liquid output or tag it is
        in when that closes on the same line, else the word that starts there."""
        if line <= 0:
            return self.range(1, 1, 1, 1)
        text = self.line(line - 1)
        at = min(max(column - 1, 0), len(text))
        opened = max(text.rfind("{{", 0, at + 1), text.rfind("{%", 0, at + 1))
        if opened >= 0:
            closer = "}}" if text.startswith("{{", opened) else "%}"
            closed_before = text.find(closer, opened, at)
            end = text.find(closer, at)
            if closed_before < 0 and end >= 0:
                return self.range(line, column, line, end + 3)
        word = _WORD.match(text, at)
        end = word.end() if word and word.end() > at else min(at + 1, len(text))
        return self.range(line, column, line, end + 1)
