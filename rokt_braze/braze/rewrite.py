"""Turn Braze Liquid source into source python-liquid can parse, keeping positions.

Braze adds two things to Shopify Liquid's grammar:

* `${name}` and `ns.${name}` are attribute atoms; names may hold spaces, colons and
  non-ASCII text, and may be followed by `.key` / `[i]`.
* `{{ }}` may be nested inside tag markup and inside an output, even unbalanced; Braze
  reads the contents as a plain expression.

Rather than fork python-liquid's lexer, we rewrite the source before lexing:

* `ns.${name}`   -> `ns["name"]`   (same length)
* `${ident}`     -> `   ident`     (same length; a plain context variable, as Braze does)
* `${any name}`  -> `["any name"]` (one longer: a bracketed root path)
* `{{` / `}}` / stray braces inside markup -> spaces
* `{{ x | f }}` inside tag markup (a filter inside: Braze's own use-case library writes
  `{% if {{uniq_cat | size}} == 1 %}`) -> `_braze_sub_N`, a placeholder the parsed
  template evaluates as that filtered expression (`subexpressions`), whose positions
  map back into `x | f`

Text outside markup, `{% raw %}`, comments and quoted strings are never altered. Every
edit is recorded, so an index into the rewritten text maps back to the user's original
text (`Rewritten.original_index`); indices inside an edited region map to its start.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

#: Tags whose markup is itself a small template (URL and option values may hold `{{ }}`).
TEMPLATE_MARKUP_TAGS = frozenset(
    {"connected_content", "message_extras", "catalog_items", "catalog_selection_items",
     "shopping_cart"}
)

#: A root name that can stand bare; a trailing `-` would read as `-}}` whitespace control.
_IDENT = re.compile(r"[^\W\d](?:[\w-]*\w)?\??\Z")
#: Words python-liquid's expression lexer reads as keywords: `${nil}` must stay a name.
_KEYWORDS = frozenset(
    {"true", "false", "nil", "null", "empty", "blank", "and", "or", "not", "contains", "in",
     "offset", "limit", "reversed", "cols", "continue", "with", "for", "as", "if", "else",
     "required"}
)
#: Name of the placeholder that stands for a `{{ x | f }}` inside tag markup.
SUBEXPRESSION_PREFIX = "_braze_sub_"
_TAG_START = re.compile(r"\{%-?\s*(#|\w+)")
_NEXT_MARKUP = re.compile(r"\{\{|\{%")
#: Where `raw` ends: its first `{% endraw %}` (raw does not nest, and Ruby Liquid 5.4
#: does not end it at `{%- endraw %}`; the lexer, `whitespace.py`, reads it so too).
_END_RAW = re.compile(r"\{%\s*endraw\s*-?%\}")


@dataclass(frozen=True)
class Attribute:
    """One `${...}` atom: `namespace` is None for a standard (root) attribute."""

    namespace: str | None
    name: str
    start: int  # index of the atom in the original source (the namespace, or the `$`)
    end: int

    @property
    def path(self) -> str:
        return f"{self.namespace}.${{{self.name}}}" if self.namespace else f"${{{self.name}}}"


@dataclass(frozen=True)
class _Edit:
    new_start: int
    new_end: int
    old_start: int
    old_end: int


@dataclass
class Rewritten:
    """The rewritten text, the attribute atoms found, and the way back to the original."""

    original: str
    text: str = ""
    attributes: list[Attribute] = field(default_factory=list)
    edits: list[_Edit] = field(default_factory=list)
    #: `{{ x | f }}` found inside tag markup, rewritten, in order: placeholder N is the
    #: N-th (see `SUBEXPRESSION_PREFIX`)
    subexpressions: list[str] = field(default_factory=list)
    #: each edit's `new_start`, built on first use (`edits` is complete by then)
    _starts: list[int] | None = field(default=None, repr=False, compare=False)

    def original_index(self, index: int) -> int:
        """Map an index into `text` to an index into `original`."""
        if not self.edits:
            return index
        if self._starts is None or len(self._starts) != len(self.edits):
            self._starts = [e.new_start for e in self.edits]
        i = bisect.bisect_right(self._starts, index) - 1
        if i < 0:
            return index
        edit = self.edits[i]
        if index < edit.new_end:
            return edit.old_start
        return index - edit.new_end + edit.old_end


class _Writer:
    """Accumulates the rewritten text; records only edits that change length or meaning."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # length of the rewritten text so far
        self.result = Rewritten(source)
        #: characters `_balanced_close` may still scan: an output that never balances
        #: scans on to the end, and thousands of them would take quadratic time
        self.balance_budget = 4 * len(source) + 10_000
        self._found: dict[tuple[str, int], tuple[int, int]] = {}

    def find(self, text: str, start: int, end: int) -> int:
        """`source.find(text, start, end)`, remembering the answer: the rewrite asks with
        ever later starts, so a text with no `text` in it is scanned once, not each time."""
        asked, found = self._found.get((text, end), (-1, -1))
        if asked < 0 or start < asked or 0 <= found < start:
            asked, found = start, self.source.find(text, start, end)
            self._found[(text, end)] = (asked, found)
        return found

    def copy(self, start: int, end: int) -> None:
        if end > start:
            self.parts.append(self.source[start:end])
            self.length += end - start

    def replace(self, start: int, end: int, text: str) -> None:
        self.result.edits.append(_Edit(self.length, self.length + len(text), start, end))
        self.parts.append(text)
        self.length += len(text)

    def blank(self, start: int, end: int) -> None:
        """Replace delimiters with spaces: same length, so no edit needs recording."""
        self.parts.append(" " * (end - start))
        self.length += end - start

    def finish(self) -> Rewritten:
        self.result.text = "".join(self.parts)
        return self.result


