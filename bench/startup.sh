#!/usr/bin/env bash
# Start-up cost of one pre-commit hook run: `rokt-braze check` on one webhook file
# against `check-jsonschema` on one JSON file (the stock create body as Braze renders
# it, validated against the same Rokt JSON Schema), both as whole processes.
#
# A hook process starts for every commit (one per chunk of files), so this number, not
# render speed, is what users feel. Prints the median of each and the ratio.
#
#   bench/startup.sh            # RUNS=20 WARMUP=3 by default
#   RUNS=50 bench/startup.sh
#
# Needs `rokt-braze` and `check-jsonschema` on PATH (pip install check-jsonschema).
# Uses hyperfine when installed (TIMER=python forces the Python timing loop).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
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

rokt=(rokt-braze check "$WEBHOOK")
cjs=(check-jsonschema --schemafile "$SCHEMA" "$work/body.json")
# Both must succeed, or we would be timing an error path.
"${rokt[@]}" >/dev/null
"${cjs[@]}" >/dev/null

if [[ "${TIMER:-}" != python ]] && command -v hyperfine >/dev/null; then
    hyperfine --style basic --runs "$RUNS" --warmup "$WARMUP" --shell=none \
        --export-json "$work/times.json" \
        --command-name rokt-braze "${rokt[*]}" \
        --command-name check-jsonschema "${cjs[*]}" >&2
    timer=hyperfine
else
    "$PYTHON" - "$RUNS" "$WARMUP" "$work/times.json" "${rokt[*]}" "${cjs[*]}" <<'EOF'
"""Fallback timer: the same JSON shape as hyperfine's export."""
import json, shlex, subprocess, sys, time

runs, warmup, out, *commands = sys.argv[1:]
results = []
for command in commands:
    argv = shlex.split(command)
    times = []
    for i in range(int(warmup) + int(runs)):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        if i >= int(warmup):
            times.append(time.perf_counter() - start)
    results.append({"command": argv[0], "times": times})
with open(out, "w") as f:
    json.dump({"results": results}, f)
EOF
    timer="python loop"
fi

"$PYTHON" - "$work/times.json" "$timer" "$RUNS" <<'EOF'
import json, statistics, sys

path, timer, runs = sys.argv[1:]
results = json.load(open(path))["results"]
medians = {r["command"]: statistics.median(r["times"]) for r in results}
print(f"start-up, median of {runs} runs ({timer}):")
for name, seconds in medians.items():
    print(f"  {name:<17} {seconds * 1000:7.1f} ms")
rokt, cjs = medians["rokt-braze"], medians["check-jsonschema"]
print(f"  ratio rokt-braze / check-jsonschema: {rokt / cjs:.2f}")
EOF
