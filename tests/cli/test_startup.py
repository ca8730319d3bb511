"""Start-up: each command imports what it uses and no more (bench/startup.sh measures the
CPU this saves; these tests keep the imports from creeping back)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STOCK = ROOT / "templates" / "rokt-create-event.webhook.yaml"
HEAVY = ("liquid", "jsonschema", "yaml", "tomllib", "rokt_braze.pipeline", "rokt_braze.lint")
# The console script: `main()` with the process's own arguments.
SCRIPT = ("import sys; from rokt_braze.cli import main; status = main(); "
          f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr); "
          "sys.exit(status)")  # fmt: skip


def imported(*args: str, cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "ROKT_BRAZE_NO_CACHE": "1"})
    *_, modules = done.stderr.splitlines()
    return done, ast.literal_eval(modules)


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"]])
def test_version_and_help_import_nothing_heavy(args: list[str]) -> None:
    done, modules = imported(*args)
    assert done.returncode == 0
    assert modules == []


def test_a_valid_body_is_checked_without_jsonschema() -> None:
    done, modules = imported("check", "--format", "json", str(STOCK))
    assert done.returncode == 0
    assert json.loads(done.stdout)["summary"]["files"] == 1
    assert "jsonschema" not in modules, (
        "a schema keyword outside targets/conforms.py's subset makes every check import "
        "jsonschema (~35 ms of a pre-commit run): teach conforms the keyword")
    assert {"liquid", "yaml", "rokt_braze.pipeline"} <= set(modules)


def test_the_console_script_leaves_a_complete_report_file(tmp_path: Path) -> None:
    """The console script freezes the collector before the process ends: every report byte
    must still reach the file."""
    out = tmp_path / "report.json"
    done, _ = imported("check", "--format", "json", "--output", str(out), str(STOCK))
    assert done.returncode == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["files"] == 1
    assert [f["rule"] for f in report["findings"]] == [
        "json-unescaped", "rokt-notify-before", "json-unescaped"]  # the stock notifyBefore string
