"""Reading one stream of a Braze user export as chunks for the checker.

Two forms, optionally gzipped (told by the gzip magic bytes, whatever the name):

* **JSON Lines** - one user object per line (Braze's segment export). Chunks are blocks of
  whole lines, about a megabyte each, passed on undecoded: parsing, like rendering, happens
  in the checker. `range_chunks` reads just the lines that start inside a byte range of a
  plain file, so several workers can share one large file.
* **a JSON array** of user objects, or the `/users/export/ids` answer
  `{"message": "success", "users": [...]}` (its other members are not read).
  It is decoded element by element (`JSONDecoder.raw_decode` over a sliding buffer), so
  memory stays flat however long the array; a syntax error ends the read, as nothing after
  it can be trusted.

Problems with the stream as a whole (unreadable, binary, not gzip, empty, a pretty-printed
JSON object, not JSON at all) raise `ProfileError` with what to do; problems with one record
are the caller's to report, with the line number (and, in an array, the column: an array's
elements may share a line).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from rokt_braze.profiles import ProfileError

__all__ = ["Chunk", "ExportReader", "count_range_lines", "range_chunks"]

CHUNK_BYTES = 1 << 20
ARRAY_CHUNK_RECORDS = 500
#: An array element still incomplete after this many characters is taken as malformed.
MAX_RECORD_CHARS = 16 << 20
_GZIP_MAGIC = b"\x1f\x8b"
#: The `/users/export/ids` answer up to its users array: Braze writes `"message"` first
#: (`{"message": "success", "users": [...]}`), so scalar members may come before it.
_ENVELOPE = re.compile(r'\s*\{(?:\s*"(?:[^"\\]|\\.)*"\s*:\s*(?:"(?:[^"\\]|\\.)*"|[-\w.+]+)\s*,)*'
                       r'\s*"users"\s*:\s*\[')
_WS = re.compile(r"\s*")
#: How a JSON text may start (a JSON Lines file whose first line is broken still reads).
_JSON_START = re.compile(rb'[{\["]|-?[0-9]|true|false|null')
_PRETTY = ("a JSON object spread over several lines (pretty-printed JSON), not JSON Lines: "
           "put one user per line (e.g. `jq -c . FILE`) or pass a JSON array of users")
_NOT_AN_EXPORT = ("not a user export: expected JSON Lines, a JSON array, gzip, a Braze "
                  "segment-export zip or Parquet (YAML profiles are for `rokt-braze check "
                  "--profile`)")


@dataclass
class Chunk:
    """Consecutive input: whole JSON Lines (`data`), or decoded array elements (`records`)."""

    first_line: int
    data: bytes = b""
    #: the file, or `archive.zip!member`, the lines are in (names users without an id)
    source: str = ""
    #: (line, column, its JSON text, element) of each array element: the text is kept to
    #: place a problem with the element at its key (Parquet rows: (row, 0, "", row))
    records: list[tuple[int, int, str, object]] = field(default_factory=list)
    #: (line, column or 0, message) for input the reader could not turn into a record
    errors: list[tuple[int, int, str]] = field(default_factory=list)

    def last_line(self) -> int:
        if self.records:
            return self.records[-1][0]
        lines = self.data.count(b"\n") + (0 if self.data.endswith(b"\n") else 1)
        return self.first_line + max(lines - 1, 0)


class ExportReader:
    """Opens an export, checks it is one, and yields `Chunk`s (`chunks()`).

    `stream`: read it (from its current position) instead of opening `path`, which then
    only names it; it is closed with the reader.
    """

    def __init__(self, path: str | os.PathLike[str], stream: IO[bytes] | None = None) -> None:
        self.path = os.fspath(path)
        if stream is None:
            try:
                stream = open(self.path, "rb")  # noqa: SIM115 - closed in close()
            except OSError as err:
                raise ProfileError(f"cannot read: {err.strerror or err}",
                                   path=self.path) from None
        self._raw: IO[bytes] = stream
        self.size = _size(stream)
        magic = self._raw.read(2)
        self.gzipped = magic == _GZIP_MAGIC
        if self.gzipped or magic:
            self._raw.seek(-len(magic), os.SEEK_CUR)
        self._stream: IO[bytes] = (
            gzip.GzipFile(fileobj=self._raw, mode="rb")  # type: ignore[assignment]
            if self.gzipped else self._raw
        )
        self._head = self._read(8192)
        if b"\x00" in self._head:
            self.close()
            raise ProfileError("binary file, not a user export (JSON Lines or a JSON array)",
                               path=self.path)
        start = self._head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not start:
            self.close()
            raise ProfileError("empty file", path=self.path)
        self.is_array = start[:1] == b"[" or bool(
            _ENVELOPE.match(start.decode("utf-8", "replace"))
        )
        if not self.is_array:
            self._check_json_lines(start)
        #: set when an array could not be read to its end: (line, column, message)
        self.stopped: tuple[int, int, str] | None = None

    def _check_json_lines(self, start: bytes) -> None:
        """Refuse, with what to do, what is plainly not JSON Lines."""
        first, newline, rest = start.partition(b"\n")
        if not newline:
            return  # one long first line: judged line by line
        try:
            json.loads(first)
            return
        except ValueError:
            pass
        if start[:1] == b"{":
            text = start.decode("utf-8", "replace")
            try:
                end = json.JSONDecoder().raw_decode(text)[1]
            except json.JSONDecodeError as err:
                end = err.pos
            if end > len(first) and rest.strip():  # the object goes on past its first line
                self.close()
                raise ProfileError(_PRETTY, path=self.path)
        if not _JSON_START.match(start):
            self.close()
            raise ProfileError(_NOT_AN_EXPORT, path=self.path)

    def __enter__(self) -> ExportReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._raw.close()

    def position(self) -> int:
        """Bytes of the file (as stored, compressed or not) read so far."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return self.size

    def _read(self, size: int, line: int = 0) -> bytes:
        try:
            return self._stream.read(size)
        except (OSError, EOFError, zlib.error) as err:
            where = f"unreadable after line {line}" if line else "not a readable gzip file"
            raise ProfileError(f"{where} ({err})", path=self.path) from None

    def _blocks(self) -> Iterator[bytes]:
        head, self._head = self._head, b""
        if head:
            yield head
        while block := self._read(CHUNK_BYTES):
            yield block

    def chunks(self) -> Iterator[Chunk]:
        return self._array_chunks() if self.is_array else self._line_chunks()

    # -- JSON Lines -----------------------------------------------------------------------

    def _line_chunks(self) -> Iterator[Chunk]:
        line = 1
        pending = b""
        for block in self._blocks():
            pending += block
            if len(pending) < CHUNK_BYTES:
                continue
            cut = pending.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a chunk: read on to its end
                continue
            chunk, pending = pending[:cut], pending[cut:]
            yield Chunk(line, chunk, self.path)
            line += chunk.count(b"\n")
        if pending:
            yield Chunk(line, pending, self.path)

    # -- JSON array -----------------------------------------------------------------------

    def _array_chunks(self) -> Iterator[Chunk]:
        decode = codecs.getincrementaldecoder("utf-8-sig")("strict").decode
        decoder = json.JSONDecoder()
        blocks = self._blocks()
        text = ""
        pos = 0  # where the next token starts in `text`
        line = 1  # line number at `pos`
        counted = 0  # `line` counts newlines in text[:counted]
        line_start = 0  # where line `line` starts in `text` (below 0: before the buffer)
        eof = False
        chunk = Chunk(1, source=self.path)

        def more() -> bool:
            nonlocal text, pos, counted, line_start, eof
            if eof:
                return False
            block = next(blocks, None)
            try:
                added = decode(block or b"", final=block is None)
            except UnicodeDecodeError:
                raise ProfileError(f"not UTF-8 text (after line {line})",
                                   path=self.path) from None
            eof = block is None
            text = text[pos:] + added
            counted -= pos
            line_start -= pos
            pos = 0
            return True

        def skip_ws() -> None:
            nonlocal pos
            while True:
                match = _WS.match(text, pos)
                assert match is not None
                pos = match.end()
                if pos < len(text) or not more():
                    return

        def advance(to: int) -> None:
            nonlocal pos, line, counted, line_start
            newline = text.rfind("\n", counted, to)
            if newline >= 0:
                line += text.count("\n", counted, to)
                line_start = newline + 1
            counted = pos = to

        def place(at: int) -> tuple[int, int]:
            """(line, column) of `text[at]`, at or after `counted`."""
            newline = text.rfind("\n", counted, at)
            if newline < 0:
                return line, at - line_start + 1
            return line + text.count("\n", counted, at), at - newline

        more()
        envelope = _ENVELOPE.match(text)
        skip_ws()
        advance(envelope.end() if envelope else pos + 1)  # past "["
        first = True
        while True:
            skip_ws()
            advance(pos)
            if pos >= len(text):
                self.stopped = (*place(pos), "the array is not closed: ']' expected")
                break
            if text[pos] == "]":
                advance(pos + 1)
                skip_ws()
                advance(pos)
                if not envelope and pos < len(text):
                    self.stopped = (*place(pos), "extra data after the array")
                break
            if not first:
                if text[pos] != ",":
                    self.stopped = (*place(pos), f"',' or ']' expected, found {text[pos]!r}")
                    break
                advance(pos + 1)
                skip_ws()
                advance(pos)
            first = False
            while True:
                try:
                    value, end = decoder.raw_decode(text, pos)
                    break
                except json.JSONDecodeError as err:
                    if len(text) - pos < MAX_RECORD_CHARS and more():
                        continue
                    self.stopped = (*place(err.pos), f"invalid JSON: {err.msg}")
                    value = None
                    break
            if self.stopped:
                break
            chunk.records.append((*place(pos), text[pos:end], value))
            advance(end)
            if len(chunk.records) >= ARRAY_CHUNK_RECORDS:
                yield chunk
                chunk = Chunk(line, source=self.path)
        if self.stopped:
            chunk.errors.append(self.stopped)
        if chunk.records or chunk.errors:
            yield chunk


