"""Partitions of an export, and the one function an engine runs on each.

A `Partition` is a file, or one of `parts` shares of a file: a byte range of a plain JSON
Lines file (lines belong to the range holding their first byte), or every `parts`-th zip
member, Parquet row group or chunk of a gzip stream or JSON array (see `formats`). The
driver plans partitions from names and sizes alone; the worker that gets one opens the
file, tells its format from its content and reads its share. No user data passes through
the driver.

`PartitionCheck` is the narrow interface between scheduling and checking: built once per
run from the webhook and the config, it maps a partition to a `PartitionResult` (a
mergeable `Tally`, the failing users, the eventId records). Each worker process keeps one
checker per run, and every worker renders with the same `'now'`, pinned when the run
started.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from rokt_braze.audience.check import Checker, Job
from rokt_braze.audience.collide import Shards, split_where, where
from rokt_braze.audience.formats import TEXT, sniff
from rokt_braze.audience.source import Chunk, ExportReader, count_range_lines, range_chunks
from rokt_braze.audience.storage import ExportFile, open_file
from rokt_braze.audience.summary import RuleKey, Tally
from rokt_braze.errors import InputError

__all__ = ["Partition", "PartitionCheck", "PartitionResult", "adopt_checker", "count_lines",
           "plan_partitions"]

MIN_PARTITION_BYTES = 1 << 20
MAX_PARTITION_BYTES = 64 << 20
#: Partitions per worker a single large file is cut into (for balance).
_PER_WORKER = 4

#: (source, line, external_id, rule ids) of a user with findings
Failing = tuple[str, int, str, tuple[str, ...]]


@dataclass(frozen=True)
class Partition:
    index: int
    url: str
    size: int
    part: int = 0
    parts: int = 1
    #: the number of the first line in the byte range (plain JSON Lines only; else 1)
    first_line: int = 1

    @property
    def start(self) -> int:
        return self.size * self.part // self.parts

    @property
    def end(self) -> int:
        return self.size * (self.part + 1) // self.parts

    def position(self) -> tuple[str, int]:
        """No user of this partition comes before this (source, line)."""
        return self.url, self.first_line


def plan_partitions(files: Sequence[ExportFile], workers: int,
                    partition_bytes: int | None = None) -> list[Partition]:
    """Cut files larger than the partition size into shares, in input order.

    With files enough to keep every worker busy (a segment export: one per 5,000 users),
    only files over the largest partition size are cut.
    """
    if partition_bytes is None:
        total = sum(f.size for f in files)
        partition_bytes = MAX_PARTITION_BYTES if len(files) >= workers * _PER_WORKER else min(
            max(total // (workers * _PER_WORKER), MIN_PARTITION_BYTES), MAX_PARTITION_BYTES)
    out: list[Partition] = []
    for file in files:
        parts = max(1, -(-file.size // partition_bytes))
        out += [Partition(len(out) + k, file.url, file.size, k, parts) for k in range(parts)]
    return out


def count_lines(partition: Partition) -> int | None:
    """Lines starting in the partition's byte range; None when it is not plain JSON Lines."""
    with open_file(partition.url) as raw:
        if sniff(raw.read(4), partition.url) is not TEXT:
            return None
        raw.seek(0)
        reader = ExportReader(partition.url, stream=raw)
        if reader.is_array:
            return None
        return count_range_lines(raw, partition.start, partition.end)


def number_partitions(partitions: Sequence[Partition],
                      counts: Sequence[int | None]) -> list[Partition]:
    """Give each byte range of a JSON Lines file the number of its first line."""
    out = []
    line = 1
    for partition, count in zip(partitions, counts, strict=True):
        if partition.part == 0:
            line = 1
        out.append(replace(partition, first_line=line) if count is not None else partition)
        line += count or 0
    return out


def read_partition(partition: Partition) -> Iterator[Chunk]:
    """The partition's chunks, in order; ProfileError for a file that is not an export."""
    raw = open_file(partition.url)
    try:
        fmt = sniff(raw.read(4), partition.url)
        raw.seek(0)
        if fmt is TEXT and partition.parts > 1:
            reader = ExportReader(partition.url, stream=raw)
            if not reader.is_array:
                yield from range_chunks(raw, partition.start, partition.end,
                                        partition.first_line, partition.url)
                return
            raw.seek(0)
        yield from fmt.read(raw, partition.url, partition.part, partition.parts)
    finally:
        raw.close()


