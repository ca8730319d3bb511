"""An audience dry run: every user of an export through one webhook, on an engine.

The driver finds the export's files (names and sizes), plans partitions, and has the
engine's workers check them (`PartitionCheck`), keeping a bounded window of partitions in
flight and taking the results in input order: it merges each result's `Tally`, writes its
failing users, reports progress and forgets it. The eventId records stay with the workers
until a hash-partitioned reduce finds the colliding ids; the driver then asks for just the
few users it names. So the driver's memory does not grow with the audience, and no user
data passes through it.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rokt_braze.audience.check import Checker, Job, event_id_hash
from rokt_braze.audience.collide import CollisionPart, split_where
from rokt_braze.audience.engines import Engine, Pending, make_engine
from rokt_braze.audience.failing import FailingUsers
from rokt_braze.audience.partition import (
    Partition,
    PartitionCheck,
    PartitionResult,
    adopt_checker,
    count_lines,
    number_partitions,
    plan_partitions,
    wanted_by_partition,
)
from rokt_braze.audience.storage import find_files
from rokt_braze.audience.summary import Collision, Example, Summary
from rokt_braze.config import Config
from rokt_braze.errors import InputError
from rokt_braze.pipeline import Settings

__all__ = ["run_audience"]


#: progress callback: (users so far, bytes of the export done, bytes in all)
OnProgress = Callable[[int, int, int], None]


def run_audience(
    webhook: str,
    profiles: str | os.PathLike[str] | Sequence[str],
    *,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    config: Config | None = None,
    on_progress: OnProgress | None = None,
    failing_users: str | None = None,
    specialise: bool = True,
    settle_gc: bool = False,
    partition_bytes: int | None = None,
) -> Summary:
    """Check every user of the export `profiles` against `webhook`; see the module doc.

    `profiles`: a file, folder, glob or fsspec URL, or a list of them. Raises InputError
    for a webhook or export that cannot be read at all; a bad line of the export is
    reported in the summary and the run goes on. `failing_users`: a .csv or .jsonl file to
    write every user with a finding to. `specialise=False` renders every field in full for
    every user (the reference the fast path is tested against); `settle_gc` freezes the
    objects loaded so far for the garbage collector during the run (the command line sets
    it: a big win on a long run, a surprise for a library caller).
    """
    specs = [os.fspath(profiles)] if isinstance(profiles, str | os.PathLike) else list(profiles)
    settings = Settings(config or Config())
    settings.config_fixtures()  # read once here, sent to every worker
    job = Job(webhook=webhook, profiles=" ".join(specs), settings=settings,
              specialise=specialise, failing=bool(failing_users))
    checker = Checker(job)  # a bad webhook or fixture fails here, before any worker starts
    summary = Summary(webhook=webhook, profiles=job.profiles, target=checker.target)
    summary.template_findings = checker.pipeline.template_findings()
    summary.parses = checker.pipeline.parses
    if not summary.parses:  # as in check, nothing renders until every field parses
        return summary
    files = find_files(specs)
    writer = FailingUsers(failing_users) if failing_users else None
    run = uuid.uuid4().hex
    adopt_checker(run, checker)
    finished = False
    try:
        # gc settled before the engine starts: forked pool workers inherit it (and the checker)
        with _settled_gc(settle_gc), make_engine(engine, jobs, scheduler) as runner:
            summary.engine, summary.jobs = runner.name, runner.workers
            partitions = plan_partitions(files, runner.workers, partition_bytes)
            partitions = _numbered(runner, partitions)
            task = PartitionCheck(job, run, dt.datetime.now(dt.timezone.utc),
                                  runner.buckets(), runner.spill())
            total = sum(f.size for f in files)
            done = 0
            progress = on_progress or (lambda users, done, total: None)
            for partition, result in _results(runner, task, partitions, summary):
                if result.fatal is not None:
                    raise InputError(result.fatal[1], path=result.fatal[0])
                summary.merge(result.tally)
                if writer is not None:
                    writer.write(result.failing)
                done += partition.end - partition.start
                progress(summary.users, done, total)
            if summary.users == 0 and summary.malformed_count == 0:
                raise InputError("contains no users", path=job.profiles)
            if summary.collision_severity is not None:
                _name_collisions(summary, runner.collisions(task), runner, task, partitions)
        finished = True
    finally:
        if writer is not None:
            writer.close(finished=finished)
    return summary


def _numbered(runner: Engine, partitions: list[Partition]) -> list[Partition]:
    """Count the lines of each byte range of a shared file, so ranges number their lines."""
    shared = [p for p in partitions if p.parts > 1]
    if not shared:
        return partitions
    counts = [pending.result() for pending in [runner.submit(count_lines, p) for p in shared]]
    numbered = iter(number_partitions(shared, counts))
    return [next(numbered) if p.parts > 1 else p for p in partitions]


def _results(
    runner: Engine, task: PartitionCheck, partitions: list[Partition], summary: Summary
) -> Iterator[tuple[Partition, PartitionResult]]:
    """Results in input order, with a bounded window of partitions in flight.

    Each partition is told which rules already have their examples from input before it
    (`Tally.complete_rules`), so its workers need not work out more.
    """
    window = 3 * runner.workers
    pending: deque[tuple[Partition, Pending[PartitionResult]]] = deque()
    for partition in partitions:
        complete = summary.complete_rules(before=partition.position())
        pending.append((partition, runner.check(task, partition, complete)))
        while len(pending) >= window:
            done, result = pending.popleft()
            yield done, result.result()
    while pending:
        done, result = pending.popleft()
        yield done, result.result()


def _name_collisions(summary: Summary, found: CollisionPart, runner: Engine,
                     task: PartitionCheck, partitions: list[Partition]) -> None:
    """Name the largest groups: their eventId and first users, looked up by the workers."""
    summary.colliding_ids, summary.colliding_users = found.ids, found.users
    if not found.groups:
        return
    wanted = wanted_by_partition([place for group in found.groups for place in group[3]])
    lookups = [runner.submit(task.event_ids, partitions[p], lines) for p, lines in
               sorted(wanted.items())]
    named: dict[tuple[int, int, int], tuple[str, str, str]] = {}
    for (p, _), lookup in zip(sorted(wanted.items()), lookups, strict=True):
        for member, line, source, user, value in lookup.result():
            named[(p, member, line)] = (source, user, value)
    for users, _, hashed, places in found.groups:
        examples: list[Example] = []
        name = ""
        for place in places:
            partition, member, line = split_where(place)
            hit = named.get((partition, member, line))
            if hit is not None and event_id_hash(hit[2]) == hashed:
                name = hit[2]
                examples.append(Example(hit[1], line, source=hit[0]))
        summary.collisions.append(Collision(name, users, examples))


#: allocations between collections of the youngest generation during a run (see below)
_YOUNG_THRESHOLD = 10_000


@contextmanager
def _settled_gc(enabled: bool) -> Iterator[None]:
    """Exempt what is loaded so far (modules, parsed templates) from garbage collection,
    and collect the youngest generation less often.

    A run allocates many short-lived objects, and each collection of the oldest generation
    would otherwise walk every object of the imported libraries again. Most of a user's
    objects are freed by reference counting as soon as the user is done, so a collection
    every 700 allocations (Python's default) mostly walks the users of the batch being
    checked; every `_YOUNG_THRESHOLD` allocations, objects in cycles wait a little longer
    (at most that many, about a megabyte).
    """
    if not enabled:
        yield
        return
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], _YOUNG_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
