"""JUnit XML for GitLab, Jenkins, Azure DevOps and CircleCI test reports.

One `<testsuite name="rokt-braze">`. Each checked file is a class: its test cases are
`lint` (findings with no profile: static rules) and one per rendered profile. As with
ruff's JUnit output, every error and warning counts: a case with any becomes a
`<failure>` whose text lists them as text-format lines; infos (e.g. `aborted`) do not fail
a case and go to `<system-out>`. A file that could not be checked at all is an `<error>`
on its `lint` case. No timings: the checks are not timed, and a made-up `time` would lie.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TextIO

from rokt_braze.findings import CheckResult, Finding, Severity
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

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.severity >= Severity.WARNING]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.findings if f.severity < Severity.WARNING]


def write(result: CheckResult, stream: TextIO) -> None:
    root = junit_tree(result)
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
        case(_file_of(message, result.files), "").input_errors.append(message)
    return list(cases.values())


def _file_of(message: str, files: list[str]) -> str:
    """Input errors read `path: reason`; the longest checked path that prefixes one."""
    owners = [f for f in files if message.startswith(f + ": ")]
    return max(owners, key=len, default="")


def junit_tree(result: CheckResult) -> ET.Element:
    cases = cases_of(result)
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for c in cases if c.failing and not c.input_errors)),
        "errors": str(sum(1 for c in cases if c.input_errors)),
        "skipped": "0",
    }
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts})
    for c in cases:
        suite.append(testcase(c))
    return root


def testcase(c: Case) -> ET.Element:
    attrs = {"classname": _xml(c.file or SUITE), "name": _xml(c.profile or LINT)}
    if c.file:
        attrs["file"] = _xml(c.file)
    el = ET.Element("testcase", attrs)
    lines = [line_of(f) for f in c.failing]
    if c.input_errors:
        error = ET.SubElement(el, "error", {"message": "could not be checked",
                                            "type": "input-error"})
        error.text = _xml("\n".join([*c.input_errors, *lines]))
    elif lines:
        worst = max(f.severity for f in c.failing)
        failure = ET.SubElement(el, "failure", {"message": count_phrase(c.failing),
                                                "type": str(worst)})
        failure.text = _xml("\n".join(lines))
    if c.infos:
        ET.SubElement(el, "system-out").text = _xml("\n".join(line_of(f) for f in c.infos))
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
