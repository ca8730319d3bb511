"""`x == blank` as Ruby Liquid (and so Braze) means it: nil, unset and `false` are blank.

python-liquid answers `false` for an undefined value or `false` compared with `blank`;
Ruby Liquid uses `blank?`, and Braze documents "blank matches unset, whitespace-only
string, or false". After parsing, comparisons against the `blank` literal are switched
to a subclass with Ruby's semantics; everything else is python-liquid's own.

`contains` is switched the same way: in Ruby Liquid it is false, not an error, when the
left side cannot hold anything (a number, a boolean), and text looks for the right side
written as Ruby writes it (`'true' contains true`).

A `when` with several values (`{% when 1, 2 %}`) tries them one at a time, as Ruby
Liquid does: each value is compared with the `case` value read again just then, and the
body renders right after each match, so a body that changes the `case` variable changes
what the next value is compared with (`RubyWhenNode`).

`rubify_expressions` makes these switches after parsing, and with them those of
`ordering` (`<`, `>`, `<=`, `>=`) and `ranges` (`(a..b)`), in one walk over the nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from liquid import is_undefined
from liquid.builtin.expressions.logical import (
    ContainsExpression,
    EqExpression,
    NeExpression,
    _eq,
)
from liquid.builtin.expressions.primitive import Blank, RangeLiteral
from liquid.builtin.tags.case_tag import MultiExpressionBlockNode, _AnyExpression

from rokt_braze.braze.ordering import RUBY_ORDERING
from rokt_braze.braze.ranges import RubyRangeLiteral
from rokt_braze.braze.values import to_s as to_text

if TYPE_CHECKING:
    from typing import TextIO

    from liquid import Node, RenderContext
    from liquid.expression import Expression


def is_blank(value: object) -> bool:
    if value is None or value is False or is_undefined(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict)):
        return not value
    return False


def _blank_side(left: Expression, right: Expression) -> Expression | None:
    if isinstance(right, Blank):
        return left
    if isinstance(left, Blank):
        return right
    return None


class BlankEqExpression(EqExpression):
    __slots__ = ()

    def evaluate(self, context: RenderContext) -> object:
        other = _blank_side(self.left, self.right)
        assert other is not None
        return is_blank(other.evaluate(context))


class BlankNeExpression(NeExpression):
    __slots__ = ()

    def evaluate(self, context: RenderContext) -> object:
        other = _blank_side(self.left, self.right)
        assert other is not None
        return not is_blank(other.evaluate(context))


class BlankWhenExpression(_AnyExpression):
    """The values of a `when` among which is `blank` (`{% when blank %}` matches a nil,
    false, empty or whitespace-only value, as `== blank` does)."""

    __slots__ = ()

    def evaluate(self, context: RenderContext) -> list[bool]:
        matches = super().evaluate(context)
        if any(isinstance(value, Blank) for value in self.expressions):
            left = is_blank(self.left.evaluate(context))
            matches = [left if isinstance(value, Blank) else match
                       for value, match in zip(self.expressions, matches, strict=True)]
        return matches


class RubyWhenNode(MultiExpressionBlockNode):
    """A `when` and its body: each value in turn is compared with the `case` value (read
    again for each) and, when equal, the body renders before the next is tried."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        expression = self.expression
        assert isinstance(expression, _AnyExpression)
        count = -1  # no match: the `case` may render its `else`
        for value in expression.expressions:
            left = expression.left.evaluate(context)
            if is_blank(left) if isinstance(value, Blank) else _eq(left, value.evaluate(context)):
                count = max(count, 0) + self.block.render(context, buffer)
        return count


def ruby_contains(left: object, right: object) -> bool:
    """Ruby Liquid's `contains`."""
    if left is None or left is False or right is None or right is False:
        return False
    if is_undefined(left) or is_undefined(right):
        return False
    if isinstance(left, str):
        return to_text(right) in left
    if isinstance(left, (list, tuple, Mapping)):
        return right in left
    return False


class RubyContainsExpression(ContainsExpression):
    __slots__ = ()

    def evaluate(self, context: RenderContext) -> object:
        return ruby_contains(self.left.evaluate(context), self.right.evaluate(context))


def rubify_expressions(nodes: Iterable[Node]) -> None:
    """Switch the parsed nodes' expressions to Ruby's semantics: every `== blank` /
    `!= blank`, `when blank`, `when` with several values and every `contains` (above),
    `<`, `>`, `<=`, `>=` (`ordering`) and range literals (`ranges`)."""
    for expression in walk(nodes):
        kind = type(expression)
        if kind is MultiExpressionBlockNode:
            expression.__class__ = RubyWhenNode
        elif kind is ContainsExpression:
            expression.__class__ = RubyContainsExpression
        elif kind is _AnyExpression and any(
            isinstance(value, Blank) for value in expression.expressions
        ):
            expression.__class__ = BlankWhenExpression
        elif kind is RangeLiteral:
            expression.__class__ = RubyRangeLiteral
        elif kind in RUBY_ORDERING:
            expression.__class__ = RUBY_ORDERING[kind]
        elif (kind is EqExpression or kind is NeExpression) and _blank_side(
            expression.left, expression.right
        ) is not None:
            expression.__class__ = BlankEqExpression if kind is EqExpression else BlankNeExpression


def walk(nodes: Iterable[Node]) -> Iterator[Any]:
    """Every node and expression of a parsed template (for post-parse switches)."""
    stack: list[object] = list(nodes)
    while stack:
        item = stack.pop()
        yield item
        if hasattr(item, "render_to_output"):  # a Node
            stack.extend(item.expressions())  # type: ignore[attr-defined]
            stack.extend(item.children(None, include_partials=False))  # type: ignore[attr-defined]
        else:
            stack.extend(item.children())  # type: ignore[attr-defined]
