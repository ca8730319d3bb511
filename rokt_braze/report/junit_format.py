"""JUnit XML for GitLab, Jenkins, Azure DevOps and CircleCI test reports.

Written to the Jenkins xUnit plugin's `junit-10.xsd`, the schema pytest's own JUnit
output follows. One `<testsuite name="rokt-braze">`; each checked file is a class whose
test cases are `lint` (findings with no profile: static rules) and one per rendered
profile. A case fails exactly when the exit status would: it has a finding at or above
`--fail-on` (default error), listed in its `<failure>` as text-format lines. Findings
below that level do not fail it and go to `<system-out>`. A file that could not be
checked at all is an `<error>` on its `lint` case. No timings: the checks are not timed,
and a made-up `time` would lie.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TextIO

from rokt_braze.findings import CheckResult, Finding, Severity
from rokt_braze.report import input_problem
from rokt_braze.report.text_format import line_of

SUITE = "rokt-braze"
LINT = "lint"
#: Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Case:
    """One test case: a file and a profile ("" for the file's `lint` case)."""

    file: str
    profile: str
    findings: list[Finding] = field(default_factory=list)
    input_errors: list[str] = field(default_factory=list)

    def failing(self, fail_on: Severity | None) -> list[Finding]:
        return [f for f in self.findings if fail_on is not None and f.severity >= fail_on]

    def passing(self, fail_on: Severity | None) -> list[Finding]:
        return [f for f in self.findings if fail_on is None or f.severity < fail_on]


def write(result: CheckResult, stream: TextIO, fail_on: Severity | None = Severity.ERROR) -> None:
    root = junit_tree(result, fail_on)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


def cases_of(result: CheckResult) -> list[Case]:
    """Every file's `lint` case then its profile cases, in check order; findings and
    input errors filed under theirs (making a case when check did not list one)."""
    cases: dict[tuple[str, str], Case] = {}

    def case(file: str, profile: str) -> Case:
        return cases.setdefault((file, profile), Case(file, profile))

    rendered = result.cases
    if rendered is None:  # an older producer: the profiles findings mention will do
        rendered = sorted({(f.file, f.profile) for f in result.findings if f.profile})
    for file in result.files:
        case(file, "")
        for pair in rendered:
            if pair[0] == file:
                case(*pair)
    for pair in rendered:
        case(*pair)
    for f in sorted(result.findings, key=Finding.sort_key):
        case(f.file, f.profile).findings.append(f)
    for message in result.input_errors:
        case(input_problem(message, result.files).file, "").input_errors.append(message)
    return list(cases.values())


def junit_tree(result: CheckResult, fail_on: Severity | None = Severity.ERROR) -> ET.Element:
    cases = cases_of(result)
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for c in cases if c.failing(fail_on) and not c.input_errors)),
        "errors": str(sum(1 for c in cases if c.input_errors)),
    }
    # `skipped` belongs to <testsuite> only: junit-10.xsd does not allow it on <testsuites>
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts, "skipped": "0"})
    for c in cases:
        suite.append(testcase(c, fail_on))
    return root


def testcase(c: Case, fail_on: Severity | None) -> ET.Element:
    # no `file` attribute: junit-10.xsd has none on <testcase>; the classname is the file
    el = ET.Element("testcase", {"classname": _xml(c.file or SUITE),
                                 "name": _xml(c.profile or LINT)})
    failing = c.failing(fail_on)
    lines = [line_of(f) for f in failing]
    if c.input_errors:
        error = ET.SubElement(el, "error", {"message": "could not be checked",
                                            "type": "input-error"})
        error.text = _xml("\n".join([*c.input_errors, *lines]))
    elif lines:
        worst = max(f.severity for f in failing)
        failure = ET.SubElement(el, "failure", {"message": count_phrase(failing),
                                                "type": str(worst)})
        failure.text = _xml("\n".join(lines))
    passing = c.passing(fail_on)
    if passing:
        ET.SubElement(el, "system-out").text = _xml("\n".join(line_of(f) for f in passing))
    return el


def count_phrase(findings: list[Finding]) -> str:
    """`2 errors, 1 warning`: worst first, singular when one."""
    parts = []
    for severity in sorted(Severity, reverse=True):
        n = sum(1 for f in findings if f.severity == severity)
        if n:
            parts.append(f"{n} {severity}{'' if n == 1 else 's'}")
    return ", ".join(parts)


def _xml(text: str) -> str:
    """Control characters are not XML; show them as `\\xNN` instead of writing a file
    no parser accepts."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
