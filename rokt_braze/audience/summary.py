"""What an audience run found, merged from the workers' partial results, and how it reads.

A `Tally` is what any part of the export found; `Tally.merge` is associative and
commutative, so partial tallies combine in any grouping and any order (the order workers
finish in) to the same result. Everything in it is bounded: per rule a count and the
examples with the smallest (source, line), abort reasons (the first ones by name past a
generous cap), the first malformed lines. `Summary` is the merged tally of a whole run plus
what only the whole run knows: colliding eventIds and the report.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field
from typing import TextIO

from rokt_braze.findings import Finding, Severity

__all__ = ["AbortGroup", "ChunkResult", "Collision", "Example", "RuleCount", "Summary", "Tally"]

EXAMPLES = 3
#: Abort reasons shown in the report (the most frequent).
MAX_ABORT_REASONS = 10
#: Distinct abort reasons kept while merging (past it, the rest count as "other reasons").
KEPT_ABORT_REASONS = 1000
MAX_MALFORMED = 20

#: (source, line, message) of input that could not be read as a user
Malformed = tuple[str, int, str]


@dataclass
class Example:
    """One user showing a problem: who, where in the export, and what (for a rule)."""

    user: str
    line: int
    message: str = ""
    position: tuple[int, int] = (0, 0)  # line, column in the webhook file
    field: str = ""
    source: str = ""  # the file (or `archive.zip!member`) the user is in

    def key(self) -> tuple[str, int, str]:
        """Examples are the smallest by this (a /users/track line holds several users)."""
        return self.source, self.line, self.user

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"user": self.user, "source": self.source, "line": self.line}
        if self.message:
            out.update(message=self.message, field=self.field,
                       position={"line": self.position[0], "column": self.position[1]})
        return out


@dataclass
class RuleCount:
    rule: str
    severity: Severity
    users: int = 0
    examples: list[Example] = field(default_factory=list)

    def add(self, other: RuleCount) -> None:
        self.users += other.users
        self.severity = max(self.severity, other.severity)
        self.examples = first_examples(self.examples, other.examples)


@dataclass
class AbortGroup:
    reason: str
    users: int = 0
    examples: list[Example] = field(default_factory=list)

    def add(self, other: AbortGroup) -> None:
        self.users += other.users
        self.examples = first_examples(self.examples, other.examples)


def first_examples(*groups: list[Example]) -> list[Example]:
    """The examples with the smallest (source, line): the same whatever the merge order."""
    return heapq.nsmallest(EXAMPLES, (e for group in groups for e in group), key=Example.key)


@dataclass
class Collision:
    """Users whose requests carry the same eventId (their events overwrite each other)."""

    event_id: str
    users: int
    examples: list[Example] = field(default_factory=list)


@dataclass
class ChunkResult:
    """One chunk's worth, as a worker sends it back (small and picklable)."""

    users: int = 0
    users_with_findings: int = 0
    rules: dict[str, RuleCount] = field(default_factory=dict)
    aborted: dict[str, AbortGroup] = field(default_factory=dict)
    aborted_users: int = 0
    #: eventId hashes (array "Q" bytes) and the export line of each
    hashes: bytes = b""
    lines: bytes = b""
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    #: every user with a finding: (line, external_id or "", rule ids)
    failing: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class Tally:
    """What some part of the export found (see the module doc: merges in any order)."""

    users: int = 0
    users_with_findings: int = 0
    rules: dict[str, RuleCount] = field(default_factory=dict)
    aborted: dict[str, AbortGroup] = field(default_factory=dict)
    aborted_users: int = 0
    other_abort_reasons: int = 0
    malformed: list[Malformed] = field(default_factory=list)
    malformed_count: int = 0

    def merge(self, other: Tally) -> None:
        self.users += other.users
        self.users_with_findings += other.users_with_findings
        for rule, count in other.rules.items():
            if rule in self.rules:
                self.rules[rule].add(count)
            else:
                self.rules[rule] = RuleCount(count.rule, count.severity, count.users,
                                             list(count.examples))
        self.aborted_users += other.aborted_users
        self.other_abort_reasons += other.other_abort_reasons
        for reason, group in other.aborted.items():
            if reason in self.aborted:
                self.aborted[reason].add(group)
            else:
                self.aborted[reason] = AbortGroup(reason, group.users, list(group.examples))
        if len(self.aborted) > KEPT_ABORT_REASONS:
            for reason in sorted(self.aborted)[KEPT_ABORT_REASONS:]:
                self.other_abort_reasons += self.aborted.pop(reason).users
        self.malformed_count += other.malformed_count
        self.malformed = heapq.nsmallest(MAX_MALFORMED, self.malformed + other.malformed)

    def add_chunk(self, chunk: ChunkResult, source: str) -> None:
        """Merge a checker's chunk result, its lines being lines of `source`."""
        part = Tally(users=chunk.users, users_with_findings=chunk.users_with_findings,
                     rules=chunk.rules, aborted=chunk.aborted, aborted_users=chunk.aborted_users,
                     malformed=[(source, line, message) for line, message in chunk.malformed],
                     malformed_count=len(chunk.malformed))
        groups: list[RuleCount | AbortGroup] = [*chunk.rules.values(), *chunk.aborted.values()]
        for group in groups:
            for example in group.examples:
                example.source = source
        self.merge(part)

    def complete_rules(self, before: tuple[str, int] = ("\U0010ffff", 0)) -> frozenset[str]:
        """Rules whose examples are final for input from (source, line) `before` on."""
        return frozenset(r for r, c in self.rules.items()
                         if len(c.examples) >= EXAMPLES and c.examples[-1].key()[:2] < before)


