"""Formatters: a `CheckResult` in, text out. One module per format."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TextIO

from rokt_braze.findings import CheckResult

FORMATS = ("text", "json", "github", "sarif", "junit")

Writer = Callable[[CheckResult, TextIO], None]


def write_report(result: CheckResult, fmt: str, stream: TextIO) -> None:
    """Write `result` to `stream` in format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    writer: Writer = import_module(f"rokt_braze.report.{fmt}_format").write
    writer(result, stream)
