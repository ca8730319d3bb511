"""The fuzzer on the stock create template (it must break) and on a hardened one (it must not).

The minimal profiles are checked the way a user would use them: written with `--out`, then
fed back through `rokt_braze.check`, which must report the same rule.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fuzz_helpers import EXAMPLES, SEED, STOCK, Run, run_cli

import rokt_braze
from rokt_braze.findings import Severity
from rokt_braze.fuzz.search import fuzz_webhook
from rokt_braze.profiles import load_profiles

#: Characters that end or corrupt a JSON string when interpolated raw.
JSON_BREAKERS = frozenset('"\\') | {chr(c) for c in range(0x20)}


@pytest.fixture(scope="module")
def stock_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    out = tmp_path_factory.mktemp("stock")
    run = run_cli("fuzz", STOCK, "--examples", str(EXAMPLES), "--seed", str(SEED),
                  "--out", str(out))
    return run, out


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def _rules_of(path: Path) -> set[str]:
    result = rokt_braze.check([STOCK], profiles=[str(path)])
    assert not result.input_errors
    return {f.rule for f in result.findings if f.severity >= Severity.ERROR}


def test_stock_template_fails_and_lists_each_rule_with_its_file(
    stock_run: tuple[Run, Path],
) -> None:
    run, out = stock_run
    assert run.status == 1, run.err
    for rule in ("body-json-invalid", "rokt-subscription-ids"):
        assert f"\n{rule} (error): failed for " in run.out
        assert f"smallest profile: {out / (rule + '.yaml')}" in run.out
    # each rule's block carries at least one finding line positioned in the template
    block = run.out.split("\nbody-json-invalid (error)")[1].split("smallest profile")[0]
    assert f"{STOCK}:" in block and "body is not valid JSON" in block
    assert run.out.rstrip().endswith(f"rerun with --seed {SEED} to reproduce")


def test_quote_in_an_attribute_breaks_the_body_and_the_file_reproduces_it(
    stock_run: tuple[Run, Path],
) -> None:
    _, out = stock_run
    path = out / "body-json-invalid.yaml"
    [profile] = load_profiles(path)
    # small: one attribute, one short value, and that value holds a JSON-breaking character
    strings = _strings(profile.data)
    assert len(strings) == 1 and len(strings[0]) <= 3
    assert set(strings[0]) & JSON_BREAKERS
    assert "body-json-invalid" in _rules_of(path)


def test_user_without_subscription_ids_and_the_file_reproduces_it(
    stock_run: tuple[Run, Path],
) -> None:
    _, out = stock_run
    path = out / "rokt-subscription-ids.yaml"
    [profile] = load_profiles(path)
    assert not profile.data.get("custom_attributes", {}).get("rokt:subscription_id")
    assert len(path.read_text("utf-8").split("\n# ")) >= 2  # the header names the finding
    assert "rokt-subscription-ids" in _rules_of(path)


def test_every_written_profile_reproduces_its_rule(stock_run: tuple[Run, Path]) -> None:
    _, out = stock_run
    written = sorted(out.glob("*.yaml"))
    assert len(written) >= 2
    for path in written:
        assert path.stem in _rules_of(path), path.name


def test_same_seed_same_output(stock_run: tuple[Run, Path], tmp_path: Path) -> None:
    first, first_out = stock_run
    texts = {p.name: p.read_text("utf-8") for p in first_out.glob("*.yaml")}
    again = run_cli("fuzz", STOCK, "--examples", str(EXAMPLES), "--seed", str(SEED),
                    "--out", str(first_out))  # same folder: the paths printed are the same
    assert (again.status, again.out) == (first.status, first.out)
    assert {p.name: p.read_text("utf-8") for p in first_out.glob("*.yaml")} == texts
    # A fresh process has far fewer modules loaded than this test session (Hypothesis would
    # otherwise mix their literals into its draws): the output must not change.
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    fresh = subprocess.run(
        [sys.executable, "-m", "rokt_braze.cli", "fuzz", STOCK, "--examples", str(EXAMPLES),
         "--seed", str(SEED), "--out", str(first_out)],
        capture_output=True, text=True, check=False, timeout=120, cwd=tmp_path, env=env,
    )
    assert (fresh.returncode, fresh.stdout) == (first.status, first.out)
    assert {p.name: p.read_text("utf-8") for p in first_out.glob("*.yaml")} == texts
    # and Hypothesis kept its caches out of the user's folder
    assert not (tmp_path / ".hypothesis").exists()
    assert (tmp_path / "cache" / "rokt-braze" / "hypothesis").is_dir()


def test_hardened_template_has_nothing_to_report(hardened: str, tmp_path: Path) -> None:
    run = run_cli("fuzz", hardened, "--examples", str(EXAMPLES), "--seed", str(SEED),
                  "--out", str(tmp_path))
    assert run.status == 0, run.out
    assert "body-json-invalid" not in run.out and "rokt-subscription-ids" not in run.out
    assert run.out.rstrip().endswith("no rule fails at or above error")
    assert list(tmp_path.iterdir()) == []


def test_hardened_template_aborts_for_the_users_it_guards_against(hardened: str) -> None:
    """At `info` the guards show up as `aborted`, with an empty profile as the witness."""
    result = fuzz_webhook(hardened, examples=60, seed=SEED, level=Severity.INFO)
    assert [f.rule for f in result.failures] == ["aborted"]
    [failure] = result.failures
    assert failure.profile == {}
    assert "abort_message fired" in failure.findings[0].message