@dataclass
class Summary(Tally):
    webhook: str = ""
    profiles: str = ""
    target: str | None = None
    engine: str = "local"
    jobs: int = 1
    #: colliding eventIds: the largest groups, how many ids collide, how many users share one
    collisions: list[Collision] = field(default_factory=list)
    colliding_ids: int = 0
    colliding_users: int = 0
    collision_severity: Severity | None = Severity.WARNING
    #: findings about the webhook itself that stopped the run (it does not parse)
    template_findings: list[Finding] = field(default_factory=list)

    def worst(self) -> Severity | None:
        levels = [c.severity for c in self.rules.values() if c.users]
        levels += [f.severity for f in self.template_findings]
        if self.colliding_ids and self.collision_severity is not None:
            levels.append(self.collision_severity)
        return max(levels, default=None)

    def fails(self, fail_on: str) -> bool:
        worst = self.worst()
        return fail_on != "never" and worst is not None and worst >= Severity.parse(fail_on)

    def sorted_rules(self) -> list[RuleCount]:
        return sorted(self.rules.values(), key=lambda c: (-c.severity, -c.users, c.rule))

    def share(self, users: int) -> float:
        return users / self.users if self.users else 0.0

    def abort_groups(self) -> tuple[list[AbortGroup], int]:
        """The most frequent abort reasons, and how many users the others account for."""
        groups = sorted(self.aborted.values(), key=lambda g: (-g.users, g.reason))
        shown = groups[:MAX_ABORT_REASONS]
        return shown, self.aborted_users - sum(g.users for g in shown)

    # -- output ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, object]:
        return {
            "version": 1,
            "webhook": self.webhook,
            "profiles": self.profiles,
            "target": self.target,
            "summary": {
                "users": self.users,
                "users_with_findings": self.users_with_findings,
                "aborted": self.aborted_users,
                "colliding_event_ids": self.colliding_ids,
                "malformed_lines": self.malformed_count,
            },
            "rules": [
                {"rule": c.rule, "severity": str(c.severity), "users": c.users,
                 "share": round(self.share(c.users), 6),
                 "examples": [e.to_dict() for e in c.examples]}
                for c in self.sorted_rules()
            ],
            "aborted": {
                "users": self.aborted_users,
                "reasons": [
                    {"reason": g.reason, "users": g.users,
                     "examples": [e.to_dict() for e in g.examples]}
                    for g in self.abort_groups()[0]
                ],
                "other_reasons_users": self.abort_groups()[1],
            },
            "collisions": {
                "severity": str(self.collision_severity) if self.collision_severity else None,
                "event_ids": self.colliding_ids,
                "users": self.colliding_users,
                "groups": [
                    {"event_id": c.event_id, "users": c.users,
                     "examples": [e.to_dict() for e in c.examples]}
                    for c in self.collisions
                ],
            },
            "malformed": {
                "lines": self.malformed_count,
                "first": [{"source": f, "line": n, "message": m} for f, n, m in self.malformed],
            },
            "template_findings": [f.to_dict() for f in self.template_findings],
        }

    def write_json(self, out: TextIO) -> None:
        json.dump(self.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")

    def write_text(self, out: TextIO) -> None:
        for line in self.text_lines():
            out.write(line + "\n")

    def text_lines(self) -> list[str]:
        from rokt_braze.report.text_format import line_of

        lines = [line_of(f) for f in self.template_findings]
        if self.template_findings:
            lines.append("The webhook does not parse: no user was rendered.")
            return lines
        target = f" ({self.target})" if self.target else ""
        lines.append(f"{self.webhook}{target} x {self.profiles}: {self.users:,} "
                     f"user{'s' if self.users != 1 else ''}")
        if self.rules:
            lines.append("")
            width = max(len(c.rule) for c in self.rules.values()) + 10
            lines.append(f"{'rule':<{width}} {'users':>9} {'share':>7}  examples")
            for c in self.sorted_rules():
                tag = "" if c.severity == Severity.ERROR else f" ({c.severity})"
                ids = ", ".join(e.user for e in c.examples)
                lines.append(f"{c.rule + tag:<{width}} {c.users:>9,} "
                             f"{_percent(self.share(c.users)):>7}  {ids}")
                first = next((e for e in c.examples if e.message), None)
                if first is not None:
                    at = f"{self.webhook}:{first.position[0]}:{first.position[1]}" if (
                        first.position[0]) else self.webhook
                    lines.append(f"    {at}: {first.message} [{first.user}]")
        if self.aborted_users:
            lines.append("")
            lines.append(f"Aborted (Braze sends nothing): {self.aborted_users:,} users "
                         f"({_percent(self.share(self.aborted_users))})")
            groups, others = self.abort_groups()
            for g in groups:
                ids = ", ".join(e.user for e in g.examples)
                lines.append(f"    {g.users:>9,}  {g.reason or 'abort_message called'}: {ids}")
            if others:
                lines.append(f"    {others:>9,}  (other reasons)")
        if self.colliding_ids:
            tag = f" ({self.collision_severity})" if self.collision_severity else ""
            lines.append("")
            lines.append(f"Colliding eventIds{tag}: {self.colliding_ids:,} eventId"
                         f"{'s' if self.colliding_ids != 1 else ''} shared by "
                         f"{self.colliding_users:,} users")
            for group in self.collisions:
                ids = ", ".join(f"{e.user} ({e.source}:{e.line})" for e in group.examples)
                lines.append(f"    {group.users:>9,}  {group.event_id!r}: {ids}")
            if self.colliding_ids > len(self.collisions):
                lines.append(f"    ... and {self.colliding_ids - len(self.collisions):,} more "
                             "eventIds")
        if self.malformed_count:
            lines.append("")
            lines.append(f"Malformed input: {self.malformed_count:,} "
                         f"line{'s' if self.malformed_count != 1 else ''} skipped")
            for source, number, message in self.malformed:
                at = f"{source}:{number}" if number else source
                lines.append(f"    {at}: {message}")
            if self.malformed_count > len(self.malformed):
                lines.append(f"    ... and {self.malformed_count - len(self.malformed):,} more")
        lines.append("")
        lines.append(self.closing_line())
        return lines

    def closing_line(self) -> str:
        if not self.users_with_findings and not self.colliding_ids:
            return f"All {self.users:,} users passed."
        line = (f"Problems for {self.users_with_findings:,} of {self.users:,} users "
                f"({_percent(self.share(self.users_with_findings))})")
        if self.colliding_ids:
            line += f"; {self.colliding_users:,} share their eventId with another user"
        return line + "."


def _percent(share: float) -> str:
    if 0 < share < 0.001:
        return "<0.1%"
    return f"{share:.1%}"
