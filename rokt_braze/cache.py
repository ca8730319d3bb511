"""A content-addressed result cache for `rokt-braze check`, in the manner of ruff's.

A pre-commit hook checks the same unchanged files on every commit; with the cache a
file whose inputs have not changed costs a hash and a small JSON read: no render, and
no import of python-liquid or jsonschema.

An entry's key is a SHA-256 over everything a file's findings depend on that is known
before checking it:
- the tool: its version, the stamp (size, mtime) of every file of the installed
  package (an editable install changes code without changing the version) and of the
  installation's folders on `sys.path` (installing or upgrading a dependency touches
  site-packages);
- the run: the config file's path and settings, the bytes of the config's profile and
  fixture files, the profile and fixture files given on the command line;
- the file: its absolute path, the path as given (findings repeat it) and its bytes.

What a file's check reads besides (the profiles its `profiles:` globs match, a content
block folder, ...) is recorded while it runs (Python's audit events for opening files
and listing folders) and stored with the entry; a hit requires each of those to be
unchanged too. Not cached: live mode (calls go out), and templates that read the clock
(`now`, `today`), whose findings may change from one run to the next.

Entries live under `$ROKT_BRAZE_CACHE_DIR`, else `$XDG_CACHE_HOME/rokt-braze`, else
`~/.cache/rokt-braze`; `--no-cache` or `ROKT_BRAZE_NO_CACHE=1` turns the cache off.
Writes are atomic (a temporary file renamed into place), so parallel hooks can share it;
entries unused for 30 days are deleted (checked at most once a day, on a write).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rokt_braze.findings import CheckResult, Finding, Fix, Severity

if TYPE_CHECKING:
    from rokt_braze.config import Config
    from rokt_braze.pipeline import Settings

#: Bump when the entry format changes.
FORMAT = "3"  # 2: findings keep the calls behind them; 3: and their fixes
#: Entries not used for this long are deleted, at most once a day (on a write).
MAX_AGE_SECONDS = 30 * 24 * 3600
PRUNE_EVERY_SECONDS = 24 * 3600
#: A template that reads the clock renders differently from run to run.
_CLOCK = re.compile(rb"(?i)\b(now|today)\b")


def cache_dir() -> Path:
    """Where entries live (see the module docstring)."""
    explicit = os.environ.get("ROKT_BRAZE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rokt-braze"


def disabled_by_environment() -> bool:
    return os.environ.get("ROKT_BRAZE_NO_CACHE", "") not in ("", "0")


def check_cached(
    paths: Sequence[str | os.PathLike[str]],
    profiles: Sequence[str] | None,
    *,
    config: Config,
    fixtures: str | None = None,
    directory: Path | None = None,
) -> CheckResult:
    """`api.check` over `paths`, answering unchanged files from the cache.

    `profiles` and `fixtures` are file paths, as on the command line. Files that miss are
    checked one at a time (so what each reads is its own) and stored.
    """
    from rokt_braze.discovery import discover

    files = discover(paths, config)
    store = Store(directory or cache_dir(), run_salt(config, profiles, fixtures))
    result = CheckResult(findings=[], files=files, cases=[])
    settings: Settings | None = None  # made at the first miss; its files read when needed
    for path in files:
        entry = store.get(path)
        if entry is None:
            if settings is None:
                from rokt_braze.pipeline import Settings

                settings = Settings.make(config, profiles=profiles, fixtures_file=fixtures)
            entry = _check_one(path, settings)
            store.put(path, entry)
        entry.add_to(result)
    result.findings.sort(key=Finding.sort_key)
    return result


def _check_one(path: str, settings: Settings) -> Entry:
    from rokt_braze.errors import InputError
    from rokt_braze.pipeline import check_files

    with recording() as reads:
        try:
            result = check_files([path], settings)
        except InputError as err:
            result = CheckResult(findings=[], files=[path], cases=[], input_errors=[str(err)])
    return Entry(findings=result.findings, cases=list(result.cases or []),
                 renders=result.renders, input_errors=result.input_errors,
                 reads=reads.snapshot(exclude=path))


@dataclass
class Entry:
    """One file's part of a `CheckResult`, and what its check read."""

    findings: list[Finding]
    cases: list[tuple[str, str]]
    renders: int
    input_errors: list[str]
    reads: Reads = field(default_factory=lambda: Reads({}, {}))

    def add_to(self, result: CheckResult) -> None:
        result.findings += self.findings
        assert result.cases is not None
        result.cases += self.cases
        result.renders += self.renders
        # a problem many files share (the caller's profile file) is reported once
        result.input_errors += [e for e in self.input_errors if e not in result.input_errors]

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [{**f.to_dict(), **({"fix": f.fix.to_dict()} if f.fix else {})}
                         for f in self.findings],
            "cases": [list(c) for c in self.cases],
            "renders": self.renders,
            "input_errors": self.input_errors,
            "files": self.reads.files,
            "folders": self.reads.folders,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Entry:
        findings = [
            Finding(d["rule"], Severity.parse(d["severity"]), d["message"], d["file"],
                    d["line"], d["column"], d["field"], d["profile"],
                    calls=tuple(d.get("calls", ())),
                    fix=Fix.from_dict(d["fix"]) if "fix" in d else None)
            for d in doc["findings"]
        ]
        return cls(findings, [(c[0], c[1]) for c in doc["cases"]], doc["renders"],
                   list(doc["input_errors"]), Reads(doc["files"], doc["folders"]))


