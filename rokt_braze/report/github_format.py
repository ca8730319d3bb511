"""GitHub Actions output: workflow-command annotations, a step summary, a plain summary line.

Annotations are capped by GitHub per step and per type, so errors come first; the complete
list goes to the Markdown step summary (`$GITHUB_STEP_SUMMARY`) when that is set. Every
value is escaped as actions/toolkit's `command.ts` does, so a finding message can never
start a workflow command of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TextIO

from rokt_braze.errors import InputError
from rokt_braze.findings import CheckResult, Finding, Severity
from rokt_braze.report import input_problem
from rokt_braze.report.places import by_place
from rokt_braze.report.text_format import summary_lines

#: The workflow command for each severity.
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
#: The step summary is capped at 1 MiB by GitHub; past this many rows the table stops.
MAX_SUMMARY_ROWS = 1000


def escape_data(text: str) -> str:
    """The message part of a workflow command (after `::`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `key=value` property of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Errors, then warnings, then infos; by position within each."""
    return sorted(findings, key=lambda f: (-f.severity, f.sort_key()))


def entries(result: CheckResult) -> list[Finding]:
    """One finding per rule and place (its `profile` naming every profile), ordered."""
    return ordered(place.shown() for place in by_place(result.findings))


def annotation(f: Finding) -> str:
    props: list[tuple[str, str]] = []
    if f.file:
        props.append(("file", f.file))
    if f.line:
        props.append(("line", str(f.line)))
        if f.column:
            props.append(("col", str(f.column)))
    props.append(("title", f.rule))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[f.severity]} {joined}::{escape_data(message_of(f))}"


def input_error_annotation(message: str, files: list[str]) -> str:
    """A file that could not be checked (bad YAML, ...), annotated at its position."""
    problem = input_problem(message, files)
    props = [("file", problem.file), ("line", str(problem.line)), ("col", str(problem.column))]
    shown = [(k, v) for k, v in props if v and v != "0"] + [("title", "rokt-braze")]
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in shown)
    return f"::error {joined}::{escape_data(problem.reason)}"


def message_of(f: Finding) -> str:
    return f"{f.message} [{f.profile}]" if f.profile else f.message


def summary_line(result: CheckResult) -> str:
    """The text format's closing line(s), so a CI log reads the same in either format."""
    return "\n".join(summary_lines(result))


def write(result: CheckResult, stream: TextIO, fail_on: Severity | None = None) -> None:
    for message in result.input_errors:
        stream.write(input_error_annotation(message, result.files) + "\n")
    for f in entries(result):
        stream.write(annotation(f) + "\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        append_step_summary(result, summary_path)
    stream.write(summary_line(result) + "\n")


def append_step_summary(result: CheckResult, path: str) -> None:
    """Append (never overwrite: earlier steps' summaries share the file) a Markdown report."""
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(step_summary(result))
    except OSError as err:
        raise InputError(f"cannot write the step summary: {err.strerror}", path=path) from None


def step_summary(result: CheckResult) -> str:
    lines = ["## rokt-braze", "", summary_line(result).replace("\n", "  \n"), ""]
    if result.input_errors:
        lines += [f"- {_markdown_inline(message)}" for message in result.input_errors]
        lines.append("")
    findings = entries(result)
    if findings:
        lines += ["| Location | Rule | Severity | Message | Profile |",
                  "| --- | --- | --- | --- | --- |"]
        for f in findings[:MAX_SUMMARY_ROWS]:
            where = f"{f.file}:{f.line}" if f.line else f.file
            cells = [where, f.rule, str(f.severity), f.message, f.profile]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        if len(findings) > MAX_SUMMARY_ROWS:
            lines += ["", f"… and {len(findings) - MAX_SUMMARY_ROWS} more "
                          "(see the annotations or run with --format text)."]
        lines.append("")
    return "\n".join(lines) + "\n"


def _markdown_inline(text: str) -> str:
    """Plain text shown as written: HTML-like `<...>` would otherwise vanish."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def _cell(text: str) -> str:
    """One table cell: a `|` would split it, a line break would end the table."""
    return _markdown_inline(text).replace("|", "\\|")
