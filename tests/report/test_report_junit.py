"""`--format junit`: one test case per file (lint) and per rendered profile."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from report_samples import (
    CLEAN,
    CREATE,
    ERR_LINE_ONLY,
    ERR_TZ,
    NOTICE,
    UPDATE,
    WARN_NO_POS,
    WARN_PROFILE,
    sample_result,
)

from rokt_braze.findings import CheckResult, Finding, Severity
from rokt_braze.report import write_report
from rokt_braze.report.text_format import line_of

#: The Jenkins xUnit plugin's schema (source noted in the file).
XSD = Path(__file__).resolve().parents[1] / "data" / "junit-10.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def render_text(result: CheckResult, fail_on: Severity | None = Severity.ERROR) -> str:
    out = io.StringIO()
    write_report(result, "junit", out, fail_on=fail_on)
    return out.getvalue()


def render(result: CheckResult, fail_on: Severity | None = Severity.ERROR) -> ET.Element:
    return ET.fromstring(render_text(result, fail_on).encode("utf-8"))


def suite_of(root: ET.Element) -> ET.Element:
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "rokt-braze"
    return suite


def case_map(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("classname", ""), c.get("name", "")): c for c in suite_of(root)}


def assert_counts_consistent(root: ET.Element) -> None:
    suite = suite_of(root)
    cases = suite.findall("testcase")
    expected = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for c in cases if c.find("failure") is not None)),
        "errors": str(sum(1 for c in cases if c.find("error") is not None)),
    }
    for element in (root, suite):
        assert {k: element.get(k) for k in expected} == expected
    assert suite.get("skipped") == str(sum(1 for c in cases if c.find("skipped") is not None))


@pytest.mark.parametrize("fail_on", [Severity.ERROR, Severity.WARNING, Severity.INFO, None])
def test_valid_against_the_jenkins_junit_10_schema(
    schema: xmlschema.XMLSchema, fail_on: Severity | None
) -> None:
    bad = "templates/bad.webhook.yaml"
    for result in (sample_result(), sample_result(findings=[]),
                   sample_result(files=[CREATE, bad], input_errors=[f"{bad}: bad YAML"])):
        schema.validate(render_text(result, fail_on))


def test_the_schema_check_has_teeth(schema: xmlschema.XMLSchema) -> None:
    """What the first version wrote, and what the schema rejects."""
    text = render_text(sample_result())
    assert schema.is_valid(text)
    assert not schema.is_valid(text.replace("<testsuites ", '<testsuites skipped="0" ', 1))
    assert not schema.is_valid(text.replace("<testcase ", '<testcase file="x" ', 1))


def test_one_case_per_file_lint_and_per_rendered_profile() -> None:
    root = render(sample_result())
    assert [(c.get("classname"), c.get("name")) for c in suite_of(root)] == [
        (CREATE, "lint"), (CREATE, "sample-subscriber"), (CREATE, "opted-out"),
        (UPDATE, "lint"), (UPDATE, "sample-subscriber"), (UPDATE, "opted-out"),
        (CLEAN, "lint"),
    ]
    assert_counts_consistent(root)
    assert suite_of(root).get("tests") == "7"
    assert suite_of(root).get("failures") == "2"
    assert suite_of(root).get("errors") == "0"


def test_by_default_errors_fail_and_warnings_are_output() -> None:
    """As the exit status: warnings alone do not fail (the default --fail-on error)."""
    cases = case_map(render(sample_result()))
    lint = cases[(CREATE, "lint")]
    assert lint.find("failure") is None
    assert lint.findtext("system-out") == line_of(WARN_NO_POS)
    opted = cases[(CREATE, "opted-out")]
    assert opted.find("failure") is None
    assert opted.findtext("system-out") == line_of(WARN_PROFILE)
    tz = cases[(CREATE, "sample-subscriber")].find("failure")
    assert tz is not None
    assert (tz.get("message"), tz.get("type")) == ("1 error", "error")
    update = cases[(UPDATE, "sample-subscriber")].find("failure")
    assert update is not None and update.text == line_of(ERR_LINE_ONLY)


def test_fail_on_never_fails_nothing() -> None:
    root = render(sample_result(), None)
    assert_counts_consistent(root)
    assert suite_of(root).get("failures") == "0"
    tz = case_map(root)[(CREATE, "sample-subscriber")]
    assert tz.find("failure") is None
    assert tz.findtext("system-out") == line_of(ERR_TZ).replace("\r\n", "\n")


def test_at_fail_on_warning_errors_and_warnings_fail_infos_do_not() -> None:
    root = render(sample_result(), Severity.WARNING)
    assert suite_of(root).get("failures") == "4"
    cases = case_map(root)
    lint = cases[(CREATE, "lint")].find("failure")
    assert lint is not None
    assert (lint.get("message"), lint.get("type")) == ("1 warning", "warning")
    assert lint.text == line_of(WARN_NO_POS)
    tz = cases[(CREATE, "sample-subscriber")].find("failure")
    assert tz is not None
    assert (tz.get("message"), tz.get("type")) == ("1 error", "error")
    # XML parsers normalise the CR of the message's CRLF to LF
    assert tz.text == line_of(ERR_TZ).replace("\r\n", "\n")
    opted = cases[(CREATE, "opted-out")].find("failure")
    assert opted is not None and opted.text == line_of(WARN_PROFILE)
    update = cases[(UPDATE, "sample-subscriber")].find("failure")
    assert update is not None and update.text == line_of(ERR_LINE_ONLY)
    aborted = cases[(UPDATE, "opted-out")]
    assert aborted.find("failure") is None
    assert aborted.findtext("system-out") == line_of(NOTICE)
    for passing in ((UPDATE, "lint"), (CLEAN, "lint")):
        assert list(cases[passing]) == []


def test_failure_message_counts_worst_first() -> None:
    extra = Finding("rokt-dst", Severity.WARNING, "ambiguous", CREATE, 13, 1, "body",
                    "sample-subscriber")
    also_info = NOTICE.with_(file=CREATE, profile="sample-subscriber")
    tz = ERR_TZ.with_(message="not a Rokt timezone")
    result = sample_result(findings=[extra, tz.with_(line=14), also_info, tz])
    root = render(result, Severity.WARNING)
    case = case_map(root)[(CREATE, "sample-subscriber")]
    failure = case.find("failure")
    assert failure is not None
    assert (failure.get("message"), failure.get("type")) == ("2 errors, 1 warning", "error")
    assert failure.text == "\n".join(line_of(f) for f in (tz, extra, tz.with_(line=14)))
    assert case.findtext("system-out") == line_of(also_info)
    assert_counts_consistent(root)


def test_findings_for_unlisted_cases_still_get_a_case() -> None:
    stray = Finding("render-error", Severity.ERROR, "boom", "other.liquid", 1, 1, "", "p9")
    nofile = Finding("render-error", Severity.ERROR, "no file")
    root = render(sample_result(findings=[stray, nofile]))
    cases = case_map(root)
    assert cases[("other.liquid", "p9")].find("failure") is not None
    assert cases[("rokt-braze", "lint")].find("failure") is not None
    assert_counts_consistent(root)


def test_without_case_list_profiles_come_from_findings() -> None:
    root = render(sample_result(cases=None))
    names = [(c.get("classname"), c.get("name")) for c in suite_of(root)]
    assert names == [(CREATE, "lint"), (CREATE, "opted-out"), (CREATE, "sample-subscriber"),
                     (UPDATE, "lint"), (UPDATE, "opted-out"), (UPDATE, "sample-subscriber"),
                     (CLEAN, "lint")]
    assert_counts_consistent(root)


def test_an_unreadable_file_is_an_error_on_its_lint_case() -> None:
    bad = "templates/bad.webhook.yaml"
    result = sample_result(files=[CREATE, bad],
                           input_errors=[f"{bad}: line 2: mapping values are not allowed",
                                         "somewhere: unrelated"])
    root = render(result)
    cases = case_map(root)
    error = cases[(bad, "lint")].find("error")
    assert error is not None
    assert error.get("type") == "input-error"
    assert error.text == f"{bad}: line 2: mapping values are not allowed"
    assert cases[("rokt-braze", "lint")].findtext("error") == "somewhere: unrelated"
    assert suite_of(root).get("errors") == "2"
    assert_counts_consistent(root)


def test_clean_run() -> None:
    root = render(sample_result(findings=[]))
    assert_counts_consistent(root)
    assert suite_of(root).get("failures") == "0"
    assert all(list(c) == [] for c in suite_of(root))


def test_utf8_declaration_non_ascii_and_control_characters() -> None:
    f = ERR_TZ.with_(message="Zürich \x01 bell\x07 <&>")
    text = render_text(CheckResult([f], [CREATE], 1, [(CREATE, "sample-subscriber")]))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    failure = case_map(ET.fromstring(text.encode("utf-8")))[(CREATE, "sample-subscriber")]
    assert failure.findtext("failure") == line_of(f.with_(message="Zürich \\x01 bell\\x07 <&>"))


def test_output_is_stable() -> None:
    shuffled = sample_result(findings=list(reversed(sample_result().findings)))
    assert render_text(shuffled) == render_text(sample_result())
