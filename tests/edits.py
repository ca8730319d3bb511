"""Applying a finding's fix to a file's text, as an editor applies a code action."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rokt_braze.findings import Edit, Finding
from rokt_braze.fixes import apply_edits
from rokt_braze.webhook import load_webhook


def apply(text: str, edits: tuple[Edit, ...]) -> str:
    """The text with `edits` applied, as `check --fix` applies them."""
    return apply_edits(text, edits)


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
