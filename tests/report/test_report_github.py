"""`--format github`: workflow commands escaped as actions/toolkit does, plus the step summary."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from report_samples import CLEAN, CREATE, ERR_TZ, sample_result

from rokt_braze.errors import InputError
from rokt_braze.findings import CheckResult, Finding, Severity
from rokt_braze.report import github_format, write_report


def render(result: CheckResult) -> str:
    out = io.StringIO()
    write_report(result, "github", out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests may run inside GitHub Actions themselves: never touch the real summary."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.mark.parametrize(("raw", "data", "prop"), [
    ("plain", "plain", "plain"),
    ("100%", "100%25", "100%25"),
    ("a\rb\nc\r\n", "a%0Db%0Ac%0D%0A", "a%0Db%0Ac%0D%0A"),
    ("key: a, b", "key: a, b", "key%3A a%2C b"),
    # an already-escaped-looking input is escaped again, not passed through
    ("%0A", "%250A", "%250A"),
    ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
])
def test_escaping_per_command_ts(raw: str, data: str, prop: str) -> None:
    assert github_format.escape_data(raw) == data
    assert github_format.escape_property(raw) == prop


def test_full_output_errors_first_then_warnings_then_notices() -> None:
    expected = [
        "::error file=templates/create.webhook.yaml,line=12,col=22,title=rokt-timezone::"
        '100%25 wrong: "Europe/Paris", use: W. Europe Standard Time%0D%0Asee docs '
        "[sample-subscriber]",
        "::error file=templates/sub dir/update.webhook.yaml,line=2,title=rokt-url::"
        "account code | empty [sample-subscriber]",
        "::warning file=templates/create.webhook.yaml,title=rokt-unknown-field::"
        'key "colour" is not defined',
        "::warning file=templates/create.webhook.yaml,line=9,col=15,title=missing-attribute::"
        "${first_name} is not set <for this profile> [opted-out]",
        "::notice file=templates/sub dir/update.webhook.yaml,line=4,col=3,title=aborted::"
        "abort_message fired: opted out [opted-out]",
        "Found 2 errors, 2 warnings, 1 info in 3 files (4 renders).",
    ]
    assert render(sample_result()).splitlines() == expected


def test_property_values_escape_colon_and_comma() -> None:
    f = Finding("rokt-url", Severity.ERROR, "m", "dir,1/a:b%.yaml", 1, 1)
    line = render(CheckResult([f], ["dir,1/a:b%.yaml"])).splitlines()[0]
    assert line == "::error file=dir%2C1/a%3Ab%25.yaml,line=1,col=1,title=rokt-url::m"


def test_finding_without_file_or_position() -> None:
    f = Finding("render-error", Severity.ERROR, "boom")
    assert render(CheckResult([f], [])).splitlines()[0] == "::error title=render-error::boom"


def test_a_message_cannot_start_a_command_of_its_own() -> None:
    evil = Finding("rokt-url", Severity.WARNING, "x\n::error file=a::injected\r::stop-commands::t",
                   CREATE, 1, 1)
    lines = render(CheckResult([evil], [CREATE])).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::warning ")
    assert not lines[1].startswith("::")


def test_input_errors_become_error_commands_before_findings() -> None:
    result = sample_result(input_errors=["templates/bad.webhook.yaml: line 3: bad YAML, see 50%"])
    lines = render(result).splitlines()
    assert lines[0] == ("::error title=rokt-braze::"
                        "templates/bad.webhook.yaml: line 3: bad YAML, see 50%25")
    # the message names no checked file: the problem is in something they use
    assert lines[-2:] == ["1 input error (see the errors): nothing that needs it was rendered.",
                          "Found 2 errors, 2 warnings, 1 info in 3 files (4 renders)."]
    owned = sample_result(input_errors=[f"{CLEAN}:3:1: bad YAML"])
    assert render(owned).splitlines()[-2] == "1 of 3 files could not be checked (see the errors)."


def test_summary_line_matches_the_text_format() -> None:
    for result in (sample_result(findings=[ERR_TZ.with_(message="one line")]),
                   sample_result(findings=[]),
                   sample_result(findings=[], input_errors=["x: unreadable"])):
        text = io.StringIO()
        write_report(result, "text", text)
        n = len(result.findings)
        assert render(result).splitlines()[n + len(result.input_errors):] == \
            text.getvalue().splitlines()[n:]


def test_no_step_summary_without_the_variable(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    render(sample_result())
    assert list(tmp_path.iterdir()) == []


def table_rows(markdown: str) -> list[list[str]]:
    """Split table rows on unescaped pipes, as GFM does."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            cells = line.replace("\\|", "\0").strip("|").split("|")
            rows.append([c.strip().replace("\0", "\\|") for c in cells])
    return rows


