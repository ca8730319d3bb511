"""`rokt-braze fuzz` on the command line: options, exit statuses, input errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fuzz_helpers import STOCK, run_cli


def test_without_out_the_profiles_are_printed_inline() -> None:
    run = run_cli("fuzz", STOCK, "--examples", "40", "--seed", "11")
    assert run.status == 1
    assert "\nrokt-subscription-ids (error): failed for " in run.out
    assert "  smallest profile:\n    {}\n" in run.out  # an empty user already fails
    assert "seed 11" in run.out.splitlines()[0]


def test_fail_on_never_reports_but_exits_zero() -> None:
    run = run_cli("fuzz", STOCK, "--examples", "40", "--seed", "11", "--fail-on", "never")
    assert run.status == 0
    assert "rokt-subscription-ids (error)" in run.out
    assert "at or above warning" in run.out


def test_without_seed_a_fresh_one_is_printed_for_reproduction() -> None:
    run = run_cli("fuzz", STOCK, "--examples", "20")
    seed = run.out.splitlines()[0].rpartition("seed ")[2]
    assert seed.isdigit()
    assert run.out.rstrip().endswith(f"rerun with --seed {seed} to reproduce")


def test_missing_webhook_is_an_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.webhook.yaml"
    run = run_cli("fuzz", str(missing))
    assert run.status == 2
    assert run.err == f"rokt-braze: {missing}: no such file\n"


def test_template_that_does_not_parse_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.webhook.yaml"
    path.write_text('url: "https://api.roktcalendar.com/v1/subscriptionevent/x"\n'
                    'body: "{% if %}"\n', "utf-8")
    run = run_cli("fuzz", str(path), "--examples", "5")
    assert run.status == 2
    # where, as check prints it: path:line:col: rule message
    assert run.err.startswith(f"rokt-braze: {path}:2:11: liquid-syntax ")
    assert run.err.rstrip().endswith("fuzz needs a webhook that parses (rokt-braze check)")
    assert run.err.count("\n") == 1 and run.out == ""


def test_unknown_target_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "t.webhook.yaml"
    path.write_text('target: rokt.delete\nurl: "https://example.com/"\nbody: "{}"\n', "utf-8")
    run = run_cli("fuzz", str(path), "--examples", "5")
    assert run.status == 2 and "unknown target 'rokt.delete'" in run.err


def test_out_that_is_a_file_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    run = run_cli("fuzz", STOCK, "--examples", "10", "--seed", "1", "--out", str(blocker))
    assert run.status == 2
    assert run.err.startswith(f"rokt-braze: {blocker}: cannot create the output folder")


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_examples_must_be_a_positive_number(value: str) -> None:
    run = run_cli("fuzz", STOCK, "--examples", value)
    assert run.status == 2 and "--examples" in run.err


def test_missing_hypothesis_is_a_clear_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # `import hypothesis` now fails
    run = run_cli("fuzz", STOCK)
    assert run.status == 2
    assert "fuzz needs Hypothesis" in run.err and "rokt-braze[fuzz]" in run.err


def test_fuzz_is_listed_in_the_help() -> None:
    run = run_cli("--help")
    assert run.status == 0 and "fuzz" in run.out
