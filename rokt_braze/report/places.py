"""One report entry per rule and place.

The pipeline reports what each stage found: a static rule and a render can both find the
same unknown filter, and every profile whose render meets a problem reports it. A reader
wants it once, so the text, JSON, GitHub and SARIF formats show one entry per (rule,
file, line, column): the first finding's message and field, the worst severity, every
profile. The findings themselves stay as the pipeline made them (the Python API, JUnit's
per-case report and the pytest plugin read those).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rokt_braze.findings import CheckResult, Finding, Severity

__all__ = ["Place", "by_place", "profiles_shown", "summary"]

#: profiles a merged entry names before "and N more"
SHOWN_PROFILES = 3


@dataclass(frozen=True)
class Place:
    """The findings of one rule at one place, in the order they were found."""

    findings: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def severity(self) -> Severity:
        return max(f.severity for f in self.findings)

    @property
    def profiles(self) -> list[str]:
        """Every profile that met it, once each (none: only the static rules found it)."""
        return list(dict.fromkeys(f.profile for f in self.findings if f.profile))

    def shown(self) -> Finding:
        """The entry as one finding, its `profile` naming them all as a report shows it."""
        return self.first.with_(severity=self.severity, profile=profiles_shown(self.profiles))


def by_place(findings: Iterable[Finding]) -> list[Place]:
    """The findings grouped by (rule, file, line, column), in order of first appearance."""
    groups: dict[tuple[str, str, int, int], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.file, f.line, f.column), []).append(f)
    return [Place(tuple(group)) for group in groups.values()]


def profiles_shown(profiles: list[str]) -> str:
    """`a, b, c and 2 more`; "" for none."""
    shown = ", ".join(profiles[:SHOWN_PROFILES])
    more = len(profiles) - SHOWN_PROFILES
    return f"{shown} and {more} more" if more > 0 else shown


def summary(result: CheckResult, places: list[Place]) -> dict[str, int]:
    """`CheckResult.summary()` with the entries counted, not the raw findings."""
    counts = {s: sum(1 for p in places if p.severity == s) for s in Severity}
    return {
        "files": len(result.files),
        "renders": result.renders,
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
    }
