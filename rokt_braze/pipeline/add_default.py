"""The fix for `missing-attribute`: a `default` filter right after the attribute.

An attribute a profile lacks renders blank; `| default: X` makes it render X instead,
and an attribute followed by a `default` filter is not reported (the template's
`missing` skips it), so applying the fix clears the finding. The filter goes right
after the attribute (and its `[0]` / `.key` lookups), before any filter the template
already applies, so those see the default.

The default is `''` unless the template makes the value's type clear:

- the next filter is a math filter (`plus`, `round`, ...): `0`;
- the output is a bare JSON value of the body (`"notifyBefore": {{...}}`, not inside a
  string) whose key the endpoint's schema types: `0` for a number, `false` for a boolean.

Offered only where a filter may follow the attribute: in a `{{ ... }}` output (also one
nested in tag markup) and in `assign` / `echo` markup; not in `if`, `for` or `case`,
whose conditions take no filters. In a plain YAML scalar `: ` would end the text, so
there the filter is written `default:''`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rokt_braze.findings import Fix
from rokt_braze.lint.source import Region, regions, tag_name
from rokt_braze.targets import body_fields
from rokt_braze.webhook import Field

__all__ = ["add_default"]

#: an attribute atom at its start: `${name}` or `namespace.${name}`, with the lookups
#: after it (`[0]`, `.key`)
_ATOM = re.compile(r"(?:\w+\.)?\$\{[^{}]*\}(?:\[[^\]\[]*\]|\.[\w-]+)*")
_NEXT_FILTER = re.compile(r"\s*\|\s*(\w+)")
_MATH = frozenset({"plus", "minus", "times", "divided_by", "modulo", "abs", "ceil", "floor",
                   "round", "at_least", "at_most"})
_KEY_BEFORE = re.compile(r"\"([\w-]+)\"\s*:\s*\Z")
#: tags whose markup is an expression that takes filters
_FILTERED_TAGS = frozenset({"assign", "echo"})


def add_default(fld: Field, index: int, endpoint: str | None) -> Fix | None:
    """The fix for the attribute at `index` of `fld`'s source, or None where a filter
    cannot follow it."""
    plain = fld.map is not None and fld.map.style is None
    found = _insertion(fld.source, index, endpoint if fld.name == "body" else None, plain)
    if found is None:
        return None
    at, text = found
    return Fix(f"Add |{text.partition('|')[2]}", (fld.edit(at, at, text),))


@lru_cache(maxsize=256)
def _insertion(source: str, index: int, endpoint: str | None,
               plain: bool) -> tuple[int, str] | None:
    """(where, what) to insert for the attribute at `index`; cached: every profile that
    lacks the attribute reports it at the same place."""
    atom = _ATOM.match(source, index)
    region = next((r for r in regions(source) if r.start <= index < r.end), None)
    if atom is None or region is None or not _takes_filters(source, region, index):
        return None
    at = atom.end()
    value = _default_value(source, at, region.start if region.kind == "output" else -1,
                           endpoint)
    return at, f" | default:{'' if plain else ' '}{value}"


def _takes_filters(source: str, region: Region, index: int) -> bool:
    """Is the attribute at `index` where a filter may follow it: in an output, an output
    nested in tag markup, or an assign/echo?"""
    if region.kind == "output":
        return True
    nested = source.rfind("{{", region.start, index)
    if nested >= 0 and source.find("}}", nested, index) < 0:
        return region.kind == "tag"
    return tag_name(source, region) in _FILTERED_TAGS


def _default_value(source: str, at: int, output_start: int, endpoint: str | None) -> str:
    """`0`, `false` or `''`: see the module doc. `output_start`: where the `{{` output
    holding the attribute starts (-1: in a tag)."""
    following = _NEXT_FILTER.match(source, at)
    if following is not None and following.group(1) in _MATH:
        return "0"
    if output_start < 0 or endpoint is None:
        return "''"
    literal, in_string = _literal_before(source, output_start)
    key = None if in_string else _KEY_BEFORE.search(literal)
    if key is None:
        return "''"
    kinds = next((f.types for f in body_fields(endpoint) if f.name == key.group(1)), ())
    first = next((k for k in kinds if k != "null"), "")
    return {"integer": "0", "number": "0", "boolean": "false"}.get(first, "''")


def _literal_before(source: str, end: int) -> tuple[str, bool]:
    """The literal text of `source` before index `end` (markup left out), and whether
    a JSON string is open there (double quotes, `\\` escapes)."""
    parts, pos = [], 0
    for region in regions(source):
        if region.start >= end:
            break
        parts.append(source[pos:region.start])
        pos = region.end
    parts.append(source[pos:end])
    literal = "".join(parts)
    in_string = escaped = False
    for char in literal:
        if escaped:
            escaped = False
        elif in_string and char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
    return literal, in_string