def _size(stream: IO[bytes]) -> int:
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        size = getattr(stream, "size", 0)
        return size if isinstance(size, int) else 0


# -- a byte range of a plain JSON Lines file --------------------------------------------------


def _range_blocks(raw: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    """The bytes of the lines that start in [start, end): a line belongs to the range
    holding its first byte, so neighbouring ranges neither miss nor repeat one."""
    raw.seek(max(start - 1, 0))
    if start > 0:  # skip the line that started before us (or just its newline)
        skipped = 0
        while True:
            block = raw.readline(CHUNK_BYTES)
            skipped += len(block)
            if not block or block.endswith(b"\n"):
                break
        start = start - 1 + skipped
    pos = start
    while pos < end:
        block = raw.read(min(CHUNK_BYTES, end - pos))
        if not block:
            return
        pos += len(block)
        if pos >= end and not block.endswith(b"\n"):
            block += raw.readline()  # finish the last line we own
        yield block


def range_chunks(raw: IO[bytes], start: int, end: int, first_line: int,
                 source: str) -> Iterator[Chunk]:
    """Chunks of whole lines for a byte range; `first_line`: the number of its first line."""
    line = first_line
    pending = b""
    for block in _range_blocks(raw, start, end):
        pending += block
        if len(pending) < CHUNK_BYTES:
            continue
        cut = pending.rfind(b"\n") + 1
        if cut == 0:
            continue
        chunk, pending = pending[:cut], pending[cut:]
        yield Chunk(line, chunk, source)
        line += chunk.count(b"\n")
    if pending:
        yield Chunk(line, pending, source)


def count_range_lines(raw: IO[bytes], start: int, end: int) -> int:
    """How many lines start in [start, end) (what `range_chunks` of it would number)."""
    lines = 0
    last = b"\n"
    for block in _range_blocks(raw, start, end):
        lines += block.count(b"\n")
        last = block[-1:]
    return lines + (last != b"\n")
