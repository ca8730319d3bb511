"""What a finding is worth: severity (catalog, the finding's own, the config), the
file's inline suppressions, and de-duplication. One `Policy` per webhook file.

Every entry point judges findings here, so `check`, `audience` and `fuzz` agree on
them. The cheap questions (`severity`, file-wide suppressions) need no position; only a
rule that a line-level suppression comment names needs the finding's line.
"""

from __future__ import annotations

from collections.abc import Iterable

from rokt_braze.config import Config
from rokt_braze.findings import RULES, Finding, Severity
from rokt_braze.lint.suppress import ALL, suppressions
from rokt_braze.webhook import Webhook

__all__ = ["Policy", "cap", "dedupe"]


class Policy:
    """Severities and suppressions for the findings of one webhook file."""

    def __init__(self, webhook: Webhook, config: Config) -> None:
        self.path = webhook.path
        self.config = config
        found = suppressions(webhook)
        self.file_rules = frozenset(found.file_rules)
        self.line_rules = {line: frozenset(rules) for line, rules in found.line_rules.items()}
        #: rules some line-level suppression names: only these need a position to judge
        self.positional = frozenset().union(*self.line_rules.values())
        self._severities: dict[tuple[str, Severity | None], Severity | None] = {}

    def severity(self, rule: str, own: Severity | None = None) -> Severity | None:
        """The severity a finding of `rule` gets (`own`: its own, when it differs from the
        catalog's), or None when the config or a file-wide suppression turns it off."""
        key = (rule, own)
        try:
            return self._severities[key]
        except KeyError:
            pass
        if rule in self.file_rules or ALL in self.file_rules:
            result = None
        else:
            result = self.config.rule_severity(rule, self.path, own or RULES[rule].severity)
        self._severities[key] = result
        return result

    def needs_line(self, rule: str) -> bool:
        return rule in self.positional or ALL in self.positional

    def suppressed_at(self, rule: str, line: int) -> bool:
        """A line-level suppression comment covers `rule` on `line` (1-based; 0: none)."""
        rules = self.line_rules.get(line) if line > 0 else None
        return rules is not None and (rule in rules or ALL in rules)

    def judge(self, findings: Iterable[Finding]) -> list[Finding]:
        """Positioned findings of this file with their final severity; the silenced dropped."""
        out = []
        for f in findings:
            severity = self.severity(f.rule, f.severity)
            if severity is None or self.suppressed_at(f.rule, f.line):
                continue
            out.append(f if severity == f.severity else f.with_(severity=severity))
        return out


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Sorted, with one finding per rule, place, message and profile."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        key = (f.rule, f.file, f.line, f.column, f.message, f.profile)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def cap(findings: list[Finding], limit: int) -> list[Finding]:
    """Sorted findings at most `limit` places (line and column) of each rule per file (0: no
    cap), every profile's finding at a place kept; the rest of a rule become one finding, at
    the first place left out, that says how many more places (report entries) there are.

    Places, not findings, because a report shows one entry per rule and place however many
    profiles met it. The summary finding carries the worst severity of those it stands for,
    so the exit status is the same with the cap as without it; a 200,000-line template
    stays a readable report.
    """
    if limit <= 0:
        return findings
    shown: dict[tuple[str, str], set[tuple[int, int]]] = {}
    left: dict[tuple[str, str], list[Finding]] = {}
    out = []
    for f in findings:
        key, place = (f.file, f.rule), (f.line, f.column)
        places = shown.setdefault(key, set())
        if place in places or len(places) < limit:
            places.add(place)
            out.append(f)
        else:
            left.setdefault(key, []).append(f)
    for (_, rule), rest in left.items():
        first = rest[0]
        more = len({(f.line, f.column) for f in rest})
        out.append(first.with_(
            severity=max(f.severity for f in rest), profile="", calls=(), message=(
                f"{more:,} more {rule} finding{'s' if more > 1 else ''} in this file from here "
                f"on, not listed (only the first {limit} of a rule are; "
                "max-findings-per-rule in [tool.rokt-braze])")))
    return sorted(out, key=Finding.sort_key)
