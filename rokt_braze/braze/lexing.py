"""A linear-time guard in front of python-liquid's lexer.

python-liquid lexes with one big regular expression. Where a `{{` has no `}}` after it
(or a `{%` no `%}`, or a `{% raw %}` no `{% endraw %}`), that expression scans to the end
of the text before it gives up and moves on by one character, so a text with many such
openers takes quadratic time: 16,000 `{{` (32 KB) take minutes. Any one unclosed opener
costs one scan; it is many of them that make a text pathological.

python-liquid's expression tokenizer has the same trouble inside one statement: each `(`
looks ahead for a `..` (a range) and each `['` for its `']`, so a statement of thousands of
`(` takes seconds.

`check_lexable` walks the text once, the way the lexer's expression would, adding up what
those failed scans and each statement's `(` and `['` would cost. Under `SCAN_BUDGET` the
text goes to python-liquid as it is (its own errors, unchanged). Over it, the text is
rejected with the error python-liquid would have raised, at the place it would have raised
it; where python-liquid would have read on (an unclosed `{{` inside a comment), at the
first unclosed opener; for a statement too costly to tokenize, at that statement.
"""

from __future__ import annotations

import bisect
import re

from liquid.exceptions import LiquidSyntaxError
from liquid.token import TOKEN_EOF, Token

#: Characters the lexer may rescan for failed openers before a text counts as
#: pathological: about a tenth of a second of python-liquid's lexer.
SCAN_BUDGET = 500_000

_OPENER = re.compile(r"\{[{%]")
_TAG = re.compile(r"\{%-?\s*(#|\w+)")
_VERBATIM = re.compile(r"\{%-?\s*(raw|doc)\s*-?%\}")
_VERBATIM_END = {
    "raw": re.compile(r"\{%-?\s*endraw\s*-?%\}"),
    "doc": re.compile(r"\{%-?\s*enddoc\s*-?%\}"),
}

_LOOKAHEAD = re.compile(r"\(|\[\s*([\"'])")
_RANGE = re.compile(r"\.\.")
_INDEX_END = {"'": re.compile(r"'\s*\]"), '"': re.compile(r'"\s*\]')}

OUTPUT_UNCLOSED = "expected '}}', found end of file"
TAG_UNCLOSED = "missing tag name or closing delimiter"
TOO_COMPLEX = "expression too complex: too many '(' or '[' in one statement"


def check_lexable(source: str) -> None:
    """Raise LiquidSyntaxError if lexing `source` would take more than linear time."""
    suspects = sum(source.count(c) for c in ("{{", "{%", "(", "["))
    if len(source) * suspects <= SCAN_BUDGET:
        return  # cannot be over budget: not worth a walk
    failure = _walk(source, _Lookaheads(source))
    if failure is not None:
        index, message = failure
        raise LiquidSyntaxError(message, token=Token(TOKEN_EOF, source[index:index + 2], index,
                                                     source))


class _Lookaheads:
    """What the expression tokenizer's `(` and `['` rules scan for, indexed once."""

    def __init__(self, source: str) -> None:
        self.starts = [(m.start(), m.group(1) or "") for m in _LOOKAHEAD.finditer(source)]
        self.positions = [start for start, _ in self.starts]
        self.ends = {
            "": [m.start() for m in _RANGE.finditer(source)],
            **{q: [m.start() for m in end.finditer(source)] for q, end in _INDEX_END.items()},
        }

    def cost(self, start: int, end: int) -> int:
        """Characters the tokenizer scans ahead in the statement markup source[start:end]."""
        total = 0
        first = bisect.bisect_left(self.positions, start)
        last = bisect.bisect_left(self.positions, end)
        for at, quote in self.starts[first:last]:
            ends = self.ends[quote]
            i = bisect.bisect_left(ends, at + 1)
            total += (min(ends[i], end) if i < len(ends) else end) - at
        return total


def _walk(
    source: str,
    lookaheads: _Lookaheads,
    budget: int = SCAN_BUDGET,
    markup_budget: int = SCAN_BUDGET,
) -> tuple[int, str] | None:
    """(index, message) of the error to raise, or None when lexing stays cheap."""
    size = len(source)
    last_output_close = source.rfind("}}")
    last_tag_close = source.rfind("%}")
    verbatim_ends = {kind: [m.start() for m in end.finditer(source)]
                     for kind, end in _VERBATIM_END.items()}
    cost = markup_cost = 0
    comment_depth = 0
    first_unclosed: tuple[int, str] | None = None
    lexer_error: tuple[int, str] | None = None
    pos = 0
    while (opener := _OPENER.search(source, pos)) is not None:
        at = opener.start()
        if source[at + 1] == "{":
            if at + 2 <= last_output_close:  # matches up to the next `}}`
                pos = source.index("}}", at + 2) + 2
                if not comment_depth:
                    markup_cost += lookaheads.cost(at + 2, pos - 2)
                    if markup_cost > markup_budget:
                        return at, TOO_COMPLEX
                continue
            message = OUTPUT_UNCLOSED
            # the text token from here starts with `{{` unless another opener follows at once
            raises = source[at + 2 : at + 3] not in ("{", "%")
        else:
            verbatim = _VERBATIM.match(source, at)
            if verbatim is not None:
                ends = verbatim_ends[verbatim.group(1)]
                i = bisect.bisect_left(ends, verbatim.end())
                if i < len(ends):  # matches up to its end tag
                    pos = source.index("%}", ends[i]) + 2
                    continue
                cost += size - at  # scanned for the end tag in vain; then read as a tag
                if first_unclosed is None:
                    first_unclosed = (at, f"'{verbatim.group(1)}' tag was never closed")
            tag = _TAG.match(source, at)
            if tag is not None and tag.end() <= last_tag_close:  # matches up to the next `%}`
                pos = source.index("%}", tag.end()) + 2
                if not comment_depth:
                    markup_cost += lookaheads.cost(tag.end(), pos - 2)
                    if markup_cost > markup_budget:
                        return at, TOO_COMPLEX
                name = tag.group(1)
                if name == "comment":
                    comment_depth += 1
                elif name == "endcomment" and comment_depth:
                    comment_depth -= 1
                continue
            if tag is not None:  # a named tag with no `%}` after it: scanned in vain
                cost += size - at
            message = TAG_UNCLOSED
            raises = True  # the text token from here starts with `{%`
        if message == OUTPUT_UNCLOSED:
            cost += size - at
        if first_unclosed is None:
            first_unclosed = (at, message)
        if raises and not comment_depth and lexer_error is None:
            lexer_error = (at, message)
        pos = at + 1
    if cost <= budget:
        return None
    return lexer_error or first_unclosed
