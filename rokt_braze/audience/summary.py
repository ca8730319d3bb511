"""What an audience run found, merged from the workers' chunk results, and how it reads.

Everything here is bounded: per rule a count and three examples, a few abort reasons, a few
colliding eventIds, the first malformed lines. Chunk results merge in input order, so the
examples are the first users of the file that show each problem, whatever `--jobs` is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TextIO

from rokt_braze.findings import Finding, Severity

__all__ = ["AbortGroup", "ChunkResult", "Collision", "Example", "RuleCount", "Summary"]

EXAMPLES = 3
MAX_ABORT_REASONS = 10
MAX_MALFORMED = 20


@dataclass
class Example:
    """One user showing a problem: who, where in the export, and what (for a rule)."""

    user: str
    line: int
    message: str = ""
    position: tuple[int, int] = (0, 0)  # line, column in the webhook file
    field: str = ""

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"user": self.user, "line": self.line}
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
        self.examples += other.examples[: EXAMPLES - len(self.examples)]


@dataclass
class AbortGroup:
    reason: str
    users: int = 0
    examples: list[Example] = field(default_factory=list)


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
    malformed: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Summary:
    webhook: str
    profiles: str
    target: str | None = None
    jobs: int = 1
    users: int = 0
    users_with_findings: int = 0
    rules: dict[str, RuleCount] = field(default_factory=dict)
    aborted: dict[str, AbortGroup] = field(default_factory=dict)
    aborted_users: int = 0
    other_abort_reasons: int = 0
    #: colliding eventIds: the largest groups, how many ids collide, how many users share one
    collisions: list[Collision] = field(default_factory=list)
    colliding_ids: int = 0
    colliding_users: int = 0
    collision_severity: Severity | None = Severity.WARNING
    malformed: list[tuple[int, str]] = field(default_factory=list)
    malformed_count: int = 0
    #: findings about the webhook itself that stopped the run (it does not parse)
    template_findings: list[Finding] = field(default_factory=list)

    def merge(self, chunk: ChunkResult) -> None:
        self.users += chunk.users
        self.users_with_findings += chunk.users_with_findings
        for rule, count in chunk.rules.items():
            if rule in self.rules:
                self.rules[rule].add(count)
            else:
                self.rules[rule] = count
        self.aborted_users += chunk.aborted_users
        for reason, group in chunk.aborted.items():
            mine = self.aborted.get(reason)
            if mine is None and len(self.aborted) >= MAX_ABORT_REASONS:
                self.other_abort_reasons += group.users
            elif mine is None:
                self.aborted[reason] = group
            else:
                mine.users += group.users
                mine.examples += group.examples[: EXAMPLES - len(mine.examples)]
        self.malformed_count += len(chunk.malformed)
        self.malformed += chunk.malformed[: MAX_MALFORMED - len(self.malformed)]

    def complete_rules(self) -> frozenset[str]:
        """Rules that have all their examples (workers need not look for more)."""
        return frozenset(r for r, c in self.rules.items() if len(c.examples) >= EXAMPLES)

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
                    for g in self.aborted.values()
                ],
                "other_reasons_users": self.other_abort_reasons,
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
                "first": [{"line": n, "message": m} for n, m in self.malformed],
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
            for g in self.aborted.values():
                ids = ", ".join(e.user for e in g.examples)
                lines.append(f"    {g.users:>9,}  {g.reason or 'abort_message called'}: {ids}")
            if self.other_abort_reasons:
                lines.append(f"    {self.other_abort_reasons:>9,}  (other reasons)")
        if self.colliding_ids:
            tag = f" ({self.collision_severity})" if self.collision_severity else ""
            lines.append("")
            lines.append(f"Colliding eventIds{tag}: {self.colliding_ids:,} eventId"
                         f"{'s' if self.colliding_ids != 1 else ''} shared by "
                         f"{self.colliding_users:,} users")
            for group in self.collisions:
                ids = ", ".join(f"{e.user} (line {e.line})" for e in group.examples)
                lines.append(f"    {group.users:>9,}  {group.event_id!r}: {ids}")
            if self.colliding_ids > len(self.collisions):
                lines.append(f"    ... and {self.colliding_ids - len(self.collisions):,} more "
                             "eventIds")
        if self.malformed_count:
            lines.append("")
            lines.append(f"Malformed input: {self.malformed_count:,} "
                         f"line{'s' if self.malformed_count != 1 else ''} skipped")
            for number, message in self.malformed:
                lines.append(f"    {self.profiles}:{number}: {message}")
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
