"""Formatters with a registry: a result in, text out. One module per format, each with
`write(result, stream, fail_on)`.

A `check` result (`CheckResult`) has five formats; an audience run (`audience.Summary`) and
a fuzz run (`fuzz.FuzzResult`) have their own, listed the same way. Adding a format: its
module here and one line in `REPORTS`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TextIO

from rokt_braze.findings import CheckResult, Severity, fail_level
from rokt_braze.findings import fails as worst_fails

#: kind of result -> format name -> the module that writes it
REPORTS: dict[str, dict[str, str]] = {
    "check": {
        "text": "rokt_braze.report.text_format",
        "json": "rokt_braze.report.json_format",
        "github": "rokt_braze.report.github_format",
        "sarif": "rokt_braze.report.sarif_format",
        "junit": "rokt_braze.report.junit_format",
    },
    "audience": {
        "text": "rokt_braze.report.audience_text",
        "json": "rokt_braze.report.audience_json",
    },
    "fuzz": {
        "text": "rokt_braze.report.fuzz_text",
        "json": "rokt_braze.report.fuzz_json",
    },
}
FORMATS = tuple(REPORTS["check"])

#: `write(result, stream, fail_on)`: `fail_on` is the lowest severity that fails the run
#: (None: nothing fails), for formats that say pass or fail per case, such as JUnit.
Writer = Callable[[Any, TextIO, "Severity | None"], None]

__all__ = ["FORMATS", "REPORTS", "fail_level", "fails", "formats", "input_problem",
           "write_report"]


def formats(kind: str = "check") -> tuple[str, ...]:
    """The format names a kind of result can be written in."""
    return tuple(REPORTS[kind])


def fails(result: CheckResult, fail_on: Severity | None) -> bool:
    """Whether the findings fail a run at this level (the exit status says the same)."""
    return worst_fails(result.worst(), fail_on)


@dataclass(frozen=True)
class InputProblem:
    """A file that could not be checked, parsed back from its `path[:line[:col]]: reason`
    line (`CheckResult.input_errors` holds the lines as printed)."""

    file: str
    line: int
    column: int
    reason: str


def input_problem(message: str, files: Sequence[str]) -> InputProblem:
    """The file (the longest checked file that prefixes `message`, or else a file a webhook
    uses, such as a profile, named with its position) and position of an input error; an
    error of no file keeps its whole text as the reason."""
    owners = [f for f in files if message.startswith(f + ":")]
    if not owners:
        used = _FILE_POSITION.match(message)
        if used is None or not os.path.isfile(used.group(1)):
            return InputProblem("", 0, 0, message)
        owners = [used.group(1)]
    file = max(owners, key=len)
    rest = message[len(file) + 1:]
    m = _POSITION.match(rest)
    if m is None:
        return InputProblem(file, 0, 0, rest.lstrip())
    return InputProblem(file, int(m.group(1)), int(m.group(2) or 0), m.group(3))


_POSITION = re.compile(r"(\d+)(?::(\d+))?: (.*)\Z", re.S)
_FILE_POSITION = re.compile(r"(.+?):\d+(?::\d+)?: ", re.S)


def write_report(
    result: Any, fmt: str, stream: TextIO, *, fail_on: Severity | None = Severity.ERROR,
    kind: str = "check",
) -> None:
    """Write `result` (a result of `kind`: check, audience, fuzz) to `stream` in `fmt`."""
    module = REPORTS[kind].get(fmt)
    if module is None:
        raise ValueError(f"unknown format {fmt!r} (use {', '.join(REPORTS[kind])})")
    writer: Writer = import_module(module).write
    writer(result, stream, fail_on)
