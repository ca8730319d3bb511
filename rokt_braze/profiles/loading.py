"""Reading profile files: JSON, YAML, JSON Lines, optionally gzipped; `/users/track` bodies.

Formats by extension (`.gz` on top of any): `.json` - one object, an array of objects, or
Braze's `/users/export/ids` answer (`{"message": "success", "users": [...]}`: its users);
`.yaml`/`.yml` - each document one profile, a document that is a list holds many;
`.jsonl`/`.ndjson` - one object per line, blank lines skipped; anything else - JSON when it
starts with `{` or `[`, YAML otherwise. Any record that is a `/users/track` body (`attributes`
/`events` at the top) stands for the users it names, one profile per user.

A folder stands for every profile file under it (`files_under`: the same files `audience`
reads from a folder).

Errors are `ProfileError` (an `InputError`) carrying the file, and `line` and `column` where
known: a syntax error's place, else the offending key of the bad record (in every format), else
the record's start.

Streaming: JSON Lines is read line by line (memory stays flat on a multi-gigabyte export).
`iter_profiles(path, on_error=...)` lets a caller go on past a bad record: the callback gets the
`ProfileError` for that record and the iteration continues with the next one; without a callback
the first bad record raises. A callback keeps the iterator's item type `Profile` (callers that
want every profile need no isinstance checks), and reporting stays with the caller. Problems
with the file as a whole (unreadable, binary, not gzip, empty) always raise.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, cast

import yaml

from rokt_braze.connected import FixtureError, check_fixtures
from rokt_braze.errors import InputError
from rokt_braze.profiles.profile import Profile, RecordError, profile_from_record
from rokt_braze.profiles.track import TrackError, is_track_body, users_from_track
from rokt_braze.profiles.yaml12 import ProfileLoader
from rokt_braze.safe_yaml import MAX_DEPTH, describe

__all__ = ["ProfileError", "files_under", "hidden_name", "iter_profiles", "load_profiles",
           "to_profile"]

OnError = Callable[["ProfileError"], None]
#: (record index, key or "") -> the record's (line, column) in the file, (0, 0) if unknown
Locate = Callable[[int, str], tuple[int, int]]
_SNIFF = 8192
_JSONL = (".jsonl", ".ndjson")
_YAML = (".yaml", ".yml")


class ProfileError(InputError):
    """A profile file problem at `path:line:column` (1-based, 0 = unknown), in `record`
    (1-based, 0 = n/a)."""

    def __init__(self, message: str, *, path: str = "", line: int = 0, column: int = 0,
                 record: int = 0) -> None:  # fmt: skip
        super().__init__(message, path=path, line=line, column=column)
        self.record = record


def load_profiles(path: str | os.PathLike[str], *, unsaved: str | None = None) -> list[Profile]:
    """Every profile in the file, or in the files under the folder; the first problem
    raises `ProfileError`. `unsaved`: the file's text as an editor holds it, read instead
    of the file (named as the file)."""
    if unsaved is None and os.path.isdir(path):
        files = files_under(str(path))
        if not files:
            raise ProfileError("a folder holding no profile files", path=str(path))
        return [p for name, _ in files for p in load_profiles(name)]
    profiles = list(iter_profiles(path, unsaved=unsaved))
    if not profiles:
        raise ProfileError("contains no profiles", path=str(path))
    return profiles


def files_under(path: str) -> list[tuple[str, int]]:
    """(name, size) of the non-empty files at or under `path`, sorted by name, hidden ones,
    `_`-prefixed markers (Spark's `_SUCCESS`) and the templates `check` reads (webhook and
    Liquid files: `check . --profile .`) left out: what a folder of profiles, or of an
    export, stands for."""
    from rokt_braze.discovery import is_template_path

    if os.path.isfile(path):
        size = os.path.getsize(path)
        return [(path, size)] if size else []
    out = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not hidden_name(d))
        for name in sorted(files):
            full = os.path.join(root, name)
            if not hidden_name(name) and not is_template_path(name) and os.path.isfile(full) \
                    and os.path.getsize(full):
                out.append((full, os.path.getsize(full)))
    return out


def hidden_name(name: str) -> bool:
    """A file or folder a listing of profiles or an export skips (see `files_under`)."""
    return name.startswith((".", "_"))


def iter_profiles(
    path: str | os.PathLike[str], *, on_error: OnError | None = None,
    unsaved: str | None = None,
) -> Iterator[Profile]:
    """Yield the file's profiles one by one (JSON Lines is streamed; see the module doc)."""
    file = Path(path)
    source = str(path)
    ext, gz = _extension(file)
    stem = file.name[: len(file.name) - len(ext) - (3 if gz else 0)] or file.name
    if ext in _JSONL:
        yield from _iter_jsonl(file, source, stem, gz, on_error, unsaved)
        return
    text = _read_text(file, source, gz, unsaved)
    kind = "yaml" if ext in _YAML else "json" if ext == ".json" else _sniff(text)
    records, locate = _parse_yaml(text, source) if kind == "yaml" else _parse_json(text, source)
    if not records:
        raise ProfileError("contains no profiles", path=source)
    users: list[tuple[int, Any, list[dict[str, Any]]]] = []
    for index, record in enumerate(records):
        try:
            users.extend((index, user, extra) for user, extra in _expand(record))
        except (RecordError, TrackError) as err:
            _report(err, source, index, len(records), locate, on_error)
    for n, (index, user, extra) in enumerate(users, 1):
        fallback = stem if len(users) == 1 else f"{stem}#{n}"
        try:
            if kind == "json" and not isinstance(user, dict):  # as JSON Lines and audience say
                raise RecordError(not_an_object(user))
            yield profile_from_record(user, fallback_name=fallback, source=source, fixtures=extra)
        except RecordError as err:
            _report(err, source, index, len(records), locate, on_error)


