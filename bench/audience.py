"""Profiles per second of `rokt-braze audience` against plain python-liquid, and peak memory.

Run: python bench/audience.py [N] [--profiles FILE] [--jobs J]

Writes N profiles (default 200,000) with `make_profiles.py` unless an export is given, then
measures, in one run:

* the baseline: the simplest program that renders the stock create-event body for each user
  of the export - read the line, `json.loads` it, render the body with a plain
  `liquid.Environment` in which each `${...}` atom is a plain variable - on one core;
* `run_audience` on the stock create webhook (URL, headers, body, validation, summary) with
  one job, and with J jobs (default: every core), each in a child process so that its peak
  RSS (`ru_maxrss` of the child and of its worker processes) is its own.

Rates are given against wall-clock time and against CPU time: on a shared machine other
processes take cores away, which slows the wall clock but not the CPU time each profile
costs. Targets: one job at least 0.5x the baseline; 1,000,000 profiles in under 60 s with all
jobs on two cores; peak RSS under 300 MB.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import liquid
import yaml

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE.parent / "templates" / "rokt-create-event.webhook.yaml"
_ATOM = re.compile(r"(?:(\w+)\.)?\$\{([^}]*)\}")


def plain_name(match: re.Match[str]) -> str:
    """`custom_attribute.${rokt:subscription_id}` -> `custom_attribute_rokt_subscription_id`."""
    return re.sub(r"\W", "_", "_".join(part for part in match.groups() if part))


def baseline(profiles: Path, limit: int) -> dict[str, float]:
    """Plain python-liquid on one core, reading the same export."""
    body = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["body"]
    template = liquid.Environment().from_string(_ATOM.sub(plain_name, body))
    users = 0
    wall, cpu = time.perf_counter(), time.process_time()
    with open(profiles, "rb") as lines:
        for line in lines:
            record = json.loads(line)
            custom = record.get("custom_attributes") or {}
            template.render(user_id=record.get("external_id"),
                            custom_attribute_rokt_subscription_id=custom.get(
                                "rokt:subscription_id"))
            users += 1
            if users >= limit:
                break
    return {"users": users, "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu}


def child(profiles: str, jobs: int) -> None:
    """Run the audience once and print what it cost (called in a fresh process)."""
    from rokt_braze.audience import run_audience

    wall, cpu = time.perf_counter(), time.process_time()
    summary = run_audience(str(TEMPLATE), profiles, jobs=jobs, settle_gc=True)  # as the CLI
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "users": summary.users, "wall": wall,
        "cpu": cpu + workers.ru_utime + workers.ru_stime,
        "rss_parent_mb": own.ru_maxrss / 1024, "rss_worker_mb": workers.ru_maxrss / 1024,
        "findings": {r.rule: r.users for r in summary.rules.values()},
        "colliding_ids": summary.colliding_ids,
    }))


def measure(profiles: Path, jobs: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(profiles), str(jobs)],
        check=True, capture_output=True, text=True, cwd=HERE.parent,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1], int(argv[2]))
        return 0
    n, profiles, jobs = 200_000, None, len(os.sched_getaffinity(0))
    args = iter(argv)
    for arg in args:
        if arg == "--profiles":
            profiles = Path(next(args))
        elif arg == "--jobs":
            jobs = int(next(args))
        else:
            n = int(arg)
    with tempfile.TemporaryDirectory() as scratch:
        if profiles is None:
            sys.path.insert(0, str(HERE))
            from make_profiles import write

            profiles = Path(scratch) / "export.jsonl"
            started = time.perf_counter()
            with open(profiles, "w", encoding="utf-8") as out:
                write(n, out)
            print(f"wrote {n:,} profiles ({profiles.stat().st_size / 1e6:,.0f} MB) in "
                  f"{time.perf_counter() - started:.0f} s")
        report(profiles, jobs)
    return 0


def report(profiles: Path, jobs: int) -> None:
    print(f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
          f"load average {os.getloadavg()[0]:.1f}")
    base = baseline(profiles, limit=200_000)
    base_wall, base_cpu = base["users"] / base["wall"], base["users"] / base["cpu"]
    print(f"baseline (plain python-liquid, stock body, 1 core): {base_wall:,.0f} profiles/s "
          f"wall, {base_cpu:,.0f} per CPU-second ({base['users']:,.0f} profiles)")
    rss = 0.0
    for label, count in (("1 job", 1), (f"{jobs} jobs", jobs)):
        got = measure(profiles, count)
        users, wall, cpu = got["users"], got["wall"], got["cpu"]
        rss = max(rss, got["rss_parent_mb"], got["rss_worker_mb"])
        per_job_wall = users / wall / count
        print(f"audience, {label}: {users / wall:,.0f} profiles/s wall "
              f"({per_job_wall:,.0f} per job, {per_job_wall / base_wall:.2f}x baseline), "
              f"{users / cpu:,.0f} per CPU-second ({users / cpu / base_cpu:.2f}x baseline); "
              f"{users:,.0f} profiles in {wall:.1f} s; peak RSS parent "
              f"{got['rss_parent_mb']:.0f} MB, worker {got['rss_worker_mb']:.0f} MB")
        if count == jobs:
            projected = 1_000_000 / (users / wall)
            print(f"  -> 1,000,000 profiles would take {projected:.0f} s at this rate "
                  "(target < 60 s on 2 cores)")
        print(f"  findings: {got['findings']}, colliding eventIds: {got['colliding_ids']}")
    print(f"peak RSS: {rss:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