def test_step_summary_appended_when_the_variable_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    stdout = render(sample_result())
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## rokt-braze\n")
    assert "Found 2 errors, 2 warnings, 1 info in 3 files (4 renders)." in text
    rows = table_rows(text)
    assert rows[0] == ["Location", "Rule", "Severity", "Message", "Profile"]
    assert rows[1:] == [
        ["templates/create.webhook.yaml:12", "rokt-timezone", "error",
         '100% wrong: "Europe/Paris", use: W. Europe Standard Time<br>see docs',
         "sample-subscriber"],
        ["templates/sub dir/update.webhook.yaml:2", "rokt-url", "error",
         "account code \\| empty", "sample-subscriber"],
        ["templates/create.webhook.yaml", "rokt-unknown-field", "warning",
         'key "colour" is not defined', ""],
        ["templates/create.webhook.yaml:9", "missing-attribute", "warning",
         "${first_name} is not set &lt;for this profile&gt;", "opted-out"],
        ["templates/sub dir/update.webhook.yaml:4", "aborted", "info",
         "abort_message fired: opted out", "opted-out"],
    ]
    # a second run appends again rather than replacing
    render(sample_result())
    assert summary.read_text(encoding="utf-8").count("## rokt-braze") == 2
    # stdout is the same whether or not a summary is written
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert stdout == render(sample_result())


def test_step_summary_for_a_clean_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    render(sample_result(findings=[]))
    text = summary.read_text(encoding="utf-8")
    assert "All checks passed (3 files, 4 renders)." in text
    assert "| Location" not in text


def test_step_summary_table_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setattr(github_format, "MAX_SUMMARY_ROWS", 2)
    stdout = render(sample_result())
    text = summary.read_text(encoding="utf-8")
    assert len(table_rows(text)) == 1 + 2
    assert "… and 3 more" in text
    assert sum(line.startswith("::") for line in stdout.splitlines()) == 5  # all still printed


def test_unwritable_step_summary_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory
    with pytest.raises(InputError) as err:
        render(sample_result())
    assert err.value.path == str(tmp_path)
    assert "step summary" in str(err.value)


def test_an_input_error_is_annotated_at_its_file_and_position() -> None:
    bad = "templates/bad.webhook.yaml"
    result = sample_result(files=[CREATE, bad], input_errors=[
        f"{bad}:3:7: invalid YAML: expected ',' or ']'", f"{bad}: not UTF-8", "elsewhere: x"])
    lines = render(result).splitlines()
    assert lines[:3] == [
        f"::error file={bad},line=3,col=7,title=rokt-braze::invalid YAML: expected ',' or ']'",
        f"::error file={bad},title=rokt-braze::not UTF-8",
        "::error title=rokt-braze::elsewhere: x",
    ]


def test_bad_yaml_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from rokt_braze.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    (tmp_path / "bad.webhook.yaml").write_text('url: "x\nbody: [', encoding="utf-8")
    assert main(["check", "bad.webhook.yaml", "--format", "github"]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == ("::error file=bad.webhook.yaml,line=2,col=8,"
                                   "title=rokt-braze::invalid YAML: found unexpected end of stream"
                                   " (in a quoted scalar opened at 1:6)")
    assert err == ("rokt-braze: bad.webhook.yaml:2:8: invalid YAML: found unexpected end of"
                   " stream (in a quoted scalar opened at 1:6)\n")


def test_a_profile_yaml_error_is_annotated_at_the_profile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from rokt_braze.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    (tmp_path / "bad.yaml").write_text("external_id: u1\ncustom_attributes:\n  a: [1, 2\n  b: 3\n",
                                       encoding="utf-8")
    (tmp_path / "a.webhook.yaml").write_text(
        "profiles: [bad.yaml]\nurl: https://example.com/\nbody: x\n", encoding="utf-8")
    assert main(["check", "a.webhook.yaml", "--format", "github"]) == 2
    out, err = capsys.readouterr()
    reason = "invalid YAML: expected ',' or ']', but got ':' (in a flow sequence opened at 3:6)"
    assert out.splitlines()[0] == f"::error file=bad.yaml,line=4,col=4,title=rokt-braze::{reason}"
    assert err == f"rokt-braze: bad.yaml:4:4: {reason}\n"
