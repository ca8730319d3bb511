"""The file formats an export comes in, told apart by their content (magic bytes).

One registry line per format: its magic bytes, the names that claim it, and a reader. A
reader turns a whole file into chunks, but only every `parts`-th unit of work from the
`part`-th on (zip members, Parquet row groups, chunks of a gzip stream), so that several
workers can share one file without agreeing on anything but (part, parts).

* **gzip** - JSON Lines or a JSON array, compressed (Braze's `output_format: gzip`);
* **zip** - a Braze segment-export zip: every member is read, each JSON Lines (or an array,
  or gzip); reports name a member `archive.zip!member`;
* **parquet** - one row per user, columns are export keys (`CUSTOM_ATTRIBUTES` from a
  Snowflake unload reads as `custom_attributes`). A text value in a column that holds an
  object or list in an export (an unloaded VARIANT) is parsed as JSON here, from text: a
  columnar JSON reader would type the values itself and hide the very type errors this tool
  is for. A file with one text column holds whole user objects;
* anything else is read as text: JSON Lines or a JSON array (`source.ExportReader`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from rokt_braze.audience.source import ARRAY_CHUNK_RECORDS, Chunk, ExportReader
from rokt_braze.audience.storage import missing_extra
from rokt_braze.profiles import ProfileError

__all__ = ["FORMATS", "Format", "sniff"]

Reader = Callable[[IO[bytes], str, int, int], Iterator[Chunk]]

#: Export keys whose value is an object or a list: a text value there is JSON to parse.
JSON_COLUMNS = frozenset({
    "custom_attributes", "custom_events", "purchases", "devices", "push_tokens", "apps",
    "user_aliases", "campaigns_received", "canvases_received", "cards_clicked",
    "last_coordinates", "event_properties", "canvas_entry_properties", "context",
    "api_trigger_properties", "connected_content", "attributes", "events",
})


#: a zip's first record, or the end record of an empty one
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_PARQUET = (b"PAR1",)


@dataclass(frozen=True)
class Format:
    name: str
    magic: tuple[bytes, ...]
    suffixes: tuple[str, ...]
    read: Reader


def _strided(items: Iterator[Chunk], part: int, parts: int) -> Iterator[Chunk]:
    for number, chunk in enumerate(items):
        if number % parts == part:
            yield chunk


def read_text(raw: IO[bytes], name: str, part: int, parts: int) -> Iterator[Chunk]:
    """JSON Lines or a JSON array, plain or gzipped (every part reads the whole stream and
    keeps its share of the chunks: decoding is cheap next to rendering)."""
    with ExportReader(name, stream=raw) as reader:
        yield from _strided(reader.chunks(), part, parts)


def read_zip(raw: IO[bytes], name: str, part: int, parts: int) -> Iterator[Chunk]:
    try:
        archive = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError) as err:
        raise ProfileError(f"not a readable zip file ({err})", path=name) from None
    with archive:
        members = sorted((m for m in archive.infolist() if not m.is_dir()),
                         key=lambda m: m.filename)
        if not members:
            raise ProfileError("an empty zip file", path=name)
        for number, member in enumerate(members):
            if number % parts != part:
                continue
            where = f"{name}!{member.filename}"
            try:
                stream = archive.open(member)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as err:
                raise ProfileError(f"cannot read this member ({err})", path=where) from None
            if stream.read(4).startswith((*_ZIP, *_PARQUET)):
                raise ProfileError("a zip or Parquet file inside a zip: unpack it first",
                                   path=where)
            stream.seek(0)
            yield from read_text(stream, where, 0, 1)


def read_parquet(raw: IO[bytes], name: str, part: int, parts: int) -> Iterator[Chunk]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise missing_extra(f"{name}: reading Parquet") from None
    try:
        table = pq.ParquetFile(raw)
    except Exception as err:  # pyarrow raises its own ArrowInvalid, OSError...
        raise ProfileError(f"not a readable Parquet file ({err})", path=name) from None
    meta = table.metadata
    columns = [column.lower() for column in table.schema_arrow.names]
    whole = len(columns) == 1  # then a text cell that holds an object is the whole user
    row = 1  # the first row of `group`, counted from 1 like lines
    for group in range(meta.num_row_groups):
        if group % parts == part:
            at = row
            try:
                for batch in table.iter_batches(batch_size=ARRAY_CHUNK_RECORDS,
                                                row_groups=[group], use_threads=False):
                    yield _parquet_chunk(batch.to_pylist(), columns, whole, at, name)
                    at += batch.num_rows
            except ProfileError:
                raise
            except Exception as err:  # pyarrow's own errors
                raise ProfileError(f"unreadable Parquet at row {at} ({err})",
                                   path=name) from None
        row += meta.row_group(group).num_rows


def _parquet_chunk(rows: list[dict[str, Any]], columns: list[str], whole: bool, first: int,
                   name: str) -> Chunk:
    chunk = Chunk(first, source=name)
    for number, values in enumerate(rows, first):
        try:
            cell = next(iter(values.values()), None)
            if whole and isinstance(cell, str) and cell.lstrip()[:1] == "{":
                record = json.loads(cell)
            else:
                record = {key: _cell(key, value)
                          for key, value in zip(columns, values.values(), strict=True)}
        except ValueError as err:
            chunk.errors.append((number, 0, f"invalid JSON: {err}"))
            continue
        except RecursionError:
            chunk.errors.append((number, 0, "invalid JSON: nested too deeply"))
            continue
        chunk.records.append((number, 0, "", record))
    return chunk


def _cell(key: str, value: object) -> object:
    if isinstance(value, str) and key in JSON_COLUMNS and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError as err:
            raise ValueError(f"{key}: {err.msg} at column {err.colno}") from None
    return _plain(value)


def _plain(value: object) -> object:
    """A Parquet value as the JSON an export would hold."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


FORMATS: tuple[Format, ...] = (
    Format("gzip", (b"\x1f\x8b",), (".gz", ".gzip"), read_text),
    Format("zip", _ZIP, (".zip",), read_zip),
    Format("parquet", _PARQUET, (".parquet", ".pq"), read_parquet),
)
TEXT = Format("text", (b"",), (".jsonl", ".ndjson", ".json"), read_text)


def sniff(head: bytes, name: str) -> Format:
    """The format of a file starting with `head`; a name that claims another is an error."""
    found = next((f for f in FORMATS if head.startswith(f.magic)), TEXT)
    lowered = name.lower()
    claimed = next((f for f in FORMATS if lowered.endswith(f.suffixes)), None)
    if claimed is not None and claimed is not found:
        raise ProfileError(f"named {claimed.suffixes[0]} but not {claimed.name} data: "
                           f"rename it or re-export it as {claimed.name}", path=name)
    return found
