"""`Problem`: one defect a target found in a rendered request.

It lives apart from `targets/__init__.py` so that the target packages can import it
without importing the dispatcher that imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rokt_braze.findings import RULES, Severity


@dataclass(frozen=True)
class Problem:
    """A defect in one field of the request; the caller turns it into a `Finding`.

    `offset` is a 0-based index into the rendered value of `field` (-1: no better place),
    so the caller can map it back to the template. `severity` is set only when it differs
    from the rule's default. `replacement`: (the value as rendered at `offset`, the value
    to write instead), when the rule knows the right one; where the template holds that
    value as literal text, the pipeline turns it into a fix. `retype`: the JSON type the
    value at the problem's path should be written as ("number", "boolean": a string
    holding one loses its quotes; "string": a bare value gets them), when the rule knows
    it; the pipeline turns it into a fix where the template types those quotes.
    """

    rule: str
    message: str
    field: str
    offset: int = -1
    severity: Severity | None = None
    replacement: tuple[str, str] | None = None
    retype: str | None = None


def problem(
    rule: str, message: str, field: str, offset: int | Callable[[], int] = -1,
    severity: Severity | None = None, *, replacement: tuple[str, str] | None = None,
    retype: str | None = None,
) -> Problem:
    """Build a `Problem`, refusing unknown rule ids and dropping a redundant severity.

    `offset` may be a function that finds it: it is then called when the offset is first
    read (placing a value in a JSON body scans the whole text, and a caller that only
    counts rules, like an audience run, never reads it)."""
    default = RULES[rule].severity  # KeyError here is a programming error, not user input
    severity = None if severity == default else severity
    if callable(offset):
        return _PlacedOnRead(rule, message, field, offset, severity, replacement, retype)
    return Problem(rule, message, field, offset, severity, replacement, retype)


class _PlacedOnRead(Problem):
    """A `Problem` whose offset is looked up on first read; equal to the plain one."""

    def __init__(
        self, rule: str, message: str, field: str, find: Callable[[], int],
        severity: Severity | None, replacement: tuple[str, str] | None = None,
        retype: str | None = None,
    ) -> None:
        # as the frozen dataclass's own __init__ would
        self.__dict__.update(rule=rule, message=message, field=field, severity=severity,
                             replacement=replacement, retype=retype, _find=find)

    @property
    def offset(self) -> int:
        found = self.__dict__.get("_offset")
        if found is None:
            found = self.__dict__["_find"]()
            object.__setattr__(self, "_offset", found)
        return found  # type: ignore[no-any-return]


def show(value: object, limit: int = 60) -> str:
    """A short quoted rendering of a user value for one-line messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"
