"""End to end: `rokt-braze check templates/ --format F` on the stock templates.

The stock templates' only findings are the json-unescaped warnings (the documentation's
body does not escape user data); a config that ignores that rule makes them clean, so
these tests see the empty-result shape of each format.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from rokt_braze.cli import main
from rokt_braze.findings import RULES

REPO = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"


CONFIG: list[str] = []


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    config = tmp_path / ".rokt-braze.toml"
    config.write_text('ignore = ["json-unescaped", "rokt-notify-before"]\n', encoding="utf-8")
    CONFIG[:] = ["--config", str(config)]


def run(capsys: pytest.CaptureFixture[str], fmt: str) -> str:
    status = main(["check", "templates/", "--format", fmt, *CONFIG])
    captured = capsys.readouterr()
    assert (status, captured.err) == (0, "")
    return captured.out


def stock_summary(capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    summary: dict[str, int] = json.loads(run(capsys, "json"))["summary"]
    assert summary["files"] >= 2 and summary["renders"] >= summary["files"]
    assert summary["errors"] == summary["warnings"] == summary["infos"] == 0
    return summary


def test_github(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> None:
    text = run(capsys, "text")
    assert text.startswith("All checks passed")
    assert run(capsys, "github") == text  # no annotations, the same closing line
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert run(capsys, "github") == text
    assert summary.read_text(encoding="utf-8") == f"## rokt-braze\n\n{text}\n"


def test_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(run(capsys, "sarif"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    [run_] = doc["runs"]
    assert run_["results"] == []
    assert len(run_["tool"]["driver"]["rules"]) == len(RULES)
    assert run_["invocations"] == [{"executionSuccessful": True}]


def test_junit(capsys: pytest.CaptureFixture[str]) -> None:
    summary = stock_summary(capsys)
    root = ET.fromstring(run(capsys, "junit").encode("utf-8"))
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    # a lint case per file plus one per render
    assert len(cases) == summary["files"] + summary["renders"]
    assert sum(c.get("name") == "lint" for c in cases) == summary["files"]
    assert all(c.get("classname", "").startswith("templates") for c in cases)
    assert all(list(c) == [] for c in cases)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == (
        str(len(cases)), "0", "0")


@pytest.mark.parametrize(("fail_on", "status"), [("error", 0), ("warning", 1), ("never", 0)])
def test_junit_failures_follow_fail_on_like_the_exit_status(
    capsys: pytest.CaptureFixture[str], fail_on: str, status: int
) -> None:
    """The stock templates' json-unescaped warnings: failures exactly when the run fails."""
    code = main(["check", "templates/", "--format", "junit", "--fail-on", fail_on])
    root = ET.fromstring(capsys.readouterr().out.encode("utf-8"))
    assert code == status
    [suite] = root.findall("testsuite")
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert bool(failed) == bool(status)
    assert suite.get("failures") == str(len(failed))
    warned = [c for c in suite.iter("testcase") if "json-unescaped (warning)" in
              (c.findtext("failure") or c.findtext("system-out") or "")]
    assert warned  # the warnings are in the report either way
