"""Where partitions are checked: a local process pool, or a Dask cluster.

An engine runs functions on workers (`submit`, results read with `.result()`), runs the
`PartitionCheck` of a run on partitions, and reduces the eventId records the checks left
(`collisions`). The two differ only in where the records wait for their reduce:

* `local` - `--jobs` processes of this machine (or this process, with one job). Workers
  append their records to one file per bucket in a temporary folder; one reduce task per
  bucket reads that bucket's files.
* `dask` - a Dask cluster: the one at `--scheduler ADDRESS`, or a `LocalCluster` of
  `--jobs` worker processes started for the run. Records stay in the memory of the
  workers: a task joins those of a batch of partitions, a small task per (batch, bucket)
  picks out one bucket, and the reduce task of a bucket gathers just those.

`ENGINES` is the registry the command line offers.
"""

from __future__ import annotations

import gc
import shutil
import signal
import tempfile
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.pool import Pool
from typing import Any, Generic, Protocol, TypeVar

from rokt_braze.audience.collide import CollisionPart, reduce_bucket, reduce_spilled
from rokt_braze.audience.partition import Partition, PartitionCheck, PartitionResult
from rokt_braze.audience.storage import missing_extra
from rokt_braze.audience.summary import RuleKey
from rokt_braze.errors import InputError

