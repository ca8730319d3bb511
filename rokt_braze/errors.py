"""Exceptions that cross the public API.

`TemplateError` and `MessageAborted` are what `render_liquid` / `render_webhook` raise;
`InputError` is for the user's files and options (the CLI turns it into exit status 2).
"""

from __future__ import annotations

from typing import Any


class RoktBrazeError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(RoktBrazeError):
    """An unreadable file, bad YAML, a profile of the wrong shape, a bad option."""

    def __init__(self, message: str, *, path: str = "", line: int = 0, column: int = 0) -> None:
        if path:
            where = ":".join([path, *(str(n) for n in (line, column) if n and line)])
        else:
            where = (f"line {line}, column {column}" if column else f"line {line}") if line else ""
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.reason = message
        #: 1-based position in `path` (0: unknown), printed as `path:line:column: reason`
        self.line = line
        self.column = column


class TemplateError(RoktBrazeError):
    """A Braze Liquid syntax or render error, positioned in the user's original text.

    `line` and `column` are 1-based; `index` is the 0-based offset into the source.
    `rule` names the finding a checker should report for it.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int = 0,
        column: int = 0,
        index: int = -1,
        rule: str = "liquid-syntax",
        source_name: str = "",
        field: str = "",
    ) -> None:
        where = f"{source_name}:" if source_name else ""
        super().__init__(f"{where}{line}:{column}: {message}" if line else f"{where}{message}")
        self.message = message
        self.line = line
        self.column = column
        self.index = index
        self.rule = rule
        self.source_name = source_name
        self.field = field
        #: connected_content calls made before the render stopped, as (field, CallRecord)
        #: pairs (set by `render_message`), the failing call last when a call failed
        self.calls: list[Any] = []


class MessageAborted(RoktBrazeError):
    """`abort_message` fired (or connected_content retries ran out): Braze sends nothing."""

    def __init__(
        self,
        reason: str,
        *,
        index: int = -1,
        line: int = 0,
        column: int = 0,
        field: str = "",
        cause: str = "abort_message",
    ) -> None:
        super().__init__(reason or "abort_message called")
        self.reason = reason
        self.field = field
        #: "abort_message", or "retry" when connected_content :retry gave up
        self.cause = cause
        self.index = index
        self.line = line
        self.column = column
        #: connected_content calls made before the message stopped (see `TemplateError`)
        self.calls: list[Any] = []
