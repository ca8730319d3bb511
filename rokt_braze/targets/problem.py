"""`Problem`: one defect a target found in a rendered request.

It lives apart from `targets/__init__.py` so that the target packages can import it
without importing the dispatcher that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rokt_braze.findings import RULES, Severity


@dataclass(frozen=True)
class Problem:
    """A defect in one field of the request; the caller turns it into a `Finding`.

    `offset` is a 0-based index into the rendered value of `field` (-1: no better place),
    so the caller can map it back to the template. `severity` is set only when it differs
    from the rule's default.
    """

    rule: str
    message: str
    field: str
    offset: int = -1
    severity: Severity | None = None


def problem(
    rule: str, message: str, field: str, offset: int = -1, severity: Severity | None = None
) -> Problem:
    """Build a `Problem`, refusing unknown rule ids and dropping a redundant severity."""
    default = RULES[rule].severity  # KeyError here is a programming error, not user input
    return Problem(rule, message, field, offset, None if severity == default else severity)


def show(value: object, limit: int = 60) -> str:
    """A short quoted rendering of a user value for one-line messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"
