"""`--format sarif`: a SARIF 2.1.0 log that validates and suits GitHub code scanning."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomllib
from report_samples import CREATE, ERR_LINE_ONLY, ERR_TZ, NOTICE, WARN_NO_POS, sample_result

import rokt_braze
from rokt_braze.findings import RULES, CheckResult, Finding, Severity
from rokt_braze.report import sarif_format, write_report

REPO = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
URLS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # the schema says draft-04
    cls.check_schema(schema)
    return cls(schema)


def render(result: CheckResult) -> dict[str, Any]:
    out = io.StringIO()
    write_report(result, "sarif", out)
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def results_by_rule(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["ruleId"]: r for r in doc["runs"][0]["results"]}


def test_validates_against_the_sarif_schema(validator: Any) -> None:
    validator.validate(render(sample_result()))
    validator.validate(render(sample_result(findings=[], input_errors=["x: unreadable"])))


def test_the_schema_check_has_teeth(validator: Any) -> None:
    doc = render(sample_result())
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] = {
        "startLine": 0}
    assert not validator.is_valid(doc)


def test_driver_lists_every_rule_in_catalog_order() -> None:
    driver = render(sample_result())["runs"][0]["tool"]["driver"]
    assert driver["name"] == "rokt-braze"
    assert driver["version"] == rokt_braze.__version__
    assert driver["informationUri"] == URLS["Homepage"]
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for descriptor, rule in zip(driver["rules"], RULES.values(), strict=True):
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]
        # help links come from [project.urls] (read from the installed metadata)
        assert descriptor["helpUri"] == f"{URLS['Rules']}#{rule.id}"
        assert rule.summary in descriptor["help"]["text"]
        assert descriptor["properties"]["tags"] == ["rokt-braze", rule.category]
    by_id = {d["id"]: d for d in driver["rules"]}
    assert by_id["rokt-timezone"]["name"] == "RoktTimezone"
    assert by_id["liquid-syntax"]["properties"]["tags"] == ["rokt-braze", "template"]
    assert by_id["body-json-invalid"]["properties"]["tags"] == ["rokt-braze", "request"]


def test_every_help_link_names_a_heading_of_the_rules_doc() -> None:
    headings = {line[3:].strip() for line in
                (REPO / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("## ")}
    assert set(RULES) <= headings
    assert URLS["Rules"].endswith("/docs/rules.md")


def test_results_point_at_their_rule_with_the_finding_level() -> None:
    doc = render(sample_result())
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    results = doc["runs"][0]["results"]
    assert len(results) == 5
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    by_rule = results_by_rule(doc)
    assert by_rule["rokt-timezone"]["level"] == "error"
    assert by_rule["rokt-unknown-field"]["level"] == "warning"
    assert by_rule["aborted"]["level"] == "note"
    # the result's own level wins over the rule default (config may change severities)
    demoted = ERR_TZ.with_(severity=Severity.WARNING)
    assert results_by_rule(render(CheckResult([demoted], [CREATE])))[
        "rokt-timezone"]["level"] == "warning"


def test_results_are_in_stable_position_order() -> None:
    doc = render(sample_result(findings=list(reversed(sample_result().findings))))
    keys = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"].get("region", {}).get("startLine", 0))
            for r in doc["runs"][0]["results"]]
    assert keys == sorted(keys)
    assert render(sample_result()) == doc


def test_message_includes_the_profile_and_keeps_special_characters() -> None:
    by_rule = results_by_rule(render(sample_result()))
    assert by_rule["rokt-timezone"]["message"]["text"] == (
        '100% wrong: "Europe/Paris", use: W. Europe Standard Time\r\nsee docs '
        "[sample-subscriber]")
    assert by_rule["rokt-unknown-field"]["message"]["text"] == 'key "colour" is not defined'


def location(res: dict[str, Any]) -> dict[str, Any]:
    loc: dict[str, Any] = res["locations"][0]["physicalLocation"]
    return loc


def test_regions_are_one_based_and_omitted_without_a_position() -> None:
    # the sample's files do not exist: a region ends one character on, or spans the line
    by_rule = results_by_rule(render(sample_result()))
    assert location(by_rule["rokt-timezone"])["region"] == {
        "startLine": 12, "startColumn": 22, "endLine": 12, "endColumn": 23}
    assert location(by_rule["rokt-url"])["region"] == {
        "startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 1}
    assert "region" not in location(by_rule["rokt-unknown-field"])
    assert location(by_rule["rokt-unknown-field"])["artifactLocation"] == {
        "uri": "templates/create.webhook.yaml", "uriBaseId": "%SRCROOT%"}


def test_uris_are_relative_forward_slash_and_percent_encoded() -> None:
    by_rule = results_by_rule(render(sample_result()))
    assert location(by_rule["rokt-url"])["artifactLocation"]["uri"] == (
        "templates/sub%20dir/update.webhook.yaml")
    assert sarif_format.artifact_location("./templates/../templates/x.liquid") == {
        "uri": "templates/x.liquid", "uriBaseId": "%SRCROOT%"}


def test_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inside = tmp_path / "repo" / "t" / "a.liquid"
    outside = tmp_path / "elsewhere" / "b.liquid"
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    assert sarif_format.artifact_location(str(inside)) == {
        "uri": "t/a.liquid", "uriBaseId": "%SRCROOT%"}
    assert sarif_format.artifact_location(str(outside)) == {"uri": outside.as_uri()}
    assert sarif_format.artifact_location(os.path.join("..", "elsewhere", "b.liquid")) == {
        "uri": outside.as_uri()}


def test_fingerprints_ignore_lines_and_tell_twins_apart() -> None:
    def prints(*findings: Finding) -> list[dict[str, str]]:
        doc = render(CheckResult(list(findings), [CREATE]))
        return [r["partialFingerprints"] for r in doc["runs"][0]["results"]]

    [base] = prints(ERR_TZ)
    assert list(base) == ["rokt-braze/v1"]  # no source to hash: the file does not exist
    assert prints(ERR_TZ.with_(line=40, column=1)) == [base]
    assert prints(ERR_TZ.with_(profile="other")) == [base]
    assert prints(ERR_TZ.with_(message="different")) != [base]
    assert prints(ERR_TZ.with_(file="templates/other.webhook.yaml")) != [base]
    assert prints(ERR_TZ.with_(rule="rokt-datetime")) != [base]
    twins = prints(ERR_TZ, ERR_TZ.with_(line=30))
    assert twins[0] == base
    assert twins[1]["rokt-braze/v1"] == base["rokt-braze/v1"].replace(":1", ":2")


def test_properties_carry_profile_and_field() -> None:
    by_rule = results_by_rule(render(sample_result()))
    assert by_rule["aborted"]["properties"] == {"profiles": [NOTICE.profile], "field": "body"}
    assert by_rule["rokt-url"]["properties"] == {"profiles": [ERR_LINE_ONLY.profile],
                                                 "field": "url"}
    assert WARN_NO_POS.profile == ""
    assert by_rule["rokt-unknown-field"]["properties"] == {"profiles": [], "field": "body"}


def test_input_errors_are_tool_notifications(validator: Any) -> None:
    doc = render(sample_result(input_errors=["templates/bad.webhook.yaml: bad YAML"]))
    validator.validate(doc)
    [inv] = doc["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"] == [
        {"level": "error", "message": {"text": "templates/bad.webhook.yaml: bad YAML"}}]
    clean = render(sample_result())["runs"][0]["invocations"]
    assert clean == [{"executionSuccessful": True}]


def test_a_rule_outside_the_catalog_gets_a_descriptor(validator: Any) -> None:
    odd = Finding("plugin-rule", Severity.INFO, "from a plugin", CREATE, 1, 1)
    doc = render(CheckResult([odd, ERR_TZ], [CREATE]))
    validator.validate(doc)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    res = results_by_rule(doc)["plugin-rule"]
    assert res["ruleIndex"] == len(RULES)
    assert rules[res["ruleIndex"]]["id"] == "plugin-rule"
    assert rules[res["ruleIndex"]]["defaultConfiguration"]["level"] == "note"


def test_finding_without_a_file_has_no_location(validator: Any) -> None:
    doc = render(CheckResult([Finding("render-error", Severity.ERROR, "boom")], []))
    validator.validate(doc)
    assert "locations" not in doc["runs"][0]["results"][0]


def test_non_ascii_is_written_as_is_not_escaped() -> None:
    f = ERR_TZ.with_(message="Zürich ≠ Europe/Zurich")
    out = io.StringIO()
    write_report(CheckResult([f], [CREATE]), "sarif", out)
    assert "Zürich ≠ Europe/Zurich [sample-subscriber]" in out.getvalue()


def test_a_real_run_from_a_subfolder(
    validator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Paths relative to the repository root, end positions from the source, the line
    hash upload-sarif would compute, and one alert for a filter both lint and render
    reject."""
    from rokt_braze.cli import main
    from rokt_braze.report.line_hash import line_hashes

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    source = "Hello\n  {{ ${first_name} | lstrip }} and {{ 'x' | upcase }}\n"
    hooks = repo / "hooks"
    hooks.mkdir()
    (hooks / "a b.liquid").write_text(source, encoding="utf-8")
    monkeypatch.chdir(hooks)
    assert main(["check", "a b.liquid", "--format", "sarif"]) == 1
    doc = json.loads(capsys.readouterr().out)
    validator.validate(doc)
    results = doc["runs"][0]["results"]
    unknown = [r for r in results if r["ruleId"] == "unknown-filter"]
    assert len(unknown) == 1, results
    [res] = unknown
    physical = res["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "hooks/a%20b.liquid", "uriBaseId": "%SRCROOT%"}
    assert doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    region = physical["region"]
    line = source.splitlines()[region["startLine"] - 1]
    assert region["endLine"] == region["startLine"] == 2
    assert region["endColumn"] > region["startColumn"]
    # the region covers the filter name the finding points at
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == "lstrip"
    assert res["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(source)[2]
    assert res["properties"]["profiles"] == ["sample-subscriber"]
    assert res["message"]["text"].endswith("[sample-subscriber]")


def test_one_alert_per_rule_and_place_across_profiles() -> None:
    others = [ERR_TZ.with_(profile=f"user-{n}") for n in range(5)]
    doc = render(CheckResult([ERR_TZ, *others], [CREATE]))
    [res] = doc["runs"][0]["results"]
    assert res["properties"]["profiles"] == ["sample-subscriber",
                                             *(f"user-{n}" for n in range(5))]
    assert res["message"]["text"].endswith(
        "[sample-subscriber, user-0, user-1 and 3 more]")
    # a different place or rule is its own alert
    doc = render(CheckResult([ERR_TZ, ERR_TZ.with_(column=23),
                              ERR_TZ.with_(rule="rokt-datetime")], [CREATE]))
    assert len(doc["runs"][0]["results"]) == 3


def test_without_project_metadata_there_is_no_help_link(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sarif_format, "project_urls", lambda: {})
    driver = render(sample_result())["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    assert all("helpUri" not in rule for rule in driver["rules"])


def test_a_fix_is_a_sarif_fix(validator: Any, tmp_path: Path) -> None:
    """The stock template's notifyBefore: the fix removes two quotes, each a replacement
    of a one-character region by nothing; an insertion is an empty region."""
    path = tmp_path / "create.webhook.yaml"
    path.write_text((REPO / "templates" / "rokt-create-event.webhook.yaml")
                    .read_text(encoding="utf-8"), encoding="utf-8")
    doc = render(rokt_braze.check(path, config=REPO / "pyproject.toml"))
    validator.validate(doc)
    found = {r["ruleId"]: r for r in doc["runs"][0]["results"]}
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if '"notifyBefore"' in text)
    quote = lines[line - 1].index('"{{notifyBefore}}"') + 1
    [fix] = found["rokt-notify-before"]["fixes"]
    assert fix["description"]["text"] == "Remove the quotes: send 15 as a number"
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"] == found["rokt-notify-before"]["locations"][0][
        "physicalLocation"]["artifactLocation"]
    assert [(r["deletedRegion"], r["insertedContent"]["text"])
            for r in change["replacements"]] == [
        ({"startLine": line, "startColumn": column, "endLine": line,
          "endColumn": column + 1}, "")
        for column in (quote, quote + len('"{{notifyBefore}}'))]
    escaped, joined = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "json-unescaped"]
    [insertion] = escaped["fixes"][0]["artifactChanges"][0]["replacements"]
    region = insertion["deletedRegion"]
    assert (region["startLine"], region["startColumn"]) == (region["endLine"],
                                                           region["endColumn"])
    assert insertion["insertedContent"]["text"] == " | json_escape"
    assert "fixes" not in joined  # a joined array has no one-edit fix
