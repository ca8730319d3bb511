"""`<`, `>`, `<=` and `>=` as Ruby Liquid 5.4 (what Braze runs) evaluates them.

Ruby Liquid sends the operator to the left value when both sides have it and neither is
a hash; otherwise the comparison is false. So:

* numbers compare with numbers, text with text (byte order), times with times;
* a number against text (either way round) is an error: "comparison of Integer with
  String failed" stops the render;
* nil, booleans, arrays and hashes on either side make the comparison false.

python-liquid instead compares two arrays (`[1] <= [1]` is true), raises for an array
against a number, and answers false for `5.5 >= ''`. After parsing,
`blank.rubify_expressions` switches its comparisons to these subclasses (`RUBY_ORDERING`).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from liquid import is_undefined
from liquid.builtin.expressions.logical import (
    GeExpression,
    GtExpression,
    LeExpression,
    LtExpression,
)
from liquid.exceptions import LiquidTypeError

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.expression import Expression
    from liquid.token import Token

_NUMBERS = (int, float, Decimal)


def _ruby_class(value: object) -> str | None:
    """The Ruby class that has `<` for `value`, or None if Ruby Liquid would not compare."""
    if isinstance(value, bool) or value is None or is_undefined(value):
        return None
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, (float, Decimal)):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, dt.datetime):
        return "Time"
    return None


def ruby_order(
    compare: Callable[[Any, Any], Any], left: object, right: object, token: Token
) -> bool:
    """`compare(left, right)` where Ruby Liquid would make it; else false or an error."""
    if hasattr(left, "__liquid__"):
        left = left.__liquid__()
    if hasattr(right, "__liquid__"):
        right = right.__liquid__()
    left_class, right_class = _ruby_class(left), _ruby_class(right)
    if left_class is None or right_class is None:
        return False
    if left_class == right_class or (
        isinstance(left, _NUMBERS) and isinstance(right, _NUMBERS)
    ):
        return bool(compare(left, right))
    raise LiquidTypeError(f"comparison of {left_class} with {right_class} failed", token=token)


class _RubyOrder:
    """`evaluate` for a comparison expression: its `operator` applied as Ruby applies it."""

    __slots__ = ()
    left: Expression
    right: Expression
    token: Token
    operator: ClassVar[Callable[[Any, Any], Any]]

    def evaluate(self, context: RenderContext) -> object:
        return ruby_order(type(self).operator, self.left.evaluate(context),
                          self.right.evaluate(context), self.token)


class RubyLtExpression(_RubyOrder, LtExpression):
    __slots__ = ()
    operator = operator.lt


class RubyGtExpression(_RubyOrder, GtExpression):
    __slots__ = ()
    operator = operator.gt


class RubyLeExpression(_RubyOrder, LeExpression):
    __slots__ = ()
    operator = operator.le


class RubyGeExpression(_RubyOrder, GeExpression):
    __slots__ = ()
    operator = operator.ge


#: python-liquid's ordering comparisons and their Ruby subclasses.
RUBY_ORDERING: dict[type, type] = {
    LtExpression: RubyLtExpression,
    GtExpression: RubyGtExpression,
    LeExpression: RubyLeExpression,
    GeExpression: RubyGeExpression,
}
