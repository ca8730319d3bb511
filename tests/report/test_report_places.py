"""One report entry per rule and place, in every format a reader reads line by line.

The pipeline keeps what each stage found (the SARIF and entry-point tests rely on it);
the text, JSON and GitHub formats merge it as SARIF does.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from report_samples import CREATE, ERR_TZ, WARN_NO_POS

from rokt_braze.findings import CheckResult, Severity
from rokt_braze.pipeline import Settings, check_files
from rokt_braze.report import write_report

FILTERED = "url: https://example.com/{{ ${first_name} | nosuch }}\nbody: '{}'\n"


def report(result: CheckResult, fmt: str) -> str:
    out = io.StringIO()
    write_report(result, fmt, out)
    return out.getvalue()


def test_profiles_and_stages_merge_into_one_text_line_at_the_worst_severity() -> None:
    tz = ERR_TZ.with_(message="bad zone")
    static = tz.with_(profile="", severity=Severity.WARNING)
    others = [tz.with_(profile=f"user-{n}") for n in range(4)]
    moved = tz.with_(column=30)  # another place: its own line
    result = CheckResult([static, tz, *others, moved, WARN_NO_POS], [CREATE], renders=5)
    lines = report(result, "text").splitlines()
    assert lines == [
        f"{CREATE}:12:22: rokt-timezone (error) bad zone [sample-subscriber, user-0, user-1 "
        "and 2 more]",
        f"{CREATE}:12:30: rokt-timezone (error) bad zone [sample-subscriber]",
        f"{CREATE}: rokt-unknown-field (warning) {WARN_NO_POS.message}",
        "Found 2 errors, 1 warning in 1 file (5 renders).",
    ]


def test_json_lists_every_profile_of_an_entry_and_counts_entries() -> None:
    static = ERR_TZ.with_(profile="")
    result = CheckResult([static, ERR_TZ, ERR_TZ.with_(profile="opted-out")], [CREATE])
    doc = json.loads(report(result, "json"))
    assert doc["summary"]["errors"] == 1
    [entry] = doc["findings"]
    assert entry == {**ERR_TZ.to_dict(), "profiles": ["sample-subscriber", "opted-out"]}
    # found by the static rules only: no profile
    [entry] = json.loads(report(CheckResult([static], [CREATE]), "json"))["findings"]
    assert (entry["profile"], entry["profiles"]) == ("", [])


def test_an_unknown_filter_found_by_lint_and_render_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("f.webhook.yaml").write_text(FILTERED, encoding="utf-8")
    result = check_files(["f.webhook.yaml"], Settings())
    unknown = [f for f in result.findings if f.rule == "unknown-filter"]
    assert sorted(f.profile for f in unknown) == ["", "sample-subscriber"]  # the pipeline's
    text = report(result, "text")
    assert text.count("unknown-filter") == 1
    assert "unknown filter 'nosuch' [sample-subscriber]" in text
    entries = json.loads(report(result, "json"))["findings"]
    [entry] = [e for e in entries if e["rule"] == "unknown-filter"]
    assert (entry["line"], entry["column"], entry["profiles"]) == (1, 45, ["sample-subscriber"])
    annotations = [line for line in report(result, "github").splitlines()
                   if "title=unknown-filter" in line]
    assert annotations == ["::error file=f.webhook.yaml,line=1,col=45,title=unknown-filter::"
                           "unknown filter 'nosuch' [sample-subscriber]"]


def test_the_github_step_summary_has_one_row_per_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    twice = [ERR_TZ, ERR_TZ.with_(profile="opted-out")]
    report(CheckResult(twice, [CREATE], renders=2), "github")
    rows = [r for r in summary.read_text(encoding="utf-8").splitlines() if "rokt-timezone" in r]
    assert len(rows) == 1
    assert rows[0].endswith("| sample-subscriber, opted-out |")


def test_the_exit_status_still_reads_every_finding() -> None:
    """Merging is for reading; the worst finding still decides, however it is shown."""
    result = CheckResult([ERR_TZ.with_(severity=Severity.INFO), ERR_TZ], [CREATE])
    assert result.worst() is Severity.ERROR
    assert report(result, "text").count("(error)") == 1
    assert len(result.findings) == 2  # the result itself is untouched


def test_the_cap_counts_places_so_every_profile_of_a_listed_place_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(".rokt-braze.toml").write_text("max-findings-per-rule = 3\n", encoding="utf-8")
    Path("p1.json").write_text('{"external_id": "u1"}', encoding="utf-8")
    Path("p2.json").write_text('{"external_id": "u2"}', encoding="utf-8")
    Path("m.liquid").write_text("{{ ${first_name} }}\n" * 5, encoding="utf-8")
    from rokt_braze.config import load_config

    settings = Settings.make(load_config(None), profiles=["p1.json", "p2.json"])
    result = check_files(["m.liquid"], settings)
    missing = [f for f in result.findings if f.rule == "missing-attribute"]
    assert [(f.line, f.profile) for f in missing] == [
        (1, "u1"), (1, "u2"), (2, "u1"), (2, "u2"), (3, "u1"), (3, "u2"), (4, "")]
    assert missing[-1].message.startswith("2 more missing-attribute findings in this file")
    lines = report(result, "text").splitlines()
    assert [line.split(":")[1] for line in lines if "missing-attribute" in line] == [
        "1", "2", "3", "4"]
