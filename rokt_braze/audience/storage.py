"""Where an export lives: local files, folders and globs, or object storage through fsspec.

`find_files(specs)` turns what the user typed into a sorted list of `ExportFile`s (name and
size only: nothing is read here). `open_file(url)` opens one for reading, in whichever
process reads it. Local paths need nothing beyond the standard library; any other URL
(`s3://`, `gs://`, `az://`...) goes through fsspec, whose storage libraries take their
credentials and endpoints from their own standard environment (`AWS_ENDPOINT_URL`,
`AWS_PROFILE`, `GOOGLE_APPLICATION_CREDENTIALS`...), never from us.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from rokt_braze.errors import InputError
from rokt_braze.profiles import ProfileError, files_under, hidden_name

__all__ = ["SCALE_EXTRA", "ExportFile", "find_files", "missing_extra", "open_file"]

SCALE_EXTRA = "pip install 'rokt-braze[scale]'"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, order=True)
class ExportFile:
    """One file of an export: `url` is how a worker opens it and how reports name it."""

    url: str
    size: int


def missing_extra(what: str) -> InputError:
    return InputError(f"{what} needs the scale extra: {SCALE_EXTRA}")


def find_files(specs: Sequence[str]) -> list[ExportFile]:
    """Every file the specs name, each once, sorted by name (a stable order for examples).

    A folder stands for every file under it (hidden files, `_`-prefixed markers such as
    Spark's `_SUCCESS` and empty objects excepted); a glob for its matches.
    """
    found: dict[str, ExportFile] = {}
    for spec in specs:
        files = _remote(spec) if _is_remote(spec) else _local(_local_path(spec))
        if not files:
            raise InputError("matches no file", path=spec)
        for file in files:
            found.setdefault(file.url, file)
    return sorted(found.values())


def open_file(url: str) -> IO[bytes]:
    """A binary, seekable file object for `url` (raises ProfileError when unreadable)."""
    if not _is_remote(url):
        path = _local_path(url)
        try:
            return open(path, "rb")
        except OSError as err:
            raise ProfileError(f"cannot read: {err.strerror or err}", path=url) from None
    fs, path = _filesystem(url)
    try:
        return fs.open(path, "rb")  # type: ignore[no-any-return]
    except Exception as err:  # the store's own errors, as in _remote
        raise ProfileError(f"cannot read: {err}", path=url) from None


# -- local --------------------------------------------------------------------------------


def _is_remote(spec: str) -> bool:
    scheme = urlsplit(spec).scheme
    return len(scheme) > 1 and scheme != "file"  # "C:\..." has a one-letter scheme


def _local_path(spec: str) -> str:
    if spec.startswith("file://"):
        return unquote(urlsplit(spec).path)
    return spec


def _local(path: str) -> list[ExportFile]:
    if _GLOB_CHARS.intersection(path):
        return [f for name in sorted(glob.glob(path, recursive=True))
                for f in _local_listing(name)]
    if os.path.isdir(path):
        return _local_listing(path)
    try:
        return [ExportFile(path, os.path.getsize(path))]
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path=path) from None


def _local_listing(path: str) -> list[ExportFile]:
    """The non-empty files at or under `path`, hidden ones and markers left out (as
    `check --profile FOLDER` reads a folder)."""
    return [ExportFile(name, size) for name, size in files_under(path)]


# -- fsspec -------------------------------------------------------------------------------


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise missing_extra(f"{url}: reading object storage") from None
    try:
        return url_to_fs(url)  # type: ignore[no-any-return]
    except ImportError as err:  # the protocol's own library (s3fs, gcsfs, adlfs) is missing
        raise InputError(f"{url}: {err}") from None
    except ValueError as err:
        raise InputError(f"{url}: {err}") from None


def _remote(spec: str) -> list[ExportFile]:
    fs, path = _filesystem(spec)
    listing = True
    try:
        if _GLOB_CHARS.intersection(path):
            entries: Iterable[dict[str, Any]] = fs.glob(path, detail=True).values()
        elif fs.isdir(path):
            entries = fs.find(path, detail=True).values()
        else:
            entries, listing = [fs.info(path)], False
    except FileNotFoundError:
        raise InputError("no such file or folder", path=spec) from None
    except Exception as err:  # denied, no such bucket, endpoint unreachable:
        # the store's library raises its own errors (botocore's are not OSErrors)
        raise InputError(f"cannot list: {err}", path=spec) from None
    out = []
    for entry in entries:
        name = str(entry["name"])
        inside = name[len(path):] if name.startswith(path) else name.rsplit("/", 1)[-1]
        size = int(entry.get("size") or 0)
        if entry.get("type") == "directory" or (listing and (
                not size or any(hidden_name(part) for part in inside.split("/") if part))):
            continue
        out.append(ExportFile(fs.unstrip_protocol(name), size))
    return out
