"""Applying a finding's fix to a file's text, as an editor applies a code action."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rokt_braze.findings import Edit, Finding
from rokt_braze.webhook import load_webhook


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


def fix_one_by_one(path: Path, found: Callable[[Path], list[Finding]]) -> dict[str, str]:
    """Apply the fixes of `found(path)`'s findings one per check, as an editor applies
    them; each must leave a file that loads and clear its own finding. Returns {the
    message's first word: the fix's title}."""
    titles: dict[str, str] = {}
    for _ in range(20):
        fixable = [f for f in found(path) if f.fix is not None]
        if not fixable:
            return titles
        f = fixable[0]
        assert f.fix is not None
        titles[f.message.split(" ")[0]] = f.fix.title
        path.write_text(apply(path.read_text(encoding="utf-8"), f.fix.edits), encoding="utf-8")
        load_webhook(path)  # still a webhook file
        assert f.message not in [g.message for g in found(path)]
    raise AssertionError("fixes that do not end")
