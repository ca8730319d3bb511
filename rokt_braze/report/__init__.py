"""Formatters: a `CheckResult` in, text out. One module per format."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TextIO

from rokt_braze.findings import CheckResult, Severity

FORMATS = ("text", "json", "github", "sarif", "junit")

#: `write(result, stream, fail_on)`: `fail_on` is the lowest severity that fails the run
#: (None: nothing fails), for formats that say pass or fail per case, such as JUnit.
Writer = Callable[[CheckResult, TextIO, "Severity | None"], None]


def fail_level(name: str) -> Severity | None:
    """`--fail-on` / `fail-on` as a severity: `never` is None, nothing fails."""
    return None if name == "never" else Severity.parse(name)


def fails(result: CheckResult, fail_on: Severity | None) -> bool:
    """Whether the findings fail a run at this level (the exit status says the same)."""
    return fail_on is not None and any(f.severity >= fail_on for f in result.findings)


@dataclass(frozen=True)
class InputProblem:
    """A file that could not be checked, parsed back from its `path[:line[:col]]: reason`
    line (`CheckResult.input_errors` holds the lines as printed)."""

    file: str
    line: int
    column: int
    reason: str


def input_problem(message: str, files: Sequence[str]) -> InputProblem:
    """The checked file (the longest that prefixes `message`) and position of an input
    error; an error of no checked file keeps its whole text as the reason."""
    owners = [f for f in files if message.startswith(f + ":")]
    if not owners:
        return InputProblem("", 0, 0, message)
    file = max(owners, key=len)
    rest = message[len(file) + 1:]
    m = _POSITION.match(rest)
    if m is None:
        return InputProblem(file, 0, 0, rest.lstrip())
    return InputProblem(file, int(m.group(1)), int(m.group(2) or 0), m.group(3))


_POSITION = re.compile(r"(\d+)(?::(\d+))?: (.*)\Z", re.S)


def write_report(
    result: CheckResult, fmt: str, stream: TextIO, *, fail_on: Severity | None = Severity.ERROR
) -> None:
    """Write `result` to `stream` in format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    writer: Writer = import_module(f"rokt_braze.report.{fmt}_format").write
    writer(result, stream, fail_on)
