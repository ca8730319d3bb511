#!/usr/bin/env bash
# Start-up cost of one pre-commit hook run: `rokt-braze check` on one webhook file
# against `check-jsonschema` on one JSON file (the stock create body as Braze renders
# it, validated against the same Rokt JSON Schema), both as whole processes.
#
# A hook process starts for every commit, so this number, not render speed, is what
# users feel. Measured as CPU time per process (user + system, from the kernel's
# accounting of each finished child), which a busy shared machine disturbs far less than
# wall-clock time. rokt-braze is measured twice:
#   cold  an empty result cache: lint, render, validate, and write the entry;
#   warm  the entry is there and the file unchanged: what an unchanged file costs.
# Prints the median of each and the ratios to check-jsonschema.
#
# Bytecode: both tools run from compiled bytecode, as a pip install (and so a pre-commit
# hook's virtual environment) leaves them. The runs share a private PYTHONPYCACHEPREFIX that
# the untimed first run of each tool fills, because an editable install under
# PYTHONDONTWRITEBYTECODE=1 would otherwise compile every rokt_braze module on every run
# (about 75 ms here) while check-jsonschema's site-packages bytecode is already there.
# NO_BYTECODE=1 measures that case instead (the environment's setting is kept, no prefix).
#
#   bench/startup.sh            # RUNS=20 by default
#   RUNS=50 bench/startup.sh
#
# Needs `rokt-braze` and `check-jsonschema` on PATH (both in the dev extra).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
PYTHON=${PYTHON:-python3}
WEBHOOK=templates/rokt-create-event.webhook.yaml
SCHEMA=rokt_braze/targets/rokt/create_event.schema.json

for tool in rokt-braze check-jsonschema; do
    command -v "$tool" >/dev/null || { echo "startup.sh: $tool is not on PATH" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The JSON file: the body rokt-braze renders for the bundled sample subscriber.
rokt-braze render "$WEBHOOK" --as json \
    | "$PYTHON" -c 'import json, sys; sys.stdout.write(json.load(sys.stdin)["body"])' \
    > "$work/body.json"

"$PYTHON" - "$RUNS" "$work" "$WEBHOOK" "$SCHEMA" <<'EOF'
import os, resource, shutil, statistics, subprocess, sys

runs, work, webhook, schema = int(sys.argv[1]), *sys.argv[2:]
cache = os.path.join(work, "cache")


def cpu_ms(argv: list[str], env: dict[str, str], before=None) -> float:
    """User + system CPU of one child process, in milliseconds."""
    start = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL)
    end = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: findings (the stock template has warnings)
        sys.exit(f"startup.sh: {argv[0]} failed with status {done.returncode}")
    return ((end.ru_utime - start.ru_utime) + (end.ru_stime - start.ru_stime)) * 1000


env = {k: v for k, v in os.environ.items() if k != "ROKT_BRAZE_NO_CACHE"}
env["ROKT_BRAZE_CACHE_DIR"] = cache
if not os.environ.get("NO_BYTECODE"):
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(work, "pycache")
rokt = ["rokt-braze", "check", webhook]
cjs = ["check-jsonschema", "--schemafile", schema, os.path.join(work, "body.json")]

# one untimed run of each, so that both start from warm OS file caches
cpu_ms(cjs, env)
cpu_ms(rokt, env)
times: dict[str, list[float]] = {"check-jsonschema": [], "rokt-braze cold": [],
                                 "rokt-braze warm": []}
for _ in range(runs):  # interleaved, so that load from other processes hits all alike
    times["check-jsonschema"].append(cpu_ms(cjs, env))
    shutil.rmtree(cache, ignore_errors=True)
    times["rokt-braze cold"].append(cpu_ms(rokt, env))
    times["rokt-braze warm"].append(cpu_ms(rokt, env))

medians = {name: statistics.median(values) for name, values in times.items()}
bytecode = "without bytecode" if os.environ.get("NO_BYTECODE") else "from bytecode"
print(f"CPU per process (user + system), median of {runs} runs, {bytecode}:")
for name, ms in medians.items():
    print(f"  {name:<17} {ms:7.1f} ms")
base = medians["check-jsonschema"]
for name in ("rokt-braze cold", "rokt-braze warm"):
    print(f"  {name} / check-jsonschema: {medians[name] / base:.2f}")
EOF
