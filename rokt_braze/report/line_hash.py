"""`primaryLocationLineHash`, computed the way GitHub's `upload-sarif` action computes it.

GitHub code scanning tells a moved alert from a new one by this fingerprint. The upload
action fills it in only when it can read the source; an upload through the REST API gets
none, so we compute it ourselves, with the same algorithm, so the value matches the one
the action would have computed (it warns when they differ).

The algorithm (github/codeql-action, `fingerprints.ts`): a polynomial rolling hash, base
37 over 64-bit wrapping integers, of the first 100 characters of each line counted from
the line's start through the rest of the file. Characters are UTF-16 code units; spaces
and tabs are skipped; CR, LF and CRLF all count as one LF. The file ends with a 65535
sentinel followed by zeros. A hash is written as unsigned hexadecimal, then `:n`, its
n-th occurrence in the file, so identical lines stay distinct.
"""

from __future__ import annotations

import sys
from array import array

BLOCK_SIZE = 100
BASE = 37
_MASK = (1 << 64) - 1
#: BASE ** BLOCK_SIZE: the weight of the character leaving the window
_FIRST_MOD = pow(BASE, BLOCK_SIZE, 1 << 64)
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13
_EOF = 65535


def line_hashes(text: str) -> dict[int, str]:
    """1-based line number -> `hash:count` for every line of `text`."""
    units = array("H", text.encode("utf-16-le"))
    if sys.byteorder == "big":  # pragma: no cover - the array holds native-order units
        units.byteswap()
    hasher = _Hasher()
    for unit in units:
        hasher.feed(unit)
    hasher.feed(_EOF)
    for _ in range(BLOCK_SIZE):  # flush the lines still in the window
        hasher.emit_if_due()
        hasher.push(0)
    return hasher.out


class _Hasher:
    def __init__(self) -> None:
        self.window = [0] * BLOCK_SIZE
        #: the line that starts at each window slot, or -1
        self.starts = [-1] * BLOCK_SIZE
        self.value = 0
        self.index = 0
        self.line = 0
        self.at_line_start = True
        self.prev_cr = False
        self.counts: dict[str, int] = {}
        self.out: dict[int, str] = {}

    def feed(self, unit: int) -> None:
        if unit in (_SPACE, _TAB) or (self.prev_cr and unit == _LF):
            self.prev_cr = False
            return
        self.prev_cr = unit == _CR
        if unit == _CR:
            unit = _LF
        self.emit_if_due()
        if self.at_line_start:
            self.at_line_start = False
            self.line += 1
            self.starts[self.index] = self.line
        if unit == _LF:
            self.at_line_start = True
        self.push(unit)

    def emit_if_due(self) -> None:
        """A full window after a line's first character: that line's hash is complete."""
        line = self.starts[self.index]
        if line == -1:
            return
        digest = format(self.value, "x")
        self.counts[digest] = self.counts.get(digest, 0) + 1
        self.out[line] = f"{digest}:{self.counts[digest]}"
        self.starts[self.index] = -1

    def push(self, unit: int) -> None:
        leaving = self.window[self.index]
        self.window[self.index] = unit
        self.value = (BASE * self.value + unit - _FIRST_MOD * leaving) & _MASK
        self.index = (self.index + 1) % BLOCK_SIZE