@dataclass
class PartitionResult:
    partition: int
    tally: Tally = field(default_factory=Tally)
    failing: list[Failing] = field(default_factory=list)
    #: eventId records by bucket (empty when they were spilled to files)
    shards: list[bytes] = field(default_factory=list)
    #: (path, reason) when the file is not an export at all: the run stops
    fatal: tuple[str, str] | None = None


@dataclass(frozen=True)
class PartitionCheck:
    """partition -> PartitionResult, for one run (picklable: sent with every task)."""

    job: Job
    run: str  # unique per run: the key of each worker's checker
    now: dt.datetime
    buckets: int
    #: folder for eventId records (the local engine); None: return them in the result
    spill: str | None = None

    def __call__(self, partition: Partition, complete: frozenset[RuleKey]) -> PartitionResult:
        result = PartitionResult(partition.index)
        shards = Shards(self.buckets)
        members: dict[str, int] = {}
        with _pinned(self.now):
            try:
                checker = self.checker()
                for chunk in read_partition(partition):
                    member = members.setdefault(chunk.source, len(members))
                    found = checker.check_chunk(chunk, complete | result.tally.complete_rules())
                    result.tally.add_chunk(found, chunk.source)
                    result.failing += [(chunk.source, line, user, rules)
                                       for line, user, rules in found.failing]
                    for value, line in zip(_q(found.hashes), _q(found.lines), strict=True):
                        shards.add(value, where(partition.index, member, line))
            except InputError as err:
                return PartitionResult(partition.index, fatal=(err.path, err.reason))
            except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as err:  # mid-file
                return PartitionResult(partition.index,
                                       fatal=(partition.url, f"unreadable ({err})"))
        if self.spill is not None:
            shards.spill(self.spill)
        else:
            result.shards = shards.to_bytes()
        return result

    def event_ids(self, partition: Partition,
                  wanted: frozenset[tuple[int, int]]) -> list[tuple[int, int, str, str, str]]:
        """(member, line, source, user, eventId) for the (member, line)s in `wanted`."""
        out = []
        members: dict[str, int] = {}
        with _pinned(self.now):
            checker = self.checker()
            for chunk in read_partition(partition):
                member = members.setdefault(chunk.source, len(members))
                lines = {line for m, line in wanted if m == member}
                if lines and chunk.first_line <= max(lines):
                    out += [(member, line, chunk.source, user, value)
                            for line, user, value in checker.event_ids(chunk, lines)]
        return out

    def checker(self) -> Checker:
        checker = _checkers.get(self.run)
        if checker is None:
            if len(_checkers) >= 2:  # a worker of a shared cluster: forget old runs
                _checkers.clear()
            checker = _checkers[self.run] = Checker(self.job)
            if multiprocessing.parent_process() is not None:  # a worker process
                gc.collect()
                gc.freeze()  # the parsed webhook and the libraries: never garbage
        return checker


def adopt_checker(run: str, checker: Checker) -> None:
    """Use the driver's checker for `run` in this process (and in pool workers forked from
    it), instead of building another."""
    _checkers[run] = checker


def wanted_by_partition(places: Sequence[tuple[int, int]]) -> dict[int, frozenset[tuple[int,
                                                                                         int]]]:
    """The (member, line)s to look up, by partition."""
    out: dict[int, set[tuple[int, int]]] = {}
    for place in places:
        partition, member, line = split_where(place)
        out.setdefault(partition, set()).add((member, line))
    return {p: frozenset(lines) for p, lines in out.items()}


_checkers: dict[str, Checker] = {}


def _q(data: bytes) -> Iterator[int]:
    from array import array

    values = array("Q")
    values.frombytes(data)
    return iter(values)


@contextmanager
def _pinned(now: dt.datetime) -> Iterator[None]:
    """Braze's `'now'` is `now` while checking.

    A worker process keeps it (its threads may be checking other partitions of the run);
    the driver, checking in-process with one job, gets the real clock back afterwards.
    """
    from rokt_braze.braze.filters import register_filters
    from rokt_braze.braze.filters.time import utc_now
    from rokt_braze.braze.template import braze_environment

    environments = [braze_environment(traced=traced, lenient=lenient)
                    for traced in (False, True) for lenient in (False, True)]
    for env in environments:
        register_filters(env, clock=lambda: now)
    try:
        yield
    finally:
        if multiprocessing.parent_process() is None:
            for env in environments:
                register_filters(env, clock=utc_now)
