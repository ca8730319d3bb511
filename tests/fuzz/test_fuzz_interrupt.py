"""Ctrl-C during `rokt-braze fuzz` keeps what the search found: the report and the profile
files of the rules met so far, exit status 130, no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fuzz_helpers import SEED, STOCK
from polling import eventually

import rokt_braze
from rokt_braze.findings import Severity
from rokt_braze.fuzz.search import fuzz_webhook
from rokt_braze.profiles import load_profiles

REPO = Path(__file__).resolve().parents[2]
#: far more than a test waits for: the run is only ever stopped
ENDLESS = "1000000"


def rules_of(profile: Path) -> set[str]:
    result = rokt_braze.check([STOCK], profiles=[str(profile)])
    assert not result.input_errors
    return {f.rule for f in result.findings if f.severity >= Severity.ERROR}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_ctrl_c_reports_and_writes_what_was_found(tmp_path: Path, fmt: str) -> None:
    out_dir = tmp_path / "found"
    run = subprocess.Popen(
        [sys.executable, "-m", "rokt_braze.cli", "fuzz", STOCK, "--examples", ENDLESS,
         "--seed", str(SEED), "--out", str(out_dir), "--format", fmt],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        # a rule's first profile is written as soon as the search meets it
        eventually(lambda: list(out_dir.glob("*.yaml")), "the first profile file")
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 130, err
    assert "Traceback" not in out + err
    [line] = err.splitlines()
    assert line.startswith("rokt-braze: interrupted after ")
    assert line.endswith(f" of {ENDLESS} profiles (what was found so far is reported above)")
    written = sorted(out_dir.glob("*.yaml"))
    assert not list(out_dir.glob("*.tmp"))
    if fmt == "json":
        report = json.loads(out)
        assert report["interrupted"] is True
        assert 0 < report["examples"] < int(ENDLESS)
        failures = report["failures"]
        assert sorted(f["written"] for f in failures) == [str(p) for p in written]
    else:
        assert "\ninterrupted after " in out and f"--seed {SEED}" in out.splitlines()[-1]
        for path in written:
            assert f"{path.stem} (error): failed for " in out and str(path) in out
    for path in written:  # each file is a profile that still shows its rule
        assert load_profiles(path)
        assert path.stem in rules_of(path), path.name


def test_stopped_while_shrinking_keeps_shrunk_and_unshrunk_rules() -> None:
    """Stopped after discovery, part way into the second phase: the rules already shrunk
    keep their minimal profile, the others their first sighting, and each still fails.

    Where the first rule's shrinking ends depends on the rules the search meets, so the
    test counts the questions a complete run asks and stops at points spread over its
    shrinking phase, until one stop falls between two rules."""
    asked = 0

    def count() -> bool:
        nonlocal asked
        asked += 1
        return False

    complete = fuzz_webhook(STOCK, examples=60, seed=SEED, stop=count)
    total = asked
    assert not complete.interrupted and len(complete.failures) >= 2 and total > 60
    mixed = False
    for at in range(61, total, max(1, (total - 60) // 12)):
        asked = 0

        def stop(limit: int = at) -> bool:
            nonlocal asked
            asked += 1
            return asked > limit

        cut = fuzz_webhook(STOCK, examples=60, seed=SEED, stop=stop)
        assert cut.interrupted
        assert cut.examples == complete.examples == 60
        assert [f.rule for f in cut.failures] == [f.rule for f in complete.failures]
        assert [f.hits for f in cut.failures] == [f.hits for f in complete.failures]
        for failure in cut.failures:
            assert failure.findings and all(f.rule == failure.rule for f in failure.findings)
        shrunk = [f.shrunk for f in cut.failures]
        assert shrunk == sorted(shrunk, reverse=True)  # rules are shrunk in order
        if cut.failures[0].shrunk and not cut.failures[-1].shrunk:
            mixed = True
            break
    assert mixed, f"no stop among {total} questions fell between two rules' shrinking"


def test_stopped_during_discovery_counts_the_profiles_judged() -> None:
    asked = 0

    def stop() -> bool:
        nonlocal asked
        asked += 1
        return asked > 25

    cut = fuzz_webhook(STOCK, examples=60, seed=SEED, stop=stop)
    assert (cut.interrupted, cut.examples) == (True, 25)
    assert cut.failures and not any(f.shrunk for f in cut.failures)
    assert all(0 < f.hits <= 25 for f in cut.failures)
    complete = {f.rule for f in fuzz_webhook(STOCK, examples=60, seed=SEED).failures}
    assert {f.rule for f in cut.failures} <= complete