__all__ = ["ENGINES", "Engine", "default_jobs", "make_engine"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Pending(Protocol[T_co]):
    def result(self) -> T_co: ...


def default_jobs() -> int:
    """The cores this process may use."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class Engine(ABC):
    name: str
    #: worker processes (or threads) that run tasks at once
    workers: int = 1

    @abstractmethod
    def __init__(self, jobs: int | None = None, scheduler: str | None = None) -> None: ...

    @abstractmethod
    def submit(self, fn: Callable[..., T], *args: Any) -> Pending[T]: ...

    @abstractmethod
    def check(self, task: PartitionCheck, partition: Partition,
              complete: frozenset[RuleKey]) -> Pending[PartitionResult]: ...

    @abstractmethod
    def collisions(self, task: PartitionCheck) -> CollisionPart: ...

    def buckets(self) -> int:
        return min(max(2, 2 * self.workers), 64)

    def spill(self) -> str | None:
        """Where workers write eventId records; None: they keep them."""
        return None

    def close(self) -> None:  # noqa: B027 - most engines have nothing to release
        pass

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _Done(Generic[T]):
    def __init__(self, value: T) -> None:
        self.value = value

    def result(self) -> T:
        return self.value


class _Async(Generic[T]):
    def __init__(self, pending: Any) -> None:
        self.pending = pending

    def result(self) -> T:
        return self.pending.get()  # type: ignore[no-any-return]


class LocalEngine(Engine):
    name = "local"

    def __init__(self, jobs: int | None = None, scheduler: str | None = None) -> None:
        if scheduler:
            raise InputError("--scheduler needs --engine dask")
        self.workers = max(1, jobs or default_jobs())
        self._folder = tempfile.mkdtemp(prefix="rokt-braze-audience-")
        self._pool: Pool | None = None
        if self.workers > 1:
            import multiprocessing

            self._pool = multiprocessing.get_context().Pool(self.workers,
                                                            initializer=_start_worker)

    def submit(self, fn: Callable[..., T], *args: Any) -> Pending[T]:
        if self._pool is None:
            return _Done(fn(*args))
        return _Async(self._pool.apply_async(fn, args))

    def check(self, task: PartitionCheck, partition: Partition,
              complete: frozenset[RuleKey]) -> Pending[PartitionResult]:
        return self.submit(task, partition, complete)

    def spill(self) -> str | None:
        return self._folder

    def collisions(self, task: PartitionCheck) -> CollisionPart:
        total = CollisionPart()
        waiting = [self.submit(reduce_spilled, self._folder, b) for b in range(task.buckets)]
        for part in waiting:
            total.merge(part.result())
        return total

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        shutil.rmtree(self._folder, ignore_errors=True)


#: How long to wait for the scheduler at --scheduler ADDRESS.
CONNECT_TIMEOUT = "10s"
#: Partitions whose eventId records one task joins before they are split by bucket.
COMBINE = 16


def _start_worker() -> None:
    """Ctrl-C reaches every process of the terminal's group: the driver alone handles it
    (it ends the pool), so workers print no tracebacks of their own. What a worker inherits
    (modules, the parsed webhook) is exempt from its garbage collections."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.collect()
    gc.freeze()


class DaskEngine(Engine):
    name = "dask"

    def __init__(self, jobs: int | None = None, scheduler: str | None = None) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise missing_extra("--engine dask") from None
        self._cluster = None
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            else:
                self._cluster = local_cluster(max(1, jobs or default_jobs()))
                self._client = Client(self._cluster)
        except OSError as err:
            self.close()
            raise InputError(f"cannot reach the Dask scheduler {scheduler}: {err}") from None
        threads = self._client.nthreads()
        self.workers = max(1, sum(threads.values()))
        #: partitions whose records are not joined yet
        self._batch: list[Any] = []
        #: per batch of partitions, the futures that pick out each bucket of their records
        self._shards: list[list[Any]] = []

    def submit(self, fn: Callable[..., T], *args: Any) -> Pending[T]:
        return self._client.submit(fn, *args, pure=False)  # type: ignore[no-any-return]

    def check(self, task: PartitionCheck, partition: Partition,
              complete: frozenset[RuleKey]) -> Pending[PartitionResult]:
        whole = self._client.submit(task, partition, complete, pure=False)
        self._batch.append(whole)
        if len(self._batch) >= COMBINE:
            self._combine(task.buckets)
        return self._client.submit(_without_shards, whole, pure=False)  # type: ignore[no-any-return]

    def _combine(self, buckets: int) -> None:
        """One task joins the records of a batch of partitions; one more per bucket picks
        that bucket out of it (so tasks grow with partitions / COMBINE x buckets)."""
        if not self._batch:
            return
        joined = self._client.submit(_join_shards, buckets, *self._batch, pure=False)
        self._batch = []
        self._shards.append([self._client.submit(_pick, joined, b, pure=False)
                             for b in range(buckets)])

    def collisions(self, task: PartitionCheck) -> CollisionPart:
        self._combine(task.buckets)
        reduces = [self._client.submit(reduce_bucket, *[shards[b] for shards in self._shards],
                                       pure=False)
                   for b in range(task.buckets)]
        self._shards = []
        total = CollisionPart()
        for part in reduces:
            total.merge(part.result())
        return total

    def close(self) -> None:
        self._batch = self._shards = []
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()


#: Worker settings for a CPU-bound task that holds the GIL: no stack sampler, and the
#: event loop's timers (every 20-500 ms by default) woken rarely, as each wake-up takes the
#: GIL from the task (together about 7% of a worker's CPU time otherwise).
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


def local_cluster(workers: int) -> Any:
    """A Dask `LocalCluster` of `workers` processes with one thread each (rendering holds
    the GIL), with `WORKER_CONFIG`."""
    import dask
    from distributed import LocalCluster

    # Worker processes inherit an ignored SIGINT (see `_start_worker`).
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with warnings.catch_warnings(), dask.config.set(WORKER_CONFIG):
            warnings.simplefilter("ignore", UserWarning)  # "port 8787 is in use, using another"
            return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                dashboard_address=None, silence_logs=40)
    finally:
        signal.signal(signal.SIGINT, interrupt)


def _join_shards(buckets: int, *results: PartitionResult) -> list[bytes]:
    return [b"".join(r.shards[b] for r in results if r.shards) for b in range(buckets)]


def _pick(shards: list[bytes], bucket: int) -> bytes:
    return shards[bucket]


def _without_shards(result: PartitionResult) -> PartitionResult:
    """What the driver needs (a copy: `result` is shared with the bucket tasks)."""
    return replace(result, shards=[])


ENGINES: dict[str, type[Engine]] = {"local": LocalEngine, "dask": DaskEngine}


def make_engine(name: str, jobs: int | None = None, scheduler: str | None = None) -> Engine:
    engine = ENGINES.get(name)
    if engine is None:
        raise InputError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")
    return engine(jobs, scheduler)
