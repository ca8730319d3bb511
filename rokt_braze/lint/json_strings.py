"""`json-unescaped`: user data written into a JSON string of the body without `json_escape`.

Braze says `json_escape` "should always be used when personalizing a string in a JSON
dictionary" (its filter docs): a `"`, `\\` or newline in a first name or an id otherwise
breaks the request body for that user only, which no test with tidy sample data shows.

How the rule decides, statically:

* The JSON context comes from the body's literal text. Walking the template's text and
  outputs in source order, a scanner tracks whether the text so far has an open
  double-quoted string (with `\\` escapes). An output met inside an open string is "in
  a JSON string". Each `capture` is scanned on its own (its text is a separate value).
  Branches of `if`/`for` are read in source order, which is right for the usual
  `"key": "{{ value }}"` shapes.
* Only JSON-looking text is scanned: the body (or a capture) whose literal text starts
  with `{` or `[`, or any body when a Content-Type header says JSON.
* User data is a `${...}` attribute, a connected_content result (`:save` or
  `connected`), or a variable assigned, captured or looped from one. A filter whose
  output cannot hold `"`, `\\` or control characters (`json_escape`, URL escapes,
  hashes, base64, number filters; `model.SANITIZERS`) clears it; a filter argument can
  bring it back (`| append: ${x}`).
* `| join: '","'` building `["a","b"]` out of an array is reported too: each element
  is still unescaped. The fix is a `for` loop with `json_escape` on each element.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rokt_braze.findings import Finding, Fix
from rokt_braze.lint.base import FieldLint, Lint
from rokt_braze.lint.field_model import Expr, FieldModel, Output, Ref, Text
from rokt_braze.lint.source import regions


@dataclass
class _Scanner:
    """Where a JSON text stands after the literal text seen so far."""

    in_string: bool = False
    escaped: bool = False

    def feed(self, text: str) -> None:
        for char in text:
            if self.escaped:
                self.escaped = False
            elif self.in_string and char == "\\":
                self.escaped = True
            elif char == '"':
                self.in_string = not self.in_string


def json_unescaped(lint: Lint) -> Iterator[Finding]:
    """Outputs of user data inside JSON strings of the body, without json_escape."""
    body = next((fl for fl in lint.fields if fl.name == "body"), None)
    if body is None or body.model is None:
        return
    declared_json = any(
        fl.name.lower() == "header:content-type" and "json" in fl.field.source.lower()
        for fl in lint.fields
    )
    yield from _scan(body, body.model, declared_json)


def _scan(fl: FieldLint, model: FieldModel, declared_json: bool) -> Iterator[Finding]:
    scanned = _json_sinks(model)
    if declared_json:
        scanned.add(0)
    scanners = {sink: _Scanner() for sink in scanned}
    for event in model.events:
        scanner = scanners.get(event.sink) if event.sink is not None else None
        if scanner is None:  # markup, or text that is not JSON
            continue
        if isinstance(event, Text):
            scanner.feed(event.text)
        elif scanner.in_string and event.expr.tainted is not None:
            yield fl.at(event.expr.tainted.index, "json-unescaped",
                        _message(event, event.expr.tainted), fix=_add_escape(fl, event))


def _add_escape(fl: FieldLint, output: Output) -> Fix | None:
    """`| json_escape` at the end of the `{{ ... }}` output (not for a joined array,
    whose elements need escaping one by one)."""
    if _joins_strings(output.expr):
        return None
    source = fl.field.source
    region = next((r for r in regions(source) if r.start == output.index), None)
    if region is None or region.kind != "output" or region.end > len(source) or \
            not source.startswith("}}", region.end - 2):
        return None
    end = region.body_end
    while end > region.body_start and source[end - 1] in " \t\n-":
        end -= 1
    return fl.fix("Add | json_escape", end, end, " | json_escape")


def _json_sinks(model: FieldModel) -> set[int]:
    """Outputs (0) and captures whose literal text starts like JSON."""
    first: dict[int, str] = {}
    for event in model.events:
        if isinstance(event, Text) and event.sink is not None and event.sink not in first:
            stripped = event.text.lstrip()
            if stripped:
                first[event.sink] = stripped[0]
    return {sink for sink, char in first.items() if char in "{["}


def _message(output: Output, ref: Ref) -> str:
    what = _describe(ref)
    if _joins_strings(output.expr):
        return (f"{what} is joined into a JSON array of strings without escaping: a quote or "
                f"backslash in one element breaks the body; build the array with a for loop "
                f"and | json_escape on each element")
    return (f"{what} is written into a JSON string without json_escape: a quote, backslash "
            f"or newline in the value breaks the body; add | json_escape")


def _describe(ref: Ref) -> str:
    if ref.attribute is not None:
        return ref.attribute.path
    return f"{ref.root} (user data)"


def _joins_strings(expr: Expr) -> bool:
    return any(f.name == "join" and '"' in (f.first_literal or "") for f in expr.filters)