@dataclass
class Reads:
    """Files (path -> SHA-256, "" when absent) and folders (path -> sorted names) a
    check read."""

    files: dict[str, str]
    folders: dict[str, list[str]]

    def unchanged(self) -> bool:
        return (all(_digest_of(p) == d for p, d in self.files.items())
                and all(_listing(p) == names for p, names in self.folders.items()))

    def reads_the_clock(self) -> bool:
        return any(_reads_clock(p) for p in self.files if p.endswith(".liquid"))


class Store:
    """Entries on disk, one JSON file per key."""

    def __init__(self, directory: Path, salt: str) -> None:
        self.directory = directory / f"v{FORMAT}"
        self.salt = salt

    def key(self, path: str) -> str | None:
        """None: this file is not cached (unreadable, or it reads the clock)."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        if _CLOCK.search(data):
            return None
        h = hashlib.sha256(self.salt.encode())
        # the path as given too: findings name the file the way the user wrote it
        for name in (os.path.abspath(path), path):
            h.update(name.encode("utf-8", "surrogateescape") + b"\0")
        h.update(data)
        return h.hexdigest()

    def _file(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.json"

    def get(self, path: str) -> Entry | None:
        key = self.key(path)
        if key is None:
            return None
        try:
            with open(self._file(key), encoding="utf-8") as handle:
                entry = Entry.from_json(json.load(handle))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # absent, or damaged: check again and overwrite
        if not entry.reads.unchanged():
            return None
        with contextlib.suppress(OSError):
            os.utime(self._file(key))  # used: pruning keeps it
        return entry

    def put(self, path: str, entry: Entry) -> None:
        key = self.key(path)
        if key is None or entry.reads.reads_the_clock():
            return
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry.to_json(), handle, ensure_ascii=False)
            os.replace(temp, target)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temp)  # a read-only or full disk: the cache is only an optimisation
            return
        self.prune()

    def prune(self, now: float | None = None) -> None:
        """Delete entries unused for MAX_AGE_SECONDS; runs at most once a day."""
        import time

        now = time.time() if now is None else now
        marker = self.directory / "last-prune"
        try:
            if now - marker.stat().st_mtime < PRUNE_EVERY_SECONDS:
                return
        except OSError:
            pass
        with contextlib.suppress(OSError):
            marker.touch()
            os.utime(marker, (now, now))
        for entry in self.directory.glob("*/*"):
            with contextlib.suppress(OSError):
                if now - entry.stat().st_mtime > MAX_AGE_SECONDS:
                    entry.unlink()


def run_salt(config: Config, profiles: Sequence[str] | None, fixtures: str | None) -> str:
    """What every file's key shares: the tool and the run's settings and data files."""
    from rokt_braze import __version__

    parts: list[object] = [FORMAT, __version__, sys.version, _code_stamp()]
    parts += [config.source, str(config.root), json.dumps(config.raw, sort_keys=True,
                                                          default=str)]
    data_files = [*(profiles or []), *([fixtures] if fixtures else [])]
    for pattern_list in (config.profiles, config.fixtures):
        with contextlib.suppress(Exception):  # a bad glob fails the check itself, later
            data_files += config.resolve(pattern_list)
    parts += [(os.path.abspath(f), _digest_of(f)) for f in _folders_expanded(data_files)]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _folders_expanded(paths: Sequence[str]) -> list[str]:
    """A folder of profiles stands for the files it holds (as `load_profiles` reads it)."""
    if not any(os.path.isdir(path) for path in paths):
        return list(paths)  # no import of the profile loader on a cache hit
    from rokt_braze.profiles import files_under

    return [name for path in paths
            for name in ([n for n, _ in files_under(path)] if os.path.isdir(path) else [path])]


def _code_stamp() -> list[tuple[str, int, int]]:
    """Size and mtime of the package's files and of the folders on sys.path."""
    package = Path(__file__).resolve().parent
    stamp = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            with contextlib.suppress(OSError):
                st = os.stat(os.path.join(folder, name))
                stamp.append((os.path.join(folder, name), st.st_size, st.st_mtime_ns))
    installation = (sys.prefix, sys.base_prefix, sys.exec_prefix)
    for entry in sys.path:  # site-packages and the standard library, not the working folder
        if entry and os.path.abspath(entry).startswith(installation):
            with contextlib.suppress(OSError):
                stamp.append((entry, 0, os.stat(entry).st_mtime_ns))
    return stamp