def to_profile(obj: Profile | Mapping[str, Any] | str | os.PathLike[str] | None) -> Profile:
    """What the public API accepts as a profile: a Profile, None (empty), a mapping, a path."""
    if isinstance(obj, Profile):
        return obj
    if obj is None:
        return Profile(name="empty", data={})
    if isinstance(obj, Mapping):
        try:
            found = [
                profile_from_record(user, fallback_name="profile", fixtures=extra)
                for user, extra in _expand(obj)
            ]
        except (RecordError, TrackError) as err:
            raise InputError(f"bad profile: {err}") from None
        if len(found) != 1:
            raise InputError(f"the /users/track body names {len(found)} users; give one")
        return found[0]
    if isinstance(obj, (str, os.PathLike)):
        profiles = load_profiles(obj)
        if len(profiles) != 1:
            raise InputError(
                f"holds {len(profiles)} profiles where one is expected", path=str(obj)
            )
        return profiles[0]
    raise TypeError(f"a profile is a mapping, a path or a Profile, not {type(obj).__name__}")


# -- records ----------------------------------------------------------------------------------


def _expand(record: object) -> list[tuple[object, list[dict[str, Any]]]]:
    """A record -> (export-shaped user, file-level fixtures) pairs."""
    if not is_track_body(record):
        return [(record, [])]
    assert isinstance(record, Mapping)
    try:
        fixtures = check_fixtures(record.get("connected_content"))
    except FixtureError as err:
        raise RecordError(str(err), key="connected_content") from None
    return [(user, fixtures) for user in users_from_track(record)]


def _report(
    err: RecordError | TrackError,
    source: str,
    index: int,
    total: int,
    locate: Locate,
    on_error: OnError | None,
) -> None:
    key = err.key if isinstance(err, RecordError) else ""
    prefix = f"record {index + 1}: " if total > 1 else ""
    if isinstance(err, TrackError):
        prefix += "/users/track body: "
    line, column = locate(index, key)
    error = ProfileError(prefix + str(err), path=source, line=line, column=column,
                         record=index + 1)  # fmt: skip
    if on_error is None:
        raise error from None
    on_error(error)


# -- reading ----------------------------------------------------------------------------------


