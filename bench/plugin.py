"""The pytest plugin against the CLI on the same webhooks, kept outside pytest's rootdir.

A team that gates CI on pytest runs `pytest --rokt-braze PATH`; the webhooks often live
outside the Python project whose rootdir pytest picks. Both runs check the same N
copies of the stock create webhook (a lint and a render each), the CLI without its
result cache, and report CPU time per process (user + system), which a busy shared
machine disturbs less than wall-clock time.

    python bench/plugin.py             # N=300, best of 3
    python bench/plugin.py 600 5
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "rokt-create-event.webhook.yaml"


def cpu_seconds(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    end = resource.getrusage(resource.RUSAGE_CHILDREN)
    last = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        sys.exit(f"plugin.py: {argv[:3]} failed ({done.returncode}): {last}\n{done.stderr}")
    return (end.ru_utime - start.ru_utime) + (end.ru_stime - start.ru_stime), last


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    work = Path(tempfile.mkdtemp())
    try:
        webhooks = work / "webhooks"
        webhooks.mkdir()
        for i in range(count):
            shutil.copy(TEMPLATE, webhooks / f"w{i:04d}.webhook.yaml")
        project = work / "project"  # pytest's rootdir: its own ini, no tests of its own
        (project / "tests").mkdir(parents=True)
        (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        env = {**os.environ, "ROKT_BRAZE_NO_CACHE": "1"}
        cli = [sys.executable, "-m", "rokt_braze.cli", "check", str(webhooks)]
        plugin = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                  "--rokt-braze", str(webhooks), "tests"]
        runs = {"cli": [], "plugin": []}  # type: dict[str, list[float]]
        lines = {}
        for _ in range(repeats):
            for name, argv in (("cli", cli), ("plugin", plugin)):
                seconds, lines[name] = cpu_seconds(argv, project, env)
                runs[name].append(seconds)
        best = {name: min(values) for name, values in runs.items()}
        print(f"{count} webhooks outside the rootdir, CPU per process, best of {repeats}:")
        for name in ("cli", "plugin"):
            print(f"  {name:<7} {best[name]:6.2f} s   ({lines[name]})")
        print(f"  plugin / cli: {best['plugin'] / best['cli']:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
