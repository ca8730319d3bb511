"""Profiles per CPU-second of the audience's engines on one multi-file export, and the
driver's memory.

Run: python bench/scale.py [N] [--per-file K] [--rss N2]

Writes N profiles (default 40,000; `make_profiles.py`) as a Braze segment export: zips of K
users each (default 5,000, Braze's size), one JSON Lines member per zip. Then measures, each
run in a fresh process so that its CPU time and peak RSS are its own:

* the local engine (a process pool) with 1 and 2 jobs;
* the Dask engine on a `LocalCluster` of 1 and 2 worker processes, started before the run
  as a run joins an existing cluster whose workers have imported rokt-braze already (that
  start-up CPU is reported apart).

CPU time is the driver's (with the scheduler, which a LocalCluster runs in the driver) plus
every worker's:
on a shared machine other processes take cores away, which slows the wall clock but not
the CPU each profile costs, so engines are compared per CPU-second. Scaling from 1 to 2
workers is given by the wall clock, the only measure of it, and is only meaningful when
two cores are free. Targets: Dask overhead at most 15% per CPU-second against the local
engine; 2 workers at least 1.8x one on two cores.

`--rss N2` also runs the local engine with 2 jobs on N2 profiles, to show that the driver's
peak RSS does not grow with the number of users.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE.parent / "templates" / "rokt-create-event.webhook.yaml"
RUNS = (("local", 1), ("local", 2), ("dask", 1), ("dask", 2))


def write_export(n: int, per_file: int, folder: Path) -> None:
    """N profiles as Braze segment-export zips of `per_file` users each."""
    sys.path.insert(0, str(HERE))
    from make_profiles import profiles

    folder.mkdir(parents=True, exist_ok=True)
    users = profiles(n)
    for number in range(-(-n // per_file)):
        lines = io.StringIO()
        for _ in range(min(per_file, n - number * per_file)):
            lines.write(json.dumps(next(users), ensure_ascii=False) + "\n")
        with zipfile.ZipFile(folder / f"{number:05d}-export.zip", "w",
                             zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{number:05d}-export.json", lines.getvalue())


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(export: str, engine: str, workers: int) -> None:
    """Run the audience once and print what it cost (called in a fresh process).

    Dask runs join a LocalCluster started first, as a run joins an existing cluster: its
    start-up is reported apart, and its workers' CPU time is read in the workers.
    """
    from rokt_braze.audience import run_audience

    cluster = client = None
    options: dict[str, Any] = {"engine": engine, "jobs": workers}
    startup = 0.0
    if engine == "dask":
        from distributed import Client

        from rokt_braze.audience.engines import local_cluster

        started = _cpu() + _children_cpu()
        cluster = local_cluster(workers)  # as `--engine dask` without --scheduler starts
        client = Client(cluster)
        options = {"engine": engine, "scheduler": cluster.scheduler_address}
        client.run(_warm)  # a long-lived cluster's workers have imported us already
        before = client.run(_cpu)
        startup = _cpu() + sum(before.values()) - started
    wall, cpu = time.perf_counter(), _cpu()
    summary = run_audience(str(TEMPLATE), export, settle_gc=True, **options)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    driver = cpu
    if client is not None and cluster is not None:
        after = client.run(_cpu)
        cpu += sum(after[w] - before[w] for w in after)
        client.close()
        cluster.close()
    else:
        cpu += _children_cpu()  # the pool's workers, ended and waited for
    print(json.dumps({
        "users": summary.users, "wall": wall, "cpu": cpu, "driver_cpu": driver,
        "startup_cpu": startup,
        "driver_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rules": {r.rule: r.users for r in summary.rules.values()},
        "colliding": summary.colliding_ids,
    }))


def _warm() -> None:
    import rokt_braze.audience.partition
    import rokt_braze.audience.run
    import rokt_braze.targets.rokt  # noqa: F401


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(export: Path, engine: str, workers: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(export), engine, str(workers)],
        check=True, capture_output=True, text=True, cwd=HERE.parent,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2], int(argv[3]))
        return 0
    n, per_file, rss_n = 40_000, 5_000, 0
    args = iter(argv)
    for arg in args:
        if arg == "--per-file":
            per_file = int(next(args))
        elif arg == "--rss":
            rss_n = int(next(args))
        else:
            n = int(arg)
    print(f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
          f"load average {os.getloadavg()[0]:.1f} (a shared machine slows the wall clock, "
          "not the CPU per profile)")
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "segment-export"
        write_export(n, per_file, export)
        print(f"export: {n:,} profiles in {len(list(export.iterdir()))} zips of {per_file:,}")
        got = {(engine, workers): measure(export, engine, workers) for engine, workers in RUNS}
        counts = {json.dumps([g["users"], g["rules"], g["colliding"]], sort_keys=True)
                  for g in got.values()}
        print("the same counts from every run" if len(counts) == 1 else
              f"COUNTS DIFFER: {counts}")
        for (engine, workers), g in got.items():
            print(f"{engine:>5}, {workers} worker{'s' if workers > 1 else ' '}: "
                  f"{g['users'] / g['cpu']:7,.0f} profiles per CPU-second, "
                  f"{g['users'] / g['wall']:7,.0f} profiles/s wall ({g['wall']:.1f} s); "
                  f"driver {g['driver_cpu']:.1f} of {g['cpu']:.1f} CPU-s, peak RSS "
                  f"{g['driver_rss_mb']:.0f} MB"
                  + (f"; cluster start-up {g['startup_cpu']:.1f} CPU-s apart"
                     if engine == "dask" else ""))
        for workers in (1, 2):
            local, dask = got[("local", workers)], got[("dask", workers)]
            overhead = local["users"] / local["cpu"] / (dask["users"] / dask["cpu"]) - 1
            print(f"Dask overhead per CPU-second, {workers} worker(s): {overhead:+.1%} "
                  "(target at most +15%)")
        for engine in ("local", "dask"):
            speedup = got[(engine, 1)]["wall"] / got[(engine, 2)]["wall"]
            print(f"{engine} scaling 1 -> 2 workers (wall): {speedup:.2f}x (target 1.8x on 2 "
                  "free cores)")
        if rss_n:
            big = Path(scratch) / "big-export"
            write_export(rss_n, per_file, big)
            g = measure(big, "local", 2)
            print(f"driver peak RSS at {g['users']:,} profiles: {g['driver_rss_mb']:.0f} MB "
                  f"(at {n:,}: {got[('local', 2)]['driver_rss_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
