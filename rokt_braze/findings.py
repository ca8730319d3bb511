"""What a check reports: `Finding`, its `Severity`, and the catalog of rule ids.

Rule ids are a stable contract (docs, configs and CI suppressions name them), so the
catalog below is the one place they are defined; every layer that reports a problem
uses a rule from it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


class Severity(enum.IntEnum):
    """Ordered so that `severity >= fail_level` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


#: What `--fail-on` and the config's `fail-on` accept: a severity, or never fail.
FAIL_LEVELS = ("error", "warning", "info", "never")


def fail_level(text: str) -> Severity | None:
    """The lowest severity that fails a run (None: `never`)."""
    return None if text == "never" else Severity.parse(text)


def fails(worst: Severity | None, level: Severity | None) -> bool:
    """Does a run whose worst finding is `worst` fail at `level`? The one place it is decided."""
    return level is not None and worst is not None and worst >= level


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    #: the stage that finds it (template, render, request, rokt): SARIF tags, docs sections
    category: str = ""


def _catalog(*rows: tuple[str, Severity, str] | str) -> dict[str, Rule]:
    """Rows of (id, severity, summary); a bare string starts a category."""
    rules: dict[str, Rule] = {}
    category = ""
    for row in rows:
        if isinstance(row, str):
            category = row
        else:
            rid, sev, summary = row
            rules[rid] = Rule(rid, sev, summary, category)
    return rules


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: notice

RULES: dict[str, Rule] = _catalog(
    "template",  # static rules over template source
    ("liquid-syntax", E, "a field does not parse as Braze Liquid"),
    ("unknown-tag", E, "a tag Braze does not support"),
    ("unknown-filter", E, "a filter Braze does not support"),
    ("undefined-variable", W, "a variable that is never assigned and is not a Braze namespace"),
    ("unused-assign", W, "assigned or captured, never used"),
    ("curly-quotes", E, "typographic quotes in Liquid markup"),
    ("placeholder-credential", E, "`:basic_auth <...>` placeholder left from the documentation"),
    ("json-unescaped", W, "user data interpolated into a JSON string without json_escape"),
    ("array-output", W, "an array attribute output without join"),
    ("connected-content", E, "malformed connected_content markup or unknown option"),
    "render",
    ("render-error", E, "rendering raised for this profile"),
    ("aborted", N, "abort_message fired: the message would not be sent"),
    ("missing-attribute", W, "the template reads a ${...} attribute this profile lacks"),
    ("connected-content-unmatched", E, "a connected_content call with no fixture offline"),
    "request",  # the rendered HTTP request
    ("url-invalid", E, "URL not absolute https, empty path segment or bad characters"),
    ("method-invalid", E, "method not allowed by the target (not the route's)"),
    ("header-invalid", E, "Authorization not `Bearer <token>`, Content-Type not JSON, ..."),
    ("body-json-invalid", E, "body is not valid JSON"),
    ("body-unexpected", W, "a body sent to an endpoint that takes none (a DELETE)"),
    "rokt",  # the Rokt Calendar API contract
    ("rokt-url", E, "not the URL of a Rokt event route, or empty account code"),
    ("rokt-required-field", E, "a field the Rokt API requires is missing or empty"),
    ("rokt-template-field", E, "a field the Braze integration requires is missing"),
    ("rokt-field-type", E, "a field has the wrong JSON type"),
    ("rokt-unknown-field", W, "a key the Rokt API does not define"),
    ("rokt-timezone", E, "not a Rokt Windows timezone id"),
    ("rokt-datetime", E, "start/end not an ISO 8601 local date-time, or an impossible date"),
    ("rokt-event-order", E, "end before start"),
    ("rokt-notify-before", E, "notifyBefore not a non-negative whole number of minutes"),
    ("rokt-subscription-ids", E,
     "subscriptionIds missing, empty, not GUIDs, duplicated, or of another account"),
    ("rokt-token", E, "the Bearer token does not come from a connected_content token call"),
    ("rokt-event-id", W, "eventId does not vary per user"),
    ("rokt-dst", W, "a local time that does not exist or is ambiguous in its zone"),
)


@dataclass(frozen=True)
class Edit:
    """Replace the file's text from (line, column) up to, not including, (end_line,
    end_column) with `text`; both 1-based, an insertion when they are equal."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class Fix:
    """What a finding's rule knows would fix it: a title for an editor's code action, and
    the edits to the file (positions in the file as it was checked)."""

    title: str
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict[str, object]:
        """As `check --format json` writes it: the title, and each edit's 1-based
        `line`/`column` to `end_line`/`end_column` (end excluded) and its `text`."""
        return {"title": self.title, "edits": [dataclasses.asdict(e) for e in self.edits]}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Fix:
        """The inverse of `to_dict` (the result cache stores fixes so)."""
        return cls(str(doc["title"]), tuple(Edit(**e) for e in doc["edits"]))


@dataclass(frozen=True)
class Finding:
    """One problem at one place. Positions are 1-based; 0 means "no position".

    `fix`: an optional fix (the language server offers it as a code action, `check
    --format json` writes it); not part of what a finding is, so it never makes two
    findings differ."""

    rule: str
    severity: Severity
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    field: str = ""
    profile: str = ""
    fix: Fix | None = dataclasses.field(default=None, compare=False, repr=False)
    #: the connected_content calls behind a render finding, as `render --as json` shows
    #: them (redacted): those its render made at its place; not part of its identity either
    calls: tuple[Mapping[str, Any], ...] = dataclasses.field(default=(), compare=False,
                                                            repr=False)

    def with_(self, **changes: object) -> Finding:
        return replace(self, **changes)  # type: ignore[arg-type]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.profile)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "profile": self.profile,
            "message": self.message,
            **({"calls": [dict(c) for c in self.calls]} if self.calls else {}),
        }


def finding(rule: str, message: str, **where: object) -> Finding:
    """Build a finding with the rule's default severity (config may change it later)."""
    return Finding(rule, RULES[rule].severity, message, **where)  # type: ignore[arg-type]


@dataclass
class CheckResult:
    """What `check` returns: every finding, plus what was looked at (for summaries)."""

    findings: list[Finding]
    files: list[str]
    renders: int = 0
    #: (file, profile) pairs that were rendered, for per-test-case reports such as JUnit.
    cases: list[tuple[str, str]] | None = None
    #: files that could not be checked at all (unreadable, bad YAML, ...), one line each
    input_errors: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def summary(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "renders": self.renders,
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "infos": self.count(Severity.INFO),
        }
