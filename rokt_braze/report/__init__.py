"""Formatters: a `CheckResult` in, text out. One module per format."""

from __future__ import annotations

from collections.abc import Callable
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


def write_report(
    result: CheckResult, fmt: str, stream: TextIO, *, fail_on: Severity | None = Severity.ERROR
) -> None:
    """Write `result` to `stream` in format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    writer: Writer = import_module(f"rokt_braze.report.{fmt}_format").write
    writer(result, stream, fail_on)
