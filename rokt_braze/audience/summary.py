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
from dataclasses import dataclass, field

from rokt_braze.findings import Finding, Severity

__all__ = [
    "AbortGroup", "ChunkResult", "Collision", "Example", "LineProblem", "Malformed",
    "RuleCount", "RuleKey", "Summary", "Tally",
]  # fmt: skip

EXAMPLES = 3
#: A rule and the severity it had for a user: a rule may report some cases as warnings.
RuleKey = tuple[str, Severity]
#: Abort reasons shown in the report (the most frequent).
MAX_ABORT_REASONS = 10
#: Distinct abort reasons kept while merging (past it, the rest count as "other reasons").
KEPT_ABORT_REASONS = 1000
MAX_MALFORMED = 20

#: (line, column or 0 when unknown, message) of input that could not be read as a user
LineProblem = tuple[int, int, str]
#: the same with the file (or `archive.zip!member`) it is in: (source, line, column, message)
Malformed = tuple[str, int, int, str]


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
    rules: dict[RuleKey, RuleCount] = field(default_factory=dict)
    aborted: dict[str, AbortGroup] = field(default_factory=dict)
    aborted_users: int = 0
    #: eventId hashes (array "Q" bytes) and the export line of each
    hashes: bytes = b""
    lines: bytes = b""
    malformed: list[LineProblem] = field(default_factory=list)
    #: every user with a finding: (line, external_id or "", rule ids)
    failing: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    #: the eventId probe, run on this chunk's first user with an eventId: (line, findings)
    probe: tuple[int, list[Finding]] | None = None
    #: the rule of colliding eventIds and its severity (None: off), once a user had one
    identity: tuple[str, Severity | None] | None = None
    #: field renders by the compiled path, and by the interpreter and why (`plan.counts`)
    renders: dict[str, int] = field(default_factory=dict)


@dataclass
class Tally:
    """What some part of the export found (see the module doc: merges in any order)."""

    users: int = 0
    users_with_findings: int = 0
    rules: dict[RuleKey, RuleCount] = field(default_factory=dict)
    aborted: dict[str, AbortGroup] = field(default_factory=dict)
    aborted_users: int = 0
    other_abort_reasons: int = 0
    malformed: list[Malformed] = field(default_factory=list)
    malformed_count: int = 0
    #: the eventId probe of the first user (by source, line) it ran on: (source, line, findings)
    probe: tuple[str, int, list[Finding]] | None = None
    #: the rule of colliding eventIds and its severity (None: the rule is off)
    identity: tuple[str, Severity | None] | None = None
    #: field renders: "compiled", "fallback: <why>", "interpreted" (for the bench; not shown)
    renders: dict[str, int] = field(default_factory=dict)

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
        if other.probe is not None and (self.probe is None or other.probe[:2] < self.probe[:2]):
            self.probe = other.probe
        if other.identity is not None:  # the same for every user of one target
            mine = self.identity or other.identity
            self.identity = min(mine, other.identity, key=lambda i: (i[0], i[1] or 0))
        for kind, renders in other.renders.items():
            self.renders[kind] = self.renders.get(kind, 0) + renders

    def add_chunk(self, chunk: ChunkResult, source: str) -> None:
        """Merge a checker's chunk result, its lines being lines of `source`."""
        part = Tally(users=chunk.users, users_with_findings=chunk.users_with_findings,
                     rules=chunk.rules, aborted=chunk.aborted, aborted_users=chunk.aborted_users,
                     malformed=[(source, *problem) for problem in chunk.malformed],
                     malformed_count=len(chunk.malformed), identity=chunk.identity,
                     renders=chunk.renders)
        if chunk.probe is not None:
            part.probe = (source, *chunk.probe)
        groups: list[RuleCount | AbortGroup] = [*chunk.rules.values(), *chunk.aborted.values()]
        for group in groups:
            for example in group.examples:
                example.source = source
        self.merge(part)

    def complete_rules(
        self, before: tuple[str, int] = ("\U0010ffff", 0)
    ) -> frozenset[RuleKey]:
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
    #: findings about the webhook itself (parse errors, lint), as `check` reports them; when
    #: it does not parse (`parses` False) no user was rendered. See `webhook_findings`.
    template_findings: list[Finding] = field(default_factory=list)
    parses: bool = True

    @property
    def collision_severity(self) -> Severity | None:
        """The severity of colliding eventIds (the target's eventId rule, after the config)."""
        return self.identity[1] if self.identity else None

    def webhook_findings(self) -> list[Finding]:
        """The webhook's own findings: parse errors and lint, then the eventId probe."""
        probe = self.probe[2] if self.probe else []
        return sorted([*self.template_findings, *probe], key=Finding.sort_key)

    def worst(self) -> Severity | None:
        levels = [c.severity for c in self.rules.values() if c.users]
        levels += [f.severity for f in self.webhook_findings()]
        if self.colliding_ids and self.collision_severity is not None:
            levels.append(self.collision_severity)
        return max(levels, default=None)

    def per_rule(self) -> dict[str, RuleCount]:
        """One count per rule, whatever severities it had (the worst is kept)."""
        out: dict[str, RuleCount] = {}
        for count in self.sorted_rules():
            mine = out.get(count.rule)
            if mine is None:
                out[count.rule] = RuleCount(count.rule, count.severity, count.users,
                                            list(count.examples))
            else:
                mine.add(count)
        return out

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
                "rule": self.identity[0] if self.identity else None,
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
                "first": [{"source": f, "line": n, "column": c, "message": m}
                          for f, n, c, m in self.malformed],
            },
            "template_findings": [f.to_dict() for f in self.webhook_findings()],
        }
