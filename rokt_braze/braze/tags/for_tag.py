"""`{% for %}`: python-liquid's tag, with the loop Ruby Liquid 5.4 (what Braze runs) makes.

Where python-liquid and Ruby Liquid differ:

* a string is one item, whatever `limit:` and `offset:` say (Ruby's `slice_collection`
  keeps 1.8's `String#each`); an empty string is none;
* `reversed` counts only right after the collection, as Ruby's lax parser reads the tag:
  `for x in a reversed limit: 2` reverses, `for x in a limit: 2 reversed` does not;
* `limit:` and `offset:` are read with Ruby's `Integer()` (`'2'` is 2, `2.5` or `true`
  is an error "invalid integer"); nil means no limit (offset 0);
* a limit of 0 or less is no items, a negative offset starts at the first item;
* `break` and `continue` are not blank, so a loop body holding one writes its spaces;
* `offset: continue` resumes where the last loop over the same collection (spelt the same
  way) stopped: its offset plus the number of items it had.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

from liquid import is_undefined
from liquid.builtin.expressions import LoopExpression, StringLiteral
from liquid.builtin.tags.for_tag import (
    BreakNode,
    BreakTag,
    ContinueNode,
    ContinueTag,
    ForNode,
    ForTag,
)
from liquid.exceptions import FilterArgumentError, LiquidTypeError
from liquid.token import TOKEN_EXPRESSION

from rokt_braze.braze.filters.strings import to_integer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from liquid import RenderContext
    from liquid.expression import Expression
    from liquid.stream import TokenStream

# Ruby Liquid's lax `for` syntax: `QuotedFragment` is a run of anything but blanks, commas,
# pipes and quotes, or a quoted string; `reversed` may only follow the collection.
_QUOTED = r"\"[^\"]*\"|'[^']*'"
_FRAGMENT = rf"(?:{_QUOTED}|(?:[^\s,|'\"]|{_QUOTED})+)"
_FOR_SYNTAX = re.compile(rf"([\w-]+)\s+in\s+({_FRAGMENT}+)\s*(reversed)?", re.ASCII)


class RubyLoopExpression(LoopExpression):
    """A `for` loop's collection, `limit:`, `offset:` and `reversed`, sliced as Ruby slices.

    `key` names the loop for `offset: continue`: the variable and the collection as
    written (Ruby's `@name`).
    """

    __slots__ = ("key",)

    def __init__(self, python: LoopExpression, *, reversed_: bool, key: str) -> None:
        super().__init__(
            python.token,
            python.identifier,
            python.iterable,
            limit=python.limit,
            offset=python.offset,
            reversed_=reversed_,
            cols=python.cols,
        )
        self.key = key

    def evaluate(self, context: RenderContext) -> tuple[Iterator[object], int]:
        if isinstance(self.offset, StringLiteral) and self.offset.value == "continue":
            start = context.stopindex(self.key)
        else:
            start = self._integer(self.offset, context) or 0
        limit = self._integer(self.limit, context)
        stop = None if limit is None else start + limit
        items, count = ruby_segment(self.iterable.evaluate(context), start, stop)
        context.stopindex(self.key, start + count)
        if self.reversed:
            context.raise_for_loop_limit(count)  # before listing the items
            return reversed(list(items)), count
        return items, count

    @staticmethod
    def _integer(expression: Expression | None, context: RenderContext) -> int | None:
        """Ruby Liquid's `Utils.to_integer` of a `limit:`/`offset:` value; None for nil."""
        if expression is None:
            return None
        value = expression.evaluate(context)
        if value is None or is_undefined(value):
            return None
        try:
            return to_integer(value)
        except (FilterArgumentError, ValueError):
            raise LiquidTypeError("invalid integer", token=expression.token) from None


def ruby_segment(collection: object, start: int, stop: int | None) -> tuple[Iterator[Any], int]:
    """Ruby's `slice_collection`: the items from `start` up to `stop` (None: the end)."""
    if isinstance(collection, str):
        return iter([collection] if collection else []), 1 if collection else 0
    if isinstance(collection, Mapping):
        items: Any = collection.items()
    elif isinstance(collection, (list, tuple, range)):
        items = collection
    else:
        return iter(()), 0
    length = len(items)
    first = min(max(start, 0), length)
    last = length if stop is None else min(max(stop, first), length)
    return islice(iter(items), first, last), last - first


class RubyForTag(ForTag):
    """python-liquid's `for`, parsed into a `RubyLoopExpression`."""

    def parse(self, stream: TokenStream) -> ForNode:
        markup = stream.peek.value if stream.peek.kind == TOKEN_EXPRESSION else ""
        node = super().parse(stream)
        assert isinstance(node, ForNode)
        python = node.expression
        ruby = _FOR_SYNTAX.match(markup.strip())
        if ruby is None:  # Ruby's lax parser rejects it; python-liquid's reading stands
            key, reversed_ = f"{python.identifier}-{python.iterable}", python.reversed
        else:
            key, reversed_ = f"{ruby.group(1)}-{ruby.group(2)}", ruby.group(3) is not None
        node.expression = RubyLoopExpression(python, reversed_=reversed_, key=key)
        return node


class RubyBreakTag(BreakTag):
    """`break`, not blank as Ruby's tags are not: a loop body holding one writes its spaces."""

    def parse(self, stream: TokenStream) -> BreakNode:
        node = super().parse(stream)
        node.blank = False
        return node


class RubyContinueTag(ContinueTag):
    """`continue`, not blank (see `RubyBreakTag`)."""

    def parse(self, stream: TokenStream) -> ContinueNode:
        node = super().parse(stream)
        node.blank = False
        return node
