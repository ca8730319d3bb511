"""An audience dry run: every user of an export through one webhook, on all cores.

The parent reads the export in chunks (`source`), hands them to worker processes and merges
their results in input order, keeping a bounded window of chunks in flight so that memory
does not grow with the file. Each worker parses the webhook once and specialises it once
(`plan`). What grows with the audience is 16 bytes per user: an 8-byte hash of the user's
eventId and its line. At the end the hashes are sorted bucket by bucket to find the eventIds
that several users share, and the export is read once more for just the lines that show the
largest collisions, to name the eventIds and their users.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import multiprocessing
import os
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool

from rokt_braze.audience.check import Checker, Job, event_id_hash
from rokt_braze.audience.source import Chunk, ExportReader
from rokt_braze.audience.summary import EXAMPLES, ChunkResult, Collision, Example, Summary
from rokt_braze.config import Config
from rokt_braze.errors import InputError
from rokt_braze.findings import RULES, Finding
from rokt_braze.resources import load_fixture_file

__all__ = ["default_jobs", "run_audience"]

#: Colliding eventIds named in the report (the largest groups).
MAX_COLLISIONS = 10
_BUCKETS = 256
#: Findings after which rendering is pointless (as in `check`).
_BLOCKING = frozenset({"liquid-syntax", "unknown-tag", "connected-content"})

#: progress callback: (users so far, bytes of the file read so far)
OnProgress = Callable[[int, int], None]


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


@dataclass
class _EventIds:
    """eventId hashes and lines, spread over buckets by the hash's low byte."""

    hashes: list[array[int]] = field(default_factory=lambda: [array("Q") for _ in range(_BUCKETS)])
    lines: list[array[int]] = field(default_factory=lambda: [array("Q") for _ in range(_BUCKETS)])

    def add(self, chunk: ChunkResult) -> None:
        hashes, lines = array("Q"), array("Q")
        hashes.frombytes(chunk.hashes)
        lines.frombytes(chunk.lines)
        for value, line in zip(hashes, lines, strict=True):
            bucket = value & (_BUCKETS - 1)
            self.hashes[bucket].append(value)
            self.lines[bucket].append(line)

    def collisions(self) -> tuple[int, int, list[tuple[int, int, list[int]]]]:
        """(colliding ids, users sharing one, the largest groups as (hash, users, lines))."""
        ids = users = 0
        top: list[tuple[int, int, int, list[int]]] = []  # (users, -first line, hash, lines)
        for bucket in range(_BUCKETS):
            pairs = sorted(zip(self.hashes[bucket], self.lines[bucket], strict=True))
            self.hashes[bucket] = self.lines[bucket] = array("Q")  # free as we go
            start = 0
            while start < len(pairs):
                end = start + 1
                while end < len(pairs) and pairs[end][0] == pairs[start][0]:
                    end += 1
                if end - start > 1:
                    ids += 1
                    users += end - start
                    entry = (end - start, -pairs[start][1], pairs[start][0],
                             [line for _, line in pairs[start : start + EXAMPLES]])
                    if len(top) < MAX_COLLISIONS:
                        heapq.heappush(top, entry)
                    else:
                        heapq.heappushpop(top, entry)
                start = end
        groups = sorted(top, reverse=True)
        return ids, users, [(h, n, lines) for n, _, h, lines in groups]


