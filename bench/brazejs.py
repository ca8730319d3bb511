"""rokt-braze and brazejs side by side, against Shopify's Ruby Liquid.

Run: python bench/brazejs.py [--examples N] [--cache DIR] [--show K]

brazejs (the npm package `brazejs`, a JavaScript Braze Liquid renderer) is the one other
offline Braze renderer. This renders the differential tier's cases with rokt-braze, with
brazejs and with Ruby Liquid 5.4, and counts for each engine the cases that come out equal
to Ruby's render (the same bytes, or both fail):

* the standard-Liquid regression cases (tests/oracle/test_regressions.py, `CASES`);
* the Braze-syntax regression cases (`BRAZE_CASES`): the Braze template against Ruby's
  render of its standard meaning;
* the generated templates, drawn with the CI tier's fixed seed (`--examples`, default
  2500, as `CI=true` draws them), split into those with and without Braze syntax; a
  Braze template is compared with Ruby's render of its standard meaning.

brazejs is installed with npm into a cache folder outside the repository (default
`~/.cache/rokt-braze-bench/brazejs-VERSION`, or `$XDG_CACHE_HOME`); nothing from it is
kept in the repository. Needs node and npm (and the npm registry, the first time) and
Ruby Liquid (`apt-get install ruby ruby-liquid`). Not part of the test suite or .ci/run.

The machine is shared: times are wall-clock, printed with the load average.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from oracle.differential import render_in_rokt_braze  # noqa: E402
from oracle.pairs import has_braze, sides  # noqa: E402
from oracle.ruby_liquid import _ORACLE, render_in_ruby, ruby_unavailable  # noqa: E402
from oracle.strategies import CONTENT_BLOCKS, data, templates  # noqa: E402
from oracle.test_regressions import BRAZE_CASES, CASES  # noqa: E402

BRAZEJS_VERSION = "1.7.1"
#: Seconds to wait for brazejs's reply to one render before giving it up as failed.
REPLY_TIMEOUT = 20.0

#: Reads one JSON request a line ({template, data, blocks: folder or null}) and answers one
#: JSON line ({ok, text}). Content blocks are files, as brazejs looks them up: one engine
#: per folder of `<name>.liquid` files.
DRIVER = r"""
const readline = require('readline');
const Liquid = require('brazejs');
const engines = new Map();
function engine(folder) {
  const key = folder || '';
  if (!engines.has(key)) {
    engines.set(key, new Liquid(folder ? {root: [folder], extname: '.liquid'} : {}));
  }
  return engines.get(key);
}
function reply(ok, text) {
  process.stdout.write(JSON.stringify({ok: ok, text: String(text)}) + '\n');
}
let queue = Promise.resolve();
readline.createInterface({input: process.stdin}).on('line', (line) => {
  queue = queue.then(async () => {
    const request = JSON.parse(line);
    const context = Object.assign({}, request.data);
    if (request.blocks) context.__contentBlocks = {root: ['.']};
    try {
      reply(true, await engine(request.blocks).parseAndRender(request.template, context));
    } catch (err) {
      reply(false, (err && err.message) || err);
    }
  });
});
process.stdout.write(JSON.stringify({ready: require('brazejs/package.json').version}) + '\n');
"""


class SetupError(Exception):
    """brazejs cannot run here; the message says why and what to do."""


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rokt-braze-bench" / f"brazejs-{BRAZEJS_VERSION}"


def install_brazejs(cache: Path) -> Path:
    """The cache folder with brazejs and the driver in it, installed there if missing."""
    cache = cache.resolve()
    if cache == ROOT or ROOT in cache.parents:
        raise SetupError(f"{cache}: the cache folder must be outside the repository")
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise SetupError(f"{tool} is not installed (brazejs runs on Node.js)")
    package = cache / "node_modules" / "brazejs" / "package.json"
    if not package.exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"installing brazejs {BRAZEJS_VERSION} into {cache} with npm ...", file=sys.stderr)
        done = subprocess.run(
            ["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund",
             "--no-save", "--loglevel=error", f"brazejs@{BRAZEJS_VERSION}"],
            capture_output=True, text=True, check=False, timeout=600,
        )
        if done.returncode != 0 or not package.exists():
            raise SetupError("npm install brazejs failed: "
                             + (done.stderr.strip() or done.stdout.strip())[-500:])
    (cache / "driver.js").write_text(DRIVER, encoding="utf-8")
    return cache


class Brazejs:
    """A running `node driver.js`; started again if it dies or stops answering."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.version = ""
        self._process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            ["node", str(self.cache / "driver.js")], cwd=self.cache, text=True,
            encoding="utf-8", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env={**os.environ, "TZ": "UTC"},
        )
        hello = self._read(process)
        if hello is None or "ready" not in hello:
            process.kill()
            raise SetupError("the brazejs driver did not start (node driver.js)")
        self.version = str(hello["ready"])
        return process

    @staticmethod
    def _read(process: subprocess.Popen[str]) -> dict[str, Any] | None:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], REPLY_TIMEOUT)
        line = process.stdout.readline() if ready else ""
        return json.loads(line) if line else None

    def render(self, template: str, values: Mapping[str, Any],
               blocks: Path | None = None) -> tuple[bool, str]:
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        process = self._process
        assert process.stdin is not None
        request = {"template": template, "data": values,
                   "blocks": str(blocks) if blocks else None}
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        reply = self._read(process)
        if reply is None:  # hung (an endless loop) or died: counted as failed
            self.close()
            return False, "no reply from brazejs"
        return bool(reply["ok"]), str(reply["text"])

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


