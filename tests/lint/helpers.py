"""Lint a webhook written to a temporary file; positions are found in the file's text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rokt_braze.findings import Finding
from rokt_braze.lint import filter_suppressed, lint_webhook
from rokt_braze.webhook import Webhook, load_webhook


@dataclass
class Linted:
    text: str
    webhook: Webhook
    findings: list[Finding]

    def of(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]

    def where(self, rule: str) -> list[tuple[int, int]]:
        return [(f.line, f.column) for f in self.of(rule)]

    def at(self, needle: str, nth: int = 0, shift: int = 0) -> tuple[int, int]:
        """1-based (line, column) in the file of the nth occurrence of `needle` (+ shift)."""
        index = -1
        for _ in range(nth + 1):
            index = self.text.index(needle, index + 1)
        index += shift
        line = self.text.count("\n", 0, index) + 1
        return line, index - self.text.rfind("\n", 0, index)

    def suppressed(self) -> list[Finding]:
        return filter_suppressed(self.webhook, self.findings)


LintFn = Callable[..., Linted]


def make_lint(tmp_path: Path) -> LintFn:
    def run(text: str, name: str = "t.webhook.yaml") -> Linted:
        body = textwrap.dedent(text).lstrip("\n")
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        webhook = load_webhook(path)
        findings = sorted(lint_webhook(webhook), key=Finding.sort_key)
        for f in findings:
            assert f.file == str(path) and not f.profile and f.line > 0 and f.column > 0
            assert f.field
        return Linted(body, webhook, findings)

    return run
