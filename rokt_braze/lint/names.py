"""Tags, filters and syntax Braze does not accept although python-liquid parses them.

* `unknown-tag`: a tag outside Braze's set. Braze documents the Liquid 5 tags it uses and
  its own tags; the standard tags it neither documents nor rejects (`cycle`, `tablerow`,
  `increment`, `decrement`, `ifchanged`, `break`, `continue`) are allowed. `render`,
  `include` and `doc` are removed from the engine, so they fail to parse and `check`
  reports them; `unknown_tag_message` gives the hint it can show.
* `unknown-filter`: python-liquid only fails on an unknown filter when rendering; this
  reports every one statically, and says "Braze does not support" for the filters
  Braze's reference marks unsupported.
* `liquid-syntax` (Braze restrictions python-liquid lets through; the rest of Braze's list of
  Liquid restrictions —
  filters in `if`/`for`/`[ ]`, operators in `assign`, parentheses, `&&`/`||`, a
  non-literal `abort_message` reason — already fail to parse): filters in `when`
  (python-liquid silently drops them), non-ASCII `assign`/`capture` names, and Liquid
  inside an `abort_message` reason (logged verbatim, a warning).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from rokt_braze.braze.environment import BRAZE_TAG_CLASSES
from rokt_braze.braze.filters import BRAZE_FILTERS, UNSUPPORTED_FILTERS
from rokt_braze.findings import Finding, Severity
from rokt_braze.lint.base import Lint

#: Tags a Braze message may use (Liquid 5 standard tags plus Braze's own).
ALLOWED_TAGS = frozenset({
    "assign", "capture", "if", "unless", "case", "for", "break", "continue", "cycle",
    "increment", "decrement", "tablerow", "ifchanged", "comment", "#", "raw", "echo",
    "liquid", *(tag.name for tag in BRAZE_TAG_CLASSES),
})  # fmt: skip

_TAG_HINTS = {
    "render": "a Braze message has no snippet files; use a Content Block "
              "({{content_blocks.${name}}})",
    "include": "a Braze message has no snippet files; use a Content Block "
               "({{content_blocks.${name}}})",
    "doc": "LiquidDoc is for Shopify theme snippets; use {% comment %}",
}

_FILTER_HINTS = {
    "lstrip": "use strip",
    "rstrip": "use strip",
    "money_with_currency": "use money",
    "money_without_currency": "use money",
    "pluralize": "use {% if count == 1 %}...{% else %}...{% endif %}",
    "find_index": "use a for loop",
}

#: Standard filters added to Shopify Liquid after the 5.4 Braze runs, with what to do instead.
_LATER_FILTERS = {
    "sum": "it arrived in Liquid 5.5, after the 5.4 Braze runs; add the items up in a for "
           "loop with plus",
}

_ASCII_NAME = re.compile(r"[A-Za-z0-9_]+\Z")


def unknown_tag_message(name: str) -> str:
    """The message for a tag Braze does not support (for `check`'s parse errors too)."""
    hint = _TAG_HINTS.get(name)
    return f"Braze does not support the {name} tag" + (f": {hint}" if hint else "")


def unknown_tag(lint: Lint) -> Iterator[Finding]:
    """A tag python-liquid parsed that is not a Braze tag."""
    for fl, model in lint.parsed():
        for name, index in model.tags:
            if name not in ALLOWED_TAGS:
                yield fl.at(index, "unknown-tag", unknown_tag_message(name))


def unknown_filter(lint: Lint) -> Iterator[Finding]:
    """Every filter Braze lacks, found without rendering."""
    for fl, model in lint.parsed():
        for use in model.filters:
            if use.name not in BRAZE_FILTERS:
                close = closest_filter(use.name)
                source = fl.field.source
                fix = (fl.fix(f"Change to {close}", use.index, use.index + len(use.name), close)
                       if close and source.startswith(use.name, use.index) else None)
                yield fl.at(use.index, "unknown-filter", filter_message(use.name), fix=fix)


def filter_message(name: str) -> str:
    if name in UNSUPPORTED_FILTERS:
        hint = _FILTER_HINTS.get(name)
        return f"Braze does not support the {name} filter" + (f": {hint}" if hint else "")
    if name in _LATER_FILTERS:
        return f"unknown filter {name!r}: {_LATER_FILTERS[name]}"
    close = closest_filter(name)
    return f"unknown filter {name!r}" + (f": did you mean {close}?" if close else "")


def closest_filter(name: str) -> str | None:
    """The Braze filter an unknown (not a Shopify-only) filter name most likely meant."""
    if name in UNSUPPORTED_FILTERS or name in _LATER_FILTERS:
        return None
    swapped = "_".join(reversed(name.split("_")))  # escape_json -> json_escape
    if swapped in BRAZE_FILTERS:
        return swapped
    close = difflib.get_close_matches(name, sorted(BRAZE_FILTERS), n=1)
    return close[0] if close else None


def braze_syntax(lint: Lint) -> Iterator[Finding]:
    """Braze's documented restrictions that python-liquid does not enforce (see module doc)."""
    for fl, model in lint.parsed():
        source = fl.field.source
        for index in model.whens:
            pipe = _pipe_in_markup(source, index)
            if pipe >= 0:
                yield fl.at(pipe, "liquid-syntax",
                            "filters are not allowed in when (Braze); assign the filtered "
                            "value to a variable before the case")
        for definition in model.definitions:
            if definition.kind in ("assign", "capture") and not _ASCII_NAME.match(
                definition.name
            ):
                yield fl.at(definition.index, "liquid-syntax",
                            f"variable name {definition.name!r}: Braze allows only ASCII "
                            "letters, digits and underscores in assign/capture names")
        for index, reason in model.aborts:
            if "{{" in reason or "{%" in reason:
                yield fl.at(index, "liquid-syntax",
                            "abort_message logs its reason verbatim: Liquid in it does not "
                            "render", severity=Severity.WARNING)


def _pipe_in_markup(source: str, index: int) -> int:
    """Index of a `|` outside quotes in the tag markup starting at `index`, or -1."""
    ends = [i for i in (source.find("%}", index), source.find("\n", index)) if i >= 0]
    end = min(ends) if ends else len(source)
    quote = ""
    for i in range(index, end):
        char = source[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "|":
            return i
    return -1