def _extension(file: Path) -> tuple[str, bool]:
    suffixes = [s.lower() for s in file.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes.pop()
    return (suffixes[-1] if suffixes else ""), gz


def _open(file: Path, source: str, gz: bool, unsaved: str | None = None) -> IO[bytes]:
    """The file's bytes (decompressed); an editor's unsaved text instead when given."""
    if unsaved is not None:
        return io.BytesIO(unsaved.encode("utf-8", "surrogatepass"))
    try:
        return cast(IO[bytes], gzip.open(file, "rb") if gz else file.open("rb"))
    except OSError as err:
        raise ProfileError(f"cannot read: {err.strerror or err}", path=source) from None


def _head(file: Path, source: str, gz: bool, unsaved: str | None) -> bytes:
    """The first bytes, to turn away binary files before parsing them."""
    with _open(file, source, gz, unsaved) as fh:
        try:
            head = fh.read(_SNIFF)
        except (OSError, EOFError, zlib.error) as err:
            raise ProfileError(f"not a readable gzip file ({err})", path=source) from None
    if b"\x00" in head:
        raise ProfileError("binary file, not a profile (JSON, JSON Lines or YAML; `rokt-braze "
                           "audience` reads zip and Parquet exports)", path=source)
    return head


def _read_text(file: Path, source: str, gz: bool, unsaved: str | None) -> str:
    _head(file, source, gz, unsaved)
    with _open(file, source, gz, unsaved) as fh:
        try:
            raw = fh.read()
        except (OSError, EOFError, zlib.error) as err:
            raise ProfileError(f"not a readable gzip file ({err})", path=source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ProfileError("not UTF-8 text", path=source, line=line) from None
    if not text.strip():
        raise ProfileError("empty file", path=source)
    return text


def _sniff(text: str) -> str:
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


# -- JSON -------------------------------------------------------------------------------------


def _parse_json(text: str, source: str) -> tuple[list[Any], Locate]:
    try:
        top = json.loads(text)
    except json.JSONDecodeError as err:
        hint = " (several JSON values: name the file .jsonl for JSON Lines)" if (
            err.msg == "Extra data"
        ) else ""
        raise ProfileError(f"invalid JSON: {err.msg}{hint}", path=source, line=err.lineno,
                           column=err.colno) from None  # fmt: skip
    except RecursionError:
        raise ProfileError(f"invalid JSON: nested deeper than {MAX_DEPTH} levels",
                           path=source) from None
    envelope = _envelope_users(top)
    records = top if isinstance(top, list) else envelope if envelope is not None else [top]
    starts: list[int] = []  # of the records, found at the first error

    def locate(index: int, key: str) -> tuple[int, int]:
        if not starts:
            first = _first_char(text)
            if envelope is not None:  # the users array: the value after the "users" key
                first = json_key_at(text, first, "users")
                first = _space_end(text, _space_end(text, json.JSONDecoder().raw_decode(
                    text, first)[1]) + 1)
            starts.extend([at for _, at in json_members(text, first)]
                          if isinstance(top, list) or envelope is not None else [first])
        if index >= len(starts):
            return 0, 0
        start = json_key_at(text, starts[index], key)
        return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1

    return records, locate


def _envelope_users(top: object) -> list[Any] | None:
    """The users of Braze's `/users/export/ids` answer, as `audience` recognises it when
    it streams the file: an object whose members before `"users"` are scalars
    (`{"message": "success", "users": [...]}`), `"users"` an array. None for anything else,
    a profile with a `users` attribute of its own among them."""
    if not isinstance(top, dict):
        return None
    for key, value in top.items():
        if key == "users":
            return value if isinstance(value, list) else None
        if isinstance(value, (dict, list)):
            return None
    return None


def _first_char(text: str) -> int:
    return _space_end(text, 0)


def _space_end(text: str, pos: int) -> int:
    """Where the JSON whitespace at `pos` ends."""
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def json_key_at(text: str, start: int, key: str) -> int:
    """Where `key` of the JSON object at `text[start]` is (the last of duplicates, the one a
    decoder keeps), else `start` (not an object, no such key, or `key` empty)."""
    if not key or text[start] != "{":
        return start
    return max((at for name, at in json_members(text, start) if name == key), default=start)


def json_members(text: str, start: int) -> Iterator[tuple[str | None, int]]:
    """Where the parts of the valid JSON array or object at `text[start]` begin: (None,
    offset) of each element of an array, (key, offset of the key) of each member of an
    object. For putting an error at its place: it decodes again what it passes over."""
    decoder = json.JSONDecoder()
    is_object = text[start] == "{"
    pos = _space_end(text, start + 1)
    while text[pos] not in "]}":
        if is_object:
            key, end = decoder.raw_decode(text, pos)
            yield key, pos
            pos = _space_end(text, _space_end(text, end) + 1)  # past ":"
        else:
            yield None, pos
        pos = _space_end(text, decoder.raw_decode(text, pos)[1])
        if text[pos] == ",":
            pos = _space_end(text, pos + 1)


# -- YAML -------------------------------------------------------------------------------------


def _parse_yaml(text: str, source: str) -> tuple[list[Any], Locate]:
    try:
        documents = list(yaml.load_all(text, Loader=ProfileLoader))
    except yaml.YAMLError as err:
        reason, line, column = describe(err, text)
        raise ProfileError(f"invalid YAML: {reason}", path=source, line=line,
                           column=column) from None  # fmt: skip
    records: list[Any] = []
    for document in documents:
        if isinstance(document, list):
            records.extend(document)
        elif document is not None:
            records.append(document)

    nodes: list[yaml.Node] = []  # of the records, composed at the first error

    def locate(index: int, key: str) -> tuple[int, int]:
        if not nodes:
            nodes.extend(_yaml_record_nodes(text))
        if index >= len(nodes):
            return 0, 0
        node = nodes[index]
        if key and isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if getattr(key_node, "value", None) == key:
                    node = key_node
                    break
        return int(node.start_mark.line) + 1, int(node.start_mark.column) + 1

    return records, locate


def _yaml_record_nodes(text: str) -> list[yaml.Node]:
    """The record nodes in the order `_parse_yaml` reads records (error path only)."""
    nodes: list[yaml.Node] = []
    for document in yaml.compose_all(text, Loader=ProfileLoader):
        if isinstance(document, yaml.SequenceNode):
            nodes.extend(document.value)
        elif document is not None and document.tag != "tag:yaml.org,2002:null":
            nodes.append(document)
    return nodes


# -- JSON Lines -------------------------------------------------------------------------------


def _iter_jsonl(
    file: Path, source: str, stem: str, gz: bool, on_error: OnError | None,
    unsaved: str | None = None,
) -> Iterator[Profile]:
    _head(file, source, gz, unsaved)
    seen_record = False
    n = 0
    with _open(file, source, gz, unsaved) as fh:
        for line_no, raw in _numbered_lines(fh, source):
            try:
                decoded = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError:
                _line_error("not UTF-8 text", source, line_no, on_error)
                continue
            text = decoded.strip()
            if not text:
                continue
            seen_record = True
            indent = len(decoded) - len(decoded.lstrip())
            try:
                record = json.loads(text)
            except json.JSONDecodeError as err:
                _line_error(f"invalid JSON: {err.msg}", source, line_no, on_error,
                            column=indent + err.colno)
                continue
            except RecursionError:
                _line_error(f"invalid JSON: nested deeper than {MAX_DEPTH} levels", source,
                            line_no, on_error)
                continue
            if not isinstance(record, dict):
                _line_error(not_an_object(record), source, line_no,
                            on_error, column=indent + 1)
                continue
            try:
                for user, extra in _expand(record):
                    n += 1
                    yield profile_from_record(
                        user, fallback_name=f"{stem}#{n}", source=source, fixtures=extra
                    )
            except (RecordError, TrackError) as err:
                key = err.key if isinstance(err, RecordError) else ""
                _line_error(str(err), source, line_no, on_error,
                            column=json_key_at(decoded, indent, key) + 1)
    if not seen_record:
        raise ProfileError("empty file", path=source)


def _numbered_lines(fh: IO[bytes], source: str) -> Iterator[tuple[int, bytes]]:
    line_no = 0
    try:
        for raw in fh:
            line_no += 1
            yield line_no, raw
    except (OSError, EOFError, zlib.error) as err:
        raise ProfileError(
            f"unreadable after line {line_no} ({err})", path=source, line=line_no + 1
        ) from None


def _line_error(message: str, source: str, line: int, on_error: OnError | None,
                column: int = 0) -> None:  # fmt: skip
    error = ProfileError(message, path=source, line=line, column=column)
    if on_error is None:
        raise error
    on_error(error)


def not_an_object(value: object) -> str:
    """Why a JSON record that is not an object is no profile, in JSON's own terms."""
    kinds = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    kind = "null" if value is None else kinds.get(type(value), type(value).__name__)
    return f"not a JSON object (got {kind})"
