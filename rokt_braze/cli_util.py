"""Pieces every subcommand shares: argument types and where a report goes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rokt_braze.errors import InputError

FAIL_LEVELS = ("error", "warning", "info", "never")


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


@contextmanager
def report_stream(path: str | None) -> Iterator[TextIO]:
    """Standard output, or the file given with --output (an InputError if unwritable)."""
    if not path:
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as err:
        raise InputError(f"cannot write report: {err.strerror}", path=path) from None
    with handle:
        yield handle
