"""Range literals `(a..b)` with the bounds Ruby Liquid 5.4 (what Braze runs) reads.

Ruby Liquid makes a range of two literals when it parses it, with Ruby's `to_i`:
`(1.5..3)` is `1..3`, `('2'..'x')` is `2..0`, `(true..2)` is an error. A range with a
variable bound is read as it renders: an integer stays, nil and text go through
`String#to_i` (`'12abc'` is 12, `'x'` is 0), and anything else through `Integer()`, so a
float (`1.7`) or a boolean is an error ("invalid integer"), even next to a literal bound.
python-liquid reads every bound with Python's `int()`, treating what it cannot read as 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liquid import is_undefined
from liquid.builtin.expressions.primitive import (
    FalseLiteral,
    FloatLiteral,
    IntegerLiteral,
    Nil,
    RangeLiteral,
    StringLiteral,
    TrueLiteral,
)
from liquid.exceptions import FilterArgumentError, LiquidTypeError

from rokt_braze.braze.filters.arithmetic import ruby_to_i
from rokt_braze.braze.filters.strings import to_integer

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.expression import Expression

_LITERALS = (IntegerLiteral, FloatLiteral, StringLiteral, Nil, TrueLiteral, FalseLiteral)


class RubyRangeLiteral(RangeLiteral):
    __slots__ = ()

    def evaluate(self, context: RenderContext) -> range:
        start, stop = self.start.evaluate(context), self.stop.evaluate(context)
        if isinstance(self.start, _LITERALS) and isinstance(self.stop, _LITERALS):
            first, last = _literal_to_i(start, self.start), _literal_to_i(stop, self.stop)
        else:
            first, last = self._bound(start, self.start), self._bound(stop, self.stop)
        return range(first, last + 1) if first <= last else range(0)

    @staticmethod
    def _bound(value: object, expression: Expression) -> int:
        """Ruby Liquid's `RangeLookup#to_integer`."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is None or is_undefined(value):
            return 0
        if isinstance(value, str):
            return ruby_to_i(value)
        try:
            return to_integer(value)
        except (FilterArgumentError, ValueError):
            raise LiquidTypeError("invalid integer", token=expression.token) from None


def _literal_to_i(value: object, expression: Expression) -> int:
    """Ruby's `to_i` of a literal bound (nil is 0; a boolean has none: an error)."""
    if isinstance(value, bool):
        raise LiquidTypeError("a range bound cannot be true or false", token=expression.token)
    if value is None:
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    return ruby_to_i(str(value))
