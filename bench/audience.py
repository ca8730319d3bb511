"""Users per CPU-second of `rokt-braze audience` against plain python-liquid; a big run.

Run: python bench/audience.py [--users N] [--big M] [--jobs J] [--profiles FILE]

In one run, on exports written by `make_profiles.py` (or `--profiles FILE` for both parts):

* per core: N users (default 100,000) rendered by the baseline - the simplest program that
  renders the stock create-event body for each user of the export: read the line,
  `json.loads` it, render the body with a plain `liquid.Environment` in which each `${...}`
  atom is a plain variable - and checked by `run_audience` on the stock create webhook
  (URL, headers, body, validation, summary) with one job. Both are measured in CPU time
  (users per CPU-second), so other load on a shared machine does not skew the ratio; the
  target is a ratio of at least 1.0. The field renders are counted too: compiled, and
  interpreted with the reason (a fallback, or a field that does not compile);
* the big run: M users (default 200,000; `--big 1000000` for the target, on a quiet
  machine) checked with J jobs (default: every core), in a child process so that its peak
  RSS (`ru_maxrss` of the child and of its worker processes) is its own. Targets:
  1,000,000 users in under 30 s on two cores, peak RSS under 300 MB.

Either part is skipped with a count of 0. The children import the rokt_braze of the
checkout this file is in, not whichever one is installed.
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
        "renders": getattr(summary, "renders", {}),  # (an older rokt_braze, to compare)
    }))


def measure(profiles: Path, jobs: int) -> dict[str, Any]:
    # this checkout's rokt_braze, whatever is installed
    path = os.pathsep.join(p for p in (str(HERE.parent), os.environ.get("PYTHONPATH")) if p)
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(profiles), str(jobs)],
        check=True, capture_output=True, text=True, cwd=HERE.parent,
        env={**os.environ, "PYTHONPATH": path},
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def export(n: int, scratch: str) -> Path:
    """`n` users from `make_profiles.py`, written once per run."""
    sys.path.insert(0, str(HERE))
    from make_profiles import write

    path = Path(scratch) / f"export-{n}.jsonl"
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8") as out:
        write(n, out)
    print(f"wrote {n:,} users ({path.stat().st_size / 1e6:,.0f} MB) in "
          f"{time.perf_counter() - started:.0f} s")
    return path


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1], int(argv[2]))
        return 0
    users, big, jobs, profiles = 100_000, 200_000, len(os.sched_getaffinity(0)), None
    args = iter(argv)
    for arg in args:
        if arg == "--profiles":
            profiles = Path(next(args))
        elif arg == "--jobs":
            jobs = int(next(args))
        elif arg == "--users":
            users = int(next(args))
        elif arg == "--big":
            big = int(next(args))
        else:
            sys.stderr.write(__doc__ or "")
            return 2
    print(f"rokt_braze: {HERE.parent} (this checkout)")
    print(f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as scratch:
        if users:
            per_core(profiles or export(users, scratch))
        if big:
            big_run(profiles or export(big, scratch), jobs)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


def per_core(profiles: Path) -> None:
    base = baseline(profiles, limit=10**9)
    base_cpu = base["users"] / base["cpu"]
    print(f"baseline (plain python-liquid, stock body): {base_cpu:,.0f} users per CPU-second "
          f"({base['users']:,.0f} users, {base['cpu']:.1f} s CPU)")
    got = measure(profiles, 1)
    users, cpu = got["users"], got["cpu"]
    print(f"audience --jobs 1: {users / cpu:,.0f} users per CPU-second ({users:,.0f} users, "
          f"{cpu:.1f} s CPU): {users / cpu / base_cpu:.2f}x the baseline (target >= 1.0x)")
    renders = got["renders"]
    total = sum(renders.values()) or 1
    print("  field renders: " + ", ".join(
        f"{kind} {count:,} ({count / total:.1%})"
        for kind, count in sorted(renders.items(), key=lambda kv: -kv[1])))
    print(f"  findings: {got['findings']}, colliding eventIds: {got['colliding_ids']}")


def big_run(profiles: Path, jobs: int) -> None:
    got = measure(profiles, jobs)
    users, wall = got["users"], got["wall"]
    rss = max(got["rss_parent_mb"], got["rss_worker_mb"])
    print(f"audience --jobs {jobs}: {users:,.0f} users in {wall:.1f} s wall "
          f"({users / wall:,.0f} users/s, {users / got['cpu']:,.0f} per CPU-second); peak RSS "
          f"parent {got['rss_parent_mb']:.0f} MB, worker {got['rss_worker_mb']:.0f} MB")
    if users != 1_000_000:
        print(f"  -> 1,000,000 users would take {1_000_000 / (users / wall):.0f} s at this rate "
              "(target < 30 s on 2 cores; run --big 1000000 on a quiet machine to measure it)")
    else:
        print("  (target < 30 s on 2 cores)")
    print(f"peak RSS: {rss:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