def rewrite(source: str) -> Rewritten:
    """Rewrite Braze Liquid `source` into python-liquid syntax (see module docstring)."""
    out = _Writer(source)
    _template(out, 0, len(source))
    return out.finish()


def _template(out: _Writer, start: int, end: int) -> None:
    """Template text: copy content, rewrite each tag and output statement."""
    pos = start
    src = out.source
    while pos < end:
        m = _NEXT_MARKUP.search(src, pos, end)
        if not m:
            out.copy(pos, end)
            return
        out.copy(pos, m.start())
        at = m.start()
        pos = _output(out, at, end) if m.group() == "{{" else _tag(out, at, end)


def _tag(out: _Writer, start: int, end: int) -> int:
    src = out.source
    m = _TAG_START.match(src, start, end)
    close = out.find("%}", start + 2, end)
    if not m or close < 0:
        out.copy(start, start + 2)
        return start + 2
    name = m.group(1)
    if name == "raw":
        found = _END_RAW.search(src, close + 2, end)
        stop = found.end() if found else end
        out.copy(start, stop)
        return stop
    if name == "comment":
        stop = _find_end_tag(src, close + 2, end, "comment", "endcomment")
        out.copy(start, stop)
        return stop
    if name == "#":
        out.copy(start, close + 2)
        return close + 2
    out.copy(start, m.end())
    if name in TEMPLATE_MARKUP_TAGS:
        _template(out, m.end(), close)
    else:
        _expression(out, m.end(), close, in_tag=True)
    out.copy(close, close + 2)
    return close + 2


def _find_end_tag(src: str, pos: int, end: int, opener: str, closer: str) -> int:
    """Index just past the `{% closer %}` that balances an already-open `opener` block."""
    pattern = re.compile(r"\{%-?\s*(" + opener + "|" + closer + r")\b[^%]*%\}")
    depth = 1
    for m in pattern.finditer(src, pos, end):
        depth += 1 if m.group(1) == opener else -1
        if depth == 0:
            return m.end()
    return end


def _output(out: _Writer, start: int, end: int) -> int:
    """An output statement; it ends at the `}}` that balances its `{{` (Braze's nesting)."""
    window = min(end, start + max(out.balance_budget, 0))
    close, reached = _balanced_close(out.source, start, window)
    out.balance_budget -= reached - start
    if close < 0:  # unbalanced: fall back to Liquid's own rule, the first `}}`
        close = out.find("}}", start + 2, end)
        if close < 0:
            out.copy(start, end)
            return end
    out.copy(start, start + 2)
    _expression(out, start + 2, close)
    out.copy(close, close + 2)
    return close + 2


def _balanced_close(src: str, start: int, end: int) -> tuple[int, int]:
    """(index of the `}}` that balances the `{{` at `start` or -1, how far it looked)."""
    depth = 0
    pos = start
    while pos < end - 1:
        two = src[pos : pos + 2]
        char = src[pos]
        if two == "{{":
            depth += 1
            pos += 2
        elif two == "}}":
            depth -= 1
            if depth == 0:
                return pos, pos
            pos += 2
        elif two == "${":
            stop = src.find("}", pos + 2, end)
            if stop < 0:
                return -1, pos
            pos = stop + 1
        elif two in ("{%", "%}"):
            return -1, pos
        elif char in "'\"":
            stop = src.find(char, pos + 1, end)
            pos = end if stop < 0 else stop + 1
        else:
            pos += 1
    return -1, pos


