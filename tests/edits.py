"""Applying a finding's fix to a file's text, as an editor applies a code action."""

from __future__ import annotations

from rokt_braze.findings import Edit


def apply(text: str, edits: tuple[Edit, ...]) -> str:
    """The text with `edits` (1-based, end exclusive) applied, last first."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for e in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        start = starts[e.line - 1] + e.column - 1
        end = starts[e.end_line - 1] + e.end_column - 1
        text = text[:start] + e.text + text[end:]
    return text