def _digest_of(path: str) -> str:
    """A data file's SHA-256, read in blocks (an export may be gigabytes). A pipe or device
    (`--profile /dev/stdin`, `/dev/zero`) is never read here: it may differ from run to run
    without a trace, so it gets a fresh value, and the run never hits the cache."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return secrets.token_hex(16)
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return ""


def _listing(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def _reads_clock(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return bool(_CLOCK.search(handle.read()))
    except OSError:
        return False


class _Recorder:
    """Paths opened for reading and folders listed while active."""

    def __init__(self) -> None:
        self.opened: set[str] = set()
        self.listed: set[str] = set()

    def snapshot(self, *, exclude: str) -> Reads:
        skip = {os.path.abspath(exclude)}
        ignored = _ignored_roots()
        files = {p: _digest_of(p) for p in sorted(self.opened - skip)
                 if not p.startswith(ignored) and not os.path.isdir(p)}
        folders = {p: _listing(p) for p in sorted(self.listed)
                   if not p.startswith(ignored)}
        return Reads(files, folders)


_ACTIVE: list[_Recorder] = []
_HOOKED = False


def _ignored_roots() -> tuple[str, ...]:
    """Reads that are the tool's own (covered by the code stamp), not a user's file."""
    package = str(Path(__file__).resolve().parent)
    return tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, package,
                  str(cache_dir())})


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _ACTIVE:
        return
    if event == "open":
        path, mode, flags = args
        if isinstance(path, int) or path is None:
            return
        writing = (any(c in mode for c in "wax+") if isinstance(mode, str)
                   else flags & os.O_ACCMODE != os.O_RDONLY)
        if not writing:
            _ACTIVE[-1].opened.add(os.path.abspath(os.fsdecode(path)))
    elif event in ("os.listdir", "os.scandir"):
        path = args[0]
        if isinstance(path, int):
            return
        _ACTIVE[-1].listed.add(os.path.abspath(os.fsdecode(path if path is not None else ".")))


@contextlib.contextmanager
def recording() -> Iterator[_Recorder]:
    """Record what is read inside the block (audit hooks cannot be removed, so one hook
    is installed once and does nothing while no recording is active)."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    recorder = _Recorder()
    _ACTIVE.append(recorder)
    try:
        yield recorder
    finally:
        _ACTIVE.remove(recorder)
