"""The fix for a body value of the wrong JSON type that quotes would fix (`Problem.retype`).

- to a number or a boolean: the rendered value is a string whose text is that literal
  (`"15"`, `"true"`) and both its quotes are typed in the template: remove them, so
  `"notifyBefore": "{{notifyBefore}}"` becomes `"notifyBefore": {{notifyBefore}}`;
- to a string: the rendered value is a bare number or boolean typed in the template
  as a JSON value, or written by one `{{ ... }}` output there: put quotes around it.

The rule found the problem in one profile's render, and the fix goes by that render:
it is offered only where the template's own text holds the quotes (or the bare value),
so it edits the JSON, never a captured value or a profile's data. Quotes removed around
an output of a profile attribute leave that attribute to be a number for every user
(a `missing-attribute` fix then offers `| default: 0`).
"""

from __future__ import annotations

import re

from rokt_braze.braze import Rendered
from rokt_braze.findings import Fix
from rokt_braze.lint.source import regions
from rokt_braze.webhook import Field

__all__ = ["retype_fix"]

_LITERAL = {
    "number": re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"),
    "boolean": re.compile(r"true|false"),
}
_BARE = re.compile(r"-?[0-9][0-9.eE+-]*|true|false")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_KEY = re.compile(r'"(?:[^"\\]|\\.)*"\s*:\s*', re.S)


def retype_fix(fld: Field, output: Rendered, offset: int, to: str) -> Fix | None:
    """The fix for the value at (or whose key is at) `offset` of the rendered body."""
    text = output.text
    key = _KEY.match(text, offset) if 0 <= offset < len(text) else None
    start = key.end() if key else offset
    if not 0 <= start < len(text):
        return None
    if to == "string":
        return _quote(fld, output, start)
    pattern = _LITERAL.get(to)
    string = _STRING.match(text, start)
    if pattern is None or string is None or not pattern.fullmatch(text, start + 1,
                                                                  string.end() - 1):
        return None
    opening, closing = output.source_index(start), output.source_index(string.end() - 1)
    source = fld.source
    if not 0 <= opening < closing or source[opening] != '"' or source[closing] != '"':
        return None
    value = text[start + 1:string.end() - 1]
    return Fix(f"Remove the quotes: send {value} as a {to}",
               (fld.edit(opening, opening + 1, ""), fld.edit(closing, closing + 1, "")))


def _quote(fld: Field, output: Rendered, start: int) -> Fix | None:
    bare = _BARE.match(output.text, start)
    if bare is None:
        return None
    value, source = bare.group(), fld.source
    first, last = output.source_index(start), output.source_index(bare.end() - 1)
    if first < 0:
        return None
    if source.startswith(value, first) and last == first + len(value) - 1:
        end = first + len(value)  # typed there
    else:
        region = next((r for r in regions(source) if r.start == first), None)
        if region is None or region.kind != "output" or last != first:
            return None
        end = region.end  # the whole value is this output's
    if not re.search(r"[:,\[]\s*\Z", source[:first]):
        return None  # not where a JSON value starts (a captured value, say)
    return Fix(f"Quote {value}: send it as a string",
               (fld.edit(first, first, '"'), fld.edit(end, end, '"')))
