"""Liquid's math filters with Ruby Liquid's number rules (what Braze runs).

Ruby Liquid 5 reads every operand with one conversion (`to_number` below) and computes in
decimal, not binary floating point:

* an integer stays an integer; a float becomes the decimal its shortest form spells
  (`2.675` is exactly 2.675), so `round` and `plus` work on the digits a user sees;
* a string of the form `-12.50` is that decimal; any other string is read like Ruby's
  `String#to_i`: leading blanks, a sign, then the leading digits (`'2021-06-03'` is 2021,
  `'12abc'` is 12, `'abc'` is 0);
* anything else (nil, booleans, arrays, hashes) is 0.

A result with any decimal operand is converted back to a float; integer with integer stays
an integer (division floors, modulo takes the divisor's sign). `round` rounds halves away
from zero (`2.5` -> 3, `-2.5` -> -3, `2.675 | round: 2` -> 2.68, `15 | round: -1` -> 20).
Dividing a decimal by zero gives Infinity or NaN as Ruby's BigDecimal does; dividing an
integer by zero, or taking any modulo by zero, is an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Overflow,
    localcontext,
)

from liquid.exceptions import FilterArgumentError

Number = int | Decimal

#: A decimal string Ruby Liquid reads as a decimal (after stripping blanks).
_DECIMAL = re.compile(r"-?\d+\.\d+")
#: What Ruby's `String#to_i` reads: blanks, a sign, digits with single underscores.
_RUBY_INT = re.compile(r"[ \t\n\v\f\r]*([+-]?\d+(?:_\d+)*)")
_BLANKS = " \t\n\v\f\r\x00"
#: Working precision: exact for the sums and products of any float's shortest form.
_PRECISION = 120
#: `round: n` beyond this many places cannot change a float's value.
_MAX_PLACES = 400


def to_number(value: object) -> Number:
    """Ruby Liquid's `Utils.to_number` (see the module docstring)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float_decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        if _DECIMAL.fullmatch(value.strip(_BLANKS)):
            return Decimal(value.strip(_BLANKS))
        return ruby_to_i(value)
    return 0


def ruby_to_i(text: str) -> int:
    """Ruby's `String#to_i`: the leading integer of `text`, or 0."""
    match = _RUBY_INT.match(text)
    return int(match.group(1).replace("_", "")) if match else 0


def _float_decimal(value: float) -> Decimal:
    if math.isnan(value):
        return Decimal("NaN")
    if math.isinf(value):
        return Decimal("Infinity") if value > 0 else Decimal("-Infinity")
    return Decimal(repr(value))


def to_result(value: Number) -> int | float:
    """A decimal result becomes a float, as Ruby Liquid's `BigDecimal#to_f`."""
    return float(value) if isinstance(value, Decimal) else value


def _operands(left: object, right: object) -> tuple[Number, Number]:
    return to_number(left), to_number(right)


def _big_decimal() -> AbstractContextManager[Context]:
    """Decimal arithmetic as Ruby's BigDecimal does it: an invalid operation (Infinity
    times 0, Infinity modulo 2) is NaN, not an error."""
    context = Context(prec=_PRECISION, traps=[DivisionByZero, Overflow])
    return localcontext(context)


def plus(value: object, operand: object) -> int | float:
    a, b = _operands(value, operand)
    with _big_decimal():
        return to_result(a + b)


def minus(value: object, operand: object) -> int | float:
    a, b = _operands(value, operand)
    with _big_decimal():
        return to_result(a - b)


def times(value: object, operand: object) -> int | float:
    a, b = _operands(value, operand)
    with _big_decimal():
        return to_result(a * b)


def divided_by(value: object, operand: object) -> int | float:
    a, b = _operands(value, operand)
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise FilterArgumentError("divided_by: divided by 0", token=None)
        return a // b
    a, b = Decimal(a), Decimal(b)
    if b == 0:  # BigDecimal: x/0 is +-Infinity, 0/0 is NaN
        if a == 0 or a.is_nan():
            return math.nan
        return math.inf if (a > 0) == (not b.is_signed()) else -math.inf
    with localcontext() as context:
        context.prec = _PRECISION
        return float(a / b)


def modulo(value: object, operand: object) -> int | float:
    a, b = _operands(value, operand)
    if b == 0:
        raise FilterArgumentError("modulo: divided by 0", token=None)
    if isinstance(a, int) and isinstance(b, int):
        return a % b
    with _big_decimal():
        remainder = Decimal(a) % Decimal(b)  # takes the dividend's sign; Ruby's the divisor's
        if not remainder:
            return 0.0  # BigDecimal's zero remainder is unsigned
        if (remainder < 0) != (b < 0):
            remainder += b
        return float(remainder)


def abs_(value: object) -> int | float:
    number = to_number(value)
    return to_result(-number if number < 0 else number)


def ceil(value: object) -> int:
    return _to_int(to_number(value), ROUND_CEILING)


def floor(value: object) -> int:
    return _to_int(to_number(value), ROUND_FLOOR)


def _to_int(number: Number, rounding: str) -> int:
    if isinstance(number, int):
        return number
    if not number.is_finite():
        raise FilterArgumentError(f"cannot round {number}", token=None)
    return int(number.to_integral_value(rounding=rounding))


def at_least(value: object, minimum: object) -> int | float:
    number, bound = _operands(value, minimum)
    return to_result(bound if _exceeds(bound, number) else number)


def at_most(value: object, maximum: object) -> int | float:
    number, bound = _operands(value, maximum)
    return to_result(bound if _exceeds(number, bound) else number)


def _exceeds(left: Number, right: Number) -> bool:
    """Ruby's `left > right`: false when either is NaN (a Python Decimal would raise)."""
    if any(isinstance(side, Decimal) and side.is_nan() for side in (left, right)):
        return False
    return left > right


def round_(value: object, places: object = 0) -> int | float:
    """Round halves away from zero to `places` decimals (negative: tens, hundreds, ...).

    As Ruby Liquid: an integer stays an integer; a float or decimal string gives a float,
    or an integer when `places` is 0 (the default) or negative.
    """
    number = to_number(value)
    digits = to_number(places)
    if isinstance(digits, Decimal):  # Ruby rounds the digits count itself towards zero
        digits = int(digits) if digits.is_finite() else 0
    if isinstance(number, int):
        if digits >= 0:
            return number
        tens: int = 10 ** -digits
        whole = (abs(number) + tens // 2) // tens * tens
        return whole if number >= 0 else -whole
    if not number.is_finite():
        if digits > 0:  # BigDecimal keeps NaN and Infinity at some decimals
            return float(number)
        raise FilterArgumentError(f"cannot round {number}", token=None)
    if digits <= 0:  # whole tens, hundreds, ...: an integer, as BigDecimal#round gives
        with localcontext() as context:
            context.prec = _PRECISION + max(0, number.adjusted())
            return int(number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    if digits > _MAX_PLACES:
        return float(number)
    with localcontext() as context:
        context.prec = _PRECISION + max(0, number.adjusted()) + abs(digits)
        rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return float(rounded)


FILTERS: dict[str, Callable[..., object]] = {
    "plus": plus,
    "minus": minus,
    "times": times,
    "divided_by": divided_by,
    "modulo": modulo,
    "abs": abs_,
    "ceil": ceil,
    "floor": floor,
    "at_least": at_least,
    "at_most": at_most,
    "round": round_,
}