def blocks_folder(cache: Path, blocks: Mapping[str, str]) -> Path | None:
    """A folder of `<name>.liquid` files holding `blocks` (one per distinct set)."""
    if not blocks:
        return None
    digest = hashlib.sha1(json.dumps(sorted(blocks.items())).encode()).hexdigest()[:12]
    folder = cache / "blocks" / digest
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in blocks.items():
        (folder / f"{name}.liquid").write_text(source, encoding="utf-8")
    return folder


@dataclass
class Case:
    name: str
    braze: str  # what rokt-braze and brazejs render
    standard: str  # what Ruby Liquid renders
    data: dict[str, Any]
    blocks: Mapping[str, str] = field(default_factory=dict)


def regression_cases() -> Iterator[tuple[str, Case]]:
    for name, (template, values, _) in sorted(CASES.items()):
        yield "standard regression cases", Case(name, template, template, values)
    for name, (template, meaning, values, blocks, _) in sorted(BRAZE_CASES.items()):
        yield "Braze-syntax regression cases", Case(name, template, meaning, values, blocks)


def generated_cases(examples: int) -> list[tuple[str, Case]]:
    """The templates the CI tier draws (the same fixed seed and count)."""
    drawn: list[tuple[str, Case]] = []
    blocks = {name: braze for name, (braze, _) in CONTENT_BLOCKS.items()}

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(template=templates(), values=data())
    def collect(template: str, values: dict[str, Any]) -> None:
        braze, standard = sides(template)
        suite = ("generated, with Braze syntax" if has_braze(template)
                 else "generated, standard Liquid")
        drawn.append((suite, Case(f"#{len(drawn)}", braze, standard, values, blocks)))

    collect()
    return drawn


def agrees(outcome: tuple[bool, str], ruby: tuple[bool, str]) -> bool:
    return outcome == ruby or (not outcome[0] and not ruby[0])


@dataclass
class Tally:
    cases: int = 0
    equal: dict[str, int] = field(default_factory=lambda: {"rokt-braze": 0, "brazejs": 0})


def compare(cases: list[tuple[str, Case]], brazejs: Brazejs, cache: Path,
            show: int) -> tuple[dict[str, Tally], dict[str, float]]:
    tallies: dict[str, Tally] = {}
    seconds = {"Ruby Liquid": 0.0, "rokt-braze": 0.0, "brazejs": 0.0}
    folders: dict[int, Path | None] = {}
    shown = 0

    def timed(engine: str, render: Callable[..., tuple[bool, str]],
              *args: Any) -> tuple[bool, str]:
        started = time.perf_counter()
        outcome = render(*args)
        seconds[engine] += time.perf_counter() - started
        return outcome

    for suite, case in cases:
        key = id(case.blocks)
        if key not in folders:
            folders[key] = blocks_folder(cache, case.blocks)
        ruby = timed("Ruby Liquid", render_in_ruby, case.standard, case.data)
        ours = timed("rokt-braze", render_in_rokt_braze, case.braze, case.data, case.blocks)
        theirs = timed("brazejs", brazejs.render, case.braze, case.data, folders[key])
        tally = tallies.setdefault(suite, Tally())
        tally.cases += 1
        tally.equal["rokt-braze"] += agrees(ours, ruby)
        tally.equal["brazejs"] += agrees(theirs, ruby)
        if shown < show and not agrees(theirs, ruby) and len(case.braze) < 200:
            shown += 1
            print(f"brazejs differs ({suite}, {case.name}): {case.braze!r}\n"
                  f"  Ruby: {ruby!r}\n  brazejs: {theirs!r}", file=sys.stderr)
    return tallies, seconds


def table(tallies: dict[str, Tally]) -> str:
    lines = ["| suite | cases | rokt-braze | brazejs |", "| --- | ---: | ---: | ---: |"]
    total = Tally()
    for suite, tally in tallies.items():
        lines.append(f"| {suite} | {tally.cases:,} | {tally.equal['rokt-braze']:,} | "
                     f"{tally.equal['brazejs']:,} |")
        total.cases += tally.cases
        for engine, count in tally.equal.items():
            total.equal[engine] += count
    lines.append(f"| **total** | **{total.cases:,}** | **{total.equal['rokt-braze']:,}** | "
                 f"**{total.equal['brazejs']:,}** |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2500,
                        help="generated templates (default 2500, as the CI tier draws)")
    parser.add_argument("--cache", type=Path, default=default_cache(),
                        help="where brazejs is installed (outside the repository)")
    parser.add_argument("--show", type=int, default=0, metavar="K",
                        help="print the first K short cases where brazejs differs")
    args = parser.parse_args(argv)
    reason = ruby_unavailable()
    if reason is not None:
        print(f"brazejs.py: Ruby Liquid is needed as the reference: {reason}", file=sys.stderr)
        return 2
    brazejs: Brazejs | None = None
    try:
        cache = install_brazejs(args.cache)
        brazejs = Brazejs(cache)
        cases = [*regression_cases(), *generated_cases(args.examples)]
        tallies, seconds = compare(cases, brazejs, cache, args.show)
    except SetupError as err:
        print(f"brazejs.py: {err}", file=sys.stderr)
        return 2
    finally:
        if brazejs is not None:
            brazejs.close()
    print(f"Equal to Ruby Liquid {_ORACLE.version} (same output, or both fail); "
          f"brazejs {brazejs.version}; {args.examples} generated templates (CI seed)\n")
    print(table(tallies))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print("\nrender time, all cases: " + ", ".join(
        f"{engine} {took:.1f} s" for engine, took in seconds.items())
        + f" (load average {load}; shared machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
