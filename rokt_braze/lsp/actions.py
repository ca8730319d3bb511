"""Code actions: the fix a finding's rule carries, a suppression comment for its line,
and "fix all" (every fix of the document, as `check --fix` makes them).

Both are edits of the text the findings came from; the server offers them only while
the document is still at the version that was checked. "Disable RULE on this line"
inserts `{% # rokt-braze: disable=RULE %}` where the line's template text starts (or
ends, when a tag from an earlier line is still open there) — the inline suppression
`check` honours; the edit is kept only if the file still loads and the comment then
covers the line (in a plain YAML scalar ` #` would start a YAML comment, so the
`{% comment %}` form is tried next, and nothing is offered when neither fits).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from lsprotocol import types

from rokt_braze.errors import InputError
from rokt_braze.findings import Edit, Finding
from rokt_braze.fixes import apply_edits, choose
from rokt_braze.lint.source import regions
from rokt_braze.lint.suppress import suppressions
from rokt_braze.lsp.checking import Checked
from rokt_braze.lsp.diagnostics import diagnostic
from rokt_braze.lsp.text import Text
from rokt_braze.report.places import by_place
from rokt_braze.webhook import Field, Webhook, parse_webhook

__all__ = ["FIX_ALL", "code_actions", "suppression_edit"]

_FORMS = ("{{% # rokt-braze: disable={rule} %}}",
          "{{% comment %}}rokt-braze: disable={rule}{{% endcomment %}}")


#: the kind of the action that makes every fix of the document at once (an editor may run
#: it on save: VS Code's `"editor.codeActionsOnSave": {"source.fixAll": "explicit"}`)
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.rokt-braze"


def code_actions(checked: Checked, text: Text, uri: str, first_line: int, last_line: int,
                 only: Sequence[str] | None = None) -> list[types.CodeAction]:
    """The quick fixes for the findings on 1-based lines `first_line`..`last_line`, then
    "fix all" for the document; `only`: the kinds the client asks for (None: all)."""
    out = []
    if _wanted(types.CodeActionKind.QuickFix.value, only):
        out += _quick_fixes(checked, text, uri, first_line, last_line)
    if _wanted(FIX_ALL, only):
        out += _fix_all(checked, text, uri)
    return out


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Is `kind` asked for? Kinds are dotted hierarchies: `source` covers `source.fixAll`."""
    asked = [getattr(k, "value", k) for k in only] if only is not None else [kind]
    return any(kind == k or kind.startswith(f"{k}.") for k in asked)


def _fix_all(checked: Checked, text: Text, uri: str) -> list[types.CodeAction]:
    """Every fix of the document in one action, chosen as `check --fix` chooses them
    (identical edits once; of clashing ones the first in the file, the rest left to the
    check after it); none when there is nothing to fix."""
    edits, fixed = choose(text.source, checked.findings)
    if not edits:
        return []
    count = len(by_place(fixed))
    return [types.CodeAction(
        title=f"Fix all rokt-braze findings ({count} fix{'' if count == 1 else 'es'})",
        kind=FIX_ALL, edit=types.WorkspaceEdit(changes={uri: _text_edits(edits, text)}))]


def _quick_fixes(checked: Checked, text: Text, uri: str, first_line: int,
                 last_line: int) -> list[types.CodeAction]:
    """One fix per place, as the diagnostics are (several profiles lacking one attribute
    are one fix), then the suppression comments."""
    found = [place.shown() for place in by_place(checked.findings)
             if first_line <= place.first.line <= last_line]
    fixes = {(f.rule, f.line, f.column): f.fix for f in reversed(checked.findings) if f.fix}
    out = []
    for f in found:
        fix = fixes.get((f.rule, f.line, f.column))
        if fix is not None:
            out.append(_action(fix.title, fix.edits, f, text, uri, preferred=True))
    seen: set[tuple[str, int]] = set()
    for f in found:
        if (f.rule, f.line) in seen or checked.webhook is None:
            continue
        seen.add((f.rule, f.line))
        edit = suppression_edit(checked.webhook, text.source, f.rule, f.line)
        if edit is not None:
            out.append(_action(f"Disable {f.rule} on this line", (edit,), f, text, uri))
    return out


def _action(title: str, edits: tuple[Edit, ...], f: Finding, text: Text, uri: str, *,
            preferred: bool = False) -> types.CodeAction:
    changes = _text_edits(edits, text)
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic(f, text)], is_preferred=preferred or None,
                            edit=types.WorkspaceEdit(changes={uri: changes}))


def _text_edits(edits: Iterable[Edit], text: Text) -> list[types.TextEdit]:
    return [types.TextEdit(range=text.range(e.line, e.column, e.end_line, e.end_column),
                           new_text=e.text) for e in edits]


def suppression_edit(webhook: Webhook, source: str, rule: str, line: int) -> Edit | None:
    """An edit that silences `rule` on file line `line` (see the module doc), or None."""
    for fld in webhook.fields():
        for index in _insertion_points(fld, source, line):
            for form in _FORMS:
                edit = fld.edit(index, index, form.format(rule=rule))
                if _covers(webhook.path, apply_edits(source, (edit,)), rule, line):
                    return edit
    return None


def _insertion_points(fld: Field, source: str, line: int) -> Iterator[int]:
    """Indexes into the field's text where its part of file line `line` starts and ends,
    those that are not inside Liquid markup."""
    lines = source.split("\n")
    if not 1 <= line <= len(lines) or fld.lines is None:
        return
    start = sum(len(text) + 1 for text in lines[: line - 1])
    on_line = []
    for offset in range(start, start + len(lines[line - 1])):
        index = fld.index_at(offset)
        if index is not None and index < len(fld.source) and \
                fld.position(index) == (line, offset - start + 1):
            on_line.append(index)
    if not on_line:
        return
    first = next((i for i in on_line if not fld.source[i].isspace()), on_line[0])
    markup = [(r.start, r.end) for r in regions(fld.source)]
    for index in (first, on_line[-1] + 1):
        if not any(s < index < e for s, e in markup):
            yield index


def _covers(path: str, text: str, rule: str, line: int) -> bool:
    try:
        webhook = parse_webhook(path, text)
    except InputError:
        return False
    return rule in suppressions(webhook).line_rules.get(line, set())
