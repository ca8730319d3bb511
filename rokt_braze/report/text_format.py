"""ruff-style lines: `file:line:col: rule message [profile]`, then a one-line summary."""

from __future__ import annotations

from typing import TextIO

from rokt_braze.findings import CheckResult, Finding, Severity


def line_of(f: Finding) -> str:
    where = f"{f.file}:{f.line}:{f.column}" if f.line else f.file
    tag = "" if f.severity == Severity.ERROR else f" ({f.severity})"
    who = f" [{f.profile}]" if f.profile else ""
    return f"{where}: {f.rule}{tag} {f.message}{who}"


def write(result: CheckResult, stream: TextIO) -> None:
    for f in result.findings:
        stream.write(line_of(f) + "\n")
    s = result.summary()
    files = f"{s['files']} file{'s' if s['files'] != 1 else ''}"
    renders = f"{s['renders']} render{'s' if s['renders'] != 1 else ''}"
    unreadable = len(result.input_errors)
    if unreadable:
        stream.write(f"{unreadable} of {files} could not be checked (see the errors).\n")
    if not result.findings:
        if not unreadable:
            stream.write(f"All checks passed ({files}, {renders}).\n")
        return
    parts = [f"{s[k]} {k[:-1] if s[k] == 1 else k}" for k in ("errors", "warnings", "infos")
             if s[k]]
    stream.write(f"Found {', '.join(parts)} in {files} ({renders}).\n")
