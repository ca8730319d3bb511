"""ruff-style lines: `file:line:col: rule (severity) message [profiles]`, then a summary.

One line per rule and place (`places`): a problem the static rules and a render both
found, or several profiles met, is one line naming the profiles.
"""

from __future__ import annotations

from typing import TextIO

from rokt_braze.findings import CheckResult, Finding, Severity
from rokt_braze.report import input_problem
from rokt_braze.report.places import Place, by_place, summary


def line_of(f: Finding) -> str:
    """`file:line:col: rule (severity) message [profile]`; the position shrinks to what is
    known (`file:line:`, `file:`), and a finding of no file reads `rokt-braze:`."""
    where = f.file or "rokt-braze"
    if f.file and f.line:
        where += f":{f.line}:{f.column}" if f.column else f":{f.line}"
    who = f" [{f.profile}]" if f.profile else ""
    return f"{where}: {f.rule} ({f.severity}) {f.message}{who}"


def write(result: CheckResult, stream: TextIO, fail_on: Severity | None = None) -> None:
    places = by_place(result.findings)
    for place in places:
        stream.write(line_of(place.shown()) + "\n")
    for line in summary_lines(result, places):
        stream.write(line + "\n")


def summary_lines(result: CheckResult, places: list[Place] | None = None) -> list[str]:
    """The closing lines every human-facing format ends with (entries counted, one per
    rule and place)."""
    out: list[str] = []
    s = summary(result, by_place(result.findings) if places is None else places)
    files = f"{s['files']} file{'s' if s['files'] != 1 else ''}"
    renders = f"{s['renders']} render{'s' if s['renders'] != 1 else ''}"
    unreadable = sum(1 for message in result.input_errors
                     if input_problem(message, result.files).file in result.files)
    if unreadable:
        out.append(f"{unreadable} of {files} could not be checked (see the errors).")
    shared = len(result.input_errors) - unreadable  # a profile or fixture file, say
    if shared:
        out.append(f"{shared} input error{'s' if shared != 1 else ''} (see the errors): "
                   f"nothing that needs {'them' if shared != 1 else 'it'} was rendered.")
    unreadable = len(result.input_errors)
    if not result.findings:
        if not unreadable:
            out.append(f"All checks passed ({files}, {renders}).")
        return out
    parts = [f"{s[k]} {k[:-1] if s[k] == 1 else k}" for k in ("errors", "warnings", "infos")
             if s[k]]
    out.append(f"Found {', '.join(parts)} in {files} ({renders}).")
    return out
