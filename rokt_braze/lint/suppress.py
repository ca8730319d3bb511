"""Inline suppression with Liquid comments, in the style of theme-check's
`# theme-check-disable` comments.

```liquid
{% # rokt-braze: disable=json-unescaped %}            this comment's line(s)
{% # rokt-braze: disable-next-line=array-output %}    the line after the comment
{% # rokt-braze: disable-file=undefined-variable %}   the whole file, every field
{% comment %}rokt-braze: disable=rule-a, rule-b{% endcomment %}
```

`all` names every rule. A comment renders nothing, so suppressing never changes the
request. Suppression works on findings from any stage (lint, render, validation)
because it matches their file line numbers; a finding with no line (0) can only be
suppressed file-wide.

A directive naming a rule that does not exist, or that cannot be read, is reported as
a warning under `unknown-tag` (the nearest catalog rule: a Liquid comment the tool does
not understand), so a typo never silently turns a suppression off.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rokt_braze.findings import RULES, Finding, Severity, finding
from rokt_braze.lint.base import Lint
from rokt_braze.lint.source import regions
from rokt_braze.webhook import Field, Webhook

ALL = "all"
_START = re.compile(r"^[ \t]*#?[ \t]*rokt-braze[ \t]*:(?P<rest>.*)$", re.MULTILINE)
_ITEM = re.compile(
    r"(?P<kind>disable-next-line|disable-file|disable)[ \t]*=[ \t]*"
    r"(?P<rules>[\w-]+(?:[ \t]*,[ \t]*[\w-]+)*)"
)
_NAME = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class Directive:
    """One `kind=rules` item of a suppression comment, with the file lines it covers."""

    kind: str
    rules: tuple[tuple[str, int], ...]  # (rule name, index in the field's text)
    field: Field
    first_line: int  # the comment's first and last line in the file
    last_line: int


@dataclass(frozen=True)
class Malformed:
    field: Field
    index: int
    text: str


@dataclass
class Suppressions:
    file_rules: set[str] = field(default_factory=set)
    line_rules: dict[int, set[str]] = field(default_factory=dict)

    def covers(self, f: Finding) -> bool:
        if {f.rule, ALL} & self.file_rules:
            return True
        return f.line > 0 and bool({f.rule, ALL} & self.line_rules.get(f.line, set()))


def scan(webhook: Webhook) -> tuple[list[Directive], list[Malformed]]:
    """Every suppression directive in the webhook's template fields (parsed or not)."""
    directives: list[Directive] = []
    malformed: list[Malformed] = []
    for fld in webhook.fields():
        source = fld.source
        for region in regions(source):
            if region.kind != "comment":
                continue
            first_line = fld.position(region.start)[0]
            last_line = fld.position(max(region.end - 1, region.start))[0]
            body = source[region.body_start : region.body_end]
            for m in _START.finditer(body):
                rest_start = region.body_start + m.start("rest")
                rest = m.group("rest")
                leftover = rest
                items = list(_ITEM.finditer(rest))
                for item in items:
                    names = tuple(
                        (n.group(), rest_start + item.start("rules") + n.start())
                        for n in _NAME.finditer(item.group("rules"))
                    )
                    directives.append(
                        Directive(item.group("kind"), names, fld, first_line, last_line)
                    )
                    leftover = leftover.replace(item.group(), "", 1)
                if not items or leftover.strip(" \t;,"):
                    indent = len(rest) - len(rest.lstrip())
                    malformed.append(Malformed(fld, rest_start + indent, rest.strip()))
    return directives, malformed


def suppressions(webhook: Webhook) -> Suppressions:
    out = Suppressions()
    directives, _ = scan(webhook)
    for d in directives:
        names = {name for name, _ in d.rules}
        if d.kind == "disable-file":
            out.file_rules |= names
            continue
        lines = (range(d.first_line, d.last_line + 1) if d.kind == "disable"
                 else range(d.last_line + 1, d.last_line + 2))
        for line in lines:
            out.line_rules.setdefault(line, set()).update(names)
    return out


def filter_suppressed(webhook: Webhook, findings: Iterable[Finding]) -> list[Finding]:
    """`findings` without those the webhook's suppression comments silence.

    Findings of other files pass through untouched.
    """
    rules = suppressions(webhook)
    mine = os.path.normpath(webhook.path)
    return [
        f for f in findings
        if not (f.file and os.path.normpath(f.file) == mine and rules.covers(f))
    ]


def suppression_comments(lint: Lint) -> Iterator[Finding]:
    """Unknown rule names and unreadable directives in suppression comments (warnings)."""
    directives, malformed = scan(lint.webhook)
    for d in directives:
        for name, index in d.rules:
            if name == ALL or name in RULES:
                continue
            close = difflib.get_close_matches(name, sorted(RULES), n=1)
            yield _warning(lint.webhook, d.field, index,
                           f"unknown rule {name!r} in a rokt-braze suppression comment"
                           + (f": did you mean {close[0]}?" if close else ""))
    for bad in malformed:
        yield _warning(lint.webhook, bad.field, bad.index,
                       f"cannot read the rokt-braze suppression comment {bad.text!r}: write "
                       "disable=rule, disable-next-line=rule or disable-file=rule")


def _warning(webhook: Webhook, fld: Field, index: int, message: str) -> Finding:
    line, column = fld.position(index)
    return finding("unknown-tag", message, file=webhook.path, line=line, column=column,
                   field=fld.name).with_(severity=Severity.WARNING)
