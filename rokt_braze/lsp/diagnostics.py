"""Findings and problems as LSP diagnostics: the rule id is the code (linked to its entry
in docs/rules.md), the profile a render finding came from is named in the message as
`check`'s text report names it, and the finding's fix travels in `data` for code actions."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from rokt_braze.findings import Finding, Severity
from rokt_braze.lsp.checking import Checked
from rokt_braze.lsp.text import Text
from rokt_braze.report.places import by_place

__all__ = ["RULES_URL", "SOURCE", "to_diagnostics"]

SOURCE = "rokt-braze"
RULES_URL = "https://github.com/rokt-braze/rokt-braze/blob/main/docs/rules.md"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def to_diagnostics(checked: Checked, text: Text) -> list[types.Diagnostic]:
    out = [_problem(p.message, p.line, p.column, text) for p in checked.problems]
    # one diagnostic per rule and place, as check reports them (a filter that lint and the
    # render both reject is one diagnostic naming the profiles)
    out += [diagnostic(place.shown(), text) for place in by_place(checked.findings)]
    return out


def diagnostic(f: Finding, text: Text) -> types.Diagnostic:
    data: dict[str, Any] = {"rule": f.rule, "line": f.line, "column": f.column,
                            "field": f.field, "profile": f.profile}
    return types.Diagnostic(
        range=text.span(f.line, f.column),
        message=f.message + (f" [{f.profile}]" if f.profile else ""),
        severity=_SEVERITY[f.severity],
        code=f.rule,
        code_description=types.CodeDescription(href=f"{RULES_URL}#{f.rule}"),
        source=SOURCE,
        data=data,
    )


def _problem(message: str, line: int, column: int, text: Text) -> types.Diagnostic:
    """A document that could not be checked: an error at the place it names (else the top)."""
    return types.Diagnostic(range=text.span(line, column), message=message,
                            severity=types.DiagnosticSeverity.Error, source=SOURCE)