def _expression(out: _Writer, start: int, end: int, *, in_tag: bool = False) -> None:
    """Tag or output markup: rewrite atoms, blank nested braces, keep quoted strings.

    `in_tag`: a nested `{{ x | f }}` becomes a sub-expression placeholder.
    """
    src = out.source
    pos = start
    run = start  # start of the pending run of unchanged characters
    while pos < end:
        char = src[pos]
        if char in "'\"":
            stop = src.find(char, pos + 1, end)
            pos = end if stop < 0 else stop + 1
            continue
        if char == "$" and src.startswith("${", pos):
            stop = out.find("}", pos + 2, end)
            if stop < 0:
                pos += 1
                continue
            dotted = pos > start and src[pos - 1] == "."
            out.copy(run, pos - 1 if dotted else pos)
            _atom(out, pos, stop, dotted)
            pos = run = stop + 1
            continue
        if in_tag and src.startswith("{{", pos):
            close = _subexpression_close(src, pos, end)
            if close >= 0:
                out.copy(run, pos)
                _subexpression(out, pos, close)
                pos = run = close + 2
                continue
        if char in "{}":
            out.copy(run, pos)
            width = 2 if src.startswith(char * 2, pos) and pos + 1 < end else 1
            out.blank(pos, pos + width)
            pos = run = pos + width
            continue
        pos += 1
    out.copy(run, end)


def _subexpression_close(src: str, start: int, end: int) -> int:
    """The `}}` closing the `{{` at `start` when what it holds has a filter, else -1."""
    close, _ = _balanced_close(src, start, end)
    if close < 0:
        return -1
    pos = start + 2
    while pos < close:
        char = src[pos]
        if char in "'\"":
            stop = src.find(char, pos + 1, close)
            pos = close if stop < 0 else stop + 1
        elif src.startswith("${", pos):
            stop = src.find("}", pos + 2, close)
            pos = close if stop < 0 else stop + 1
        elif char == "|":
            return close
        else:
            pos += 1
    return -1


def _subexpression(out: _Writer, start: int, close: int) -> None:
    """Replace `{{ x | f }}` (from `start` to the `}}` at `close`) with a placeholder."""
    inner = _Writer(out.source)
    _expression(inner, start + 2, close)
    rewritten = inner.finish()
    out.result.attributes.extend(rewritten.attributes)
    placeholder = f"{SUBEXPRESSION_PREFIX}{len(out.result.subexpressions)}"
    out.result.subexpressions.append(rewritten.text)
    # The placeholder stands for the `{{`; the rewritten text is parsed as if it followed
    # those two characters (`bind_subexpressions`), so its positions map back into the
    # original `x | f` as the rest of the text's do, then the text after `}}` resumes.
    width = max(close + 2 - start, len(placeholder), 2 + len(rewritten.text))
    at = out.length
    out.result.edits += [_Edit(at, at + 2, start, start + 2),
                         _Edit(at + 2, at + 2, start + 2, start + 2)]
    out.result.edits += [_Edit(at + 2 + e.new_start, at + 2 + e.new_end, e.old_start, e.old_end)
                         for e in rewritten.edits]
    out.result.edits.append(_Edit(at + width, at + width, close + 2, close + 2))
    out.parts.append(placeholder.ljust(width))
    out.length += width


def _atom(out: _Writer, dollar: int, close: int, dotted: bool) -> None:
    """Rewrite one `${name}` (`dotted`: preceded by `ns.`) ending at index `close`."""
    src = out.source
    raw = src[dollar + 2 : close]
    name = raw.strip()
    quote = "'" if '"' in name else '"'
    if dotted:
        ns_start = dollar - 1
        while ns_start > 0 and (src[ns_start - 1].isalnum() or src[ns_start - 1] in "_-"):
            ns_start -= 1
        namespace = src[ns_start : dollar - 1] or None
        bracketed = f"[{quote}{name}{quote}]".ljust(close + 2 - dollar)
        out.replace(dollar - 1, close + 1, bracketed)
        atom_start = ns_start
    else:
        namespace = None
        atom_start = dollar
        if _IDENT.match(name) and name not in _KEYWORDS:
            out.replace(dollar, close + 1, name.rjust(close + 1 - dollar))
        else:
            out.replace(dollar, close + 1, f"[{quote}{name}{quote}]")
    out.result.attributes.append(Attribute(namespace, name, atom_start, close + 1))