def run_audience(
    webhook: str,
    profiles: str,
    *,
    jobs: int | None = None,
    config: Config | None = None,
    on_progress: OnProgress | None = None,
    specialise: bool = True,
    settle_gc: bool = False,
) -> Summary:
    """Check every user of the export `profiles` against `webhook`; see the module doc.

    Raises InputError for a webhook or export that cannot be read at all; a bad line of the
    export is reported in the summary and the run goes on. `specialise=False` renders every
    field in full for every user (the reference the fast path is tested against);
    `settle_gc` freezes the objects loaded so far for the garbage collector during the run
    (the command line sets it: a big win on a long run, a surprise for a library caller).
    """
    config = config or Config()
    job = Job(
        webhook=webhook,
        profiles=profiles,
        severities={rule: config.rule_severity(rule, webhook) for rule in RULES},
        fixtures=tuple((f, load_fixture_file(f)) for f in config.resolve(config.fixtures)),
        specialise=specialise,
    )
    checker = Checker(job)  # a bad webhook or fixture fails here, before any worker starts
    summary = Summary(webhook=webhook, profiles=profiles, target=checker.target,
                      collision_severity=job.severities["rokt-event-id"])
    blocking = _syntax_findings(checker)
    if blocking:
        summary.template_findings = blocking
        return summary
    jobs = max(1, jobs or default_jobs())
    summary.jobs = jobs
    event_ids = _EventIds()
    with ExportReader(profiles) as reader, _settled_gc(settle_gc):
        progress = on_progress or (lambda users, done: None)
        for result in _results(reader.chunks(), checker, job, jobs, summary):
            summary.merge(result)
            event_ids.add(result)
            progress(summary.users, reader.position())
    if summary.users == 0 and summary.malformed_count == 0:
        raise InputError("contains no users", path=profiles)
    if summary.collision_severity is not None:
        _find_collisions(summary, event_ids, checker)
    return summary


def _syntax_findings(checker: Checker) -> list[Finding]:
    from rokt_braze.checking import lint_file

    found = [f for f in lint_file(checker.webhook) if f.rule in _BLOCKING]
    return [f.with_(severity=s) for f in found
            if (s := checker.job.severities.get(f.rule, f.severity)) is not None]


def _results(
    chunks: Iterator[Chunk], checker: Checker, job: Job, jobs: int, summary: Summary
) -> Iterator[ChunkResult]:
    """Chunk results in input order; `summary` tells which rules need no more examples."""
    if jobs == 1:
        for chunk in chunks:
            yield checker.check_chunk(chunk, summary.complete_rules())
        return
    window = 3 * jobs
    pending: deque[AsyncResult[ChunkResult]] = deque()
    with _pool(jobs, job) as pool:
        for chunk in chunks:
            pending.append(pool.apply_async(_check_chunk, (chunk, summary.complete_rules())))
            while len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _pool(jobs: int, job: Job) -> Pool:
    return multiprocessing.get_context().Pool(jobs, initializer=_start_worker, initargs=(job,))


_worker: Checker | None = None


def _start_worker(job: Job) -> None:
    global _worker
    _worker = Checker(job)
    gc.collect()
    gc.freeze()  # see `_settled_gc`; a worker keeps it so until it exits


@contextmanager
def _settled_gc(enabled: bool) -> Iterator[None]:
    """Exempt what is loaded so far (modules, parsed templates) from garbage collection.

    A run allocates millions of short-lived dicts and lists, and each collection of the
    oldest generation would otherwise walk every object of the imported libraries again.
    """
    if not enabled:
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _check_chunk(chunk: Chunk, complete: frozenset[str]) -> ChunkResult:
    assert _worker is not None
    return _worker.check_chunk(chunk, complete)


def _find_collisions(summary: Summary, event_ids: _EventIds, checker: Checker) -> None:
    ids, users, groups = event_ids.collisions()
    summary.colliding_ids, summary.colliding_users = ids, users
    if not groups:
        return
    wanted = {line for _, _, lines in groups for line in lines}
    ordered = sorted(wanted)
    found: dict[int, list[tuple[str, str]]] = {}
    with ExportReader(summary.profiles) as reader:
        for chunk in reader.chunks():
            if chunk.first_line > ordered[-1]:
                break
            at = bisect.bisect_left(ordered, chunk.first_line)
            if at == len(ordered) or ordered[at] > chunk.last_line():
                continue  # none of the lines we look for: do not parse it
            for line, user, value in checker.event_ids(chunk, wanted):
                found.setdefault(line, []).append((user, value))
    for hashed, count, lines in groups:
        examples: list[Example] = []
        name = ""
        for line in dict.fromkeys(lines):
            for user, value in found.get(line, []):
                if event_id_hash(value) == hashed and len(examples) < EXAMPLES:
                    name = value
                    examples.append(Example(user, line))
        summary.collisions.append(Collision(name, count, examples))
