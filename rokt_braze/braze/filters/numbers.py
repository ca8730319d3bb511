"""Braze's number formatting filters: `number_with_delimiter` and Braze's `money`."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from liquid.exceptions import FilterArgumentError

from rokt_braze.braze.filters._text import is_nil, to_text

# Rails' NumberToDelimitedConverter pattern: a digit followed by whole groups of three.
_GROUPS = re.compile(r"(\d)(?=(\d\d\d)+(?!\d))")
# What Ruby's `Float()` accepts (decimal forms): the check Rails runs before formatting.
_RUBY_FLOAT = re.compile(r"\s*[+-]?\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+)?\s*")
_CENT = Decimal("0.01")
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")


def number_with_delimiter(value: object) -> object:
    """Insert commas between thousands (`123456` -> `123,456`), as Rails' helper does.

    Like Rails, text that is not a number is returned unchanged, and only the integer part
    is grouped (`1234.5678` -> `1,234.5678`).
    """
    if is_nil(value):
        return ""
    text = to_text(value)
    if isinstance(value, bool) or not (
        isinstance(value, (int, float, Decimal)) or _RUBY_FLOAT.fullmatch(text)
    ):
        return value
    whole, point, fraction = text.partition(".")
    return _GROUPS.sub(r"\1,", whole) + point + fraction


def money(value: object) -> str:
    """Format a number with exactly two decimals: `145` -> `145.00`, `17.8` -> `17.80`.

    Braze's `money` differs from Shopify's: no cents interpretation (Shopify prints `1.45` for
    145) and no currency symbol or thousands separator. Braze tells users to remove commas and
    apply `plus: 0` first; text that is not a plain number (such as `350,000.25`) is a render
    error here so the mistake shows, and nil renders as nothing.
    """
    if is_nil(value):
        return ""
    number = _to_decimal(value)
    if not number.is_finite():
        raise FilterArgumentError(f"money expected a number, found {to_text(value)}", token=None)
    with localcontext() as context:  # enough precision that quantize never overflows
        context.prec = max(28, number.adjusted() + 4)
        # Half-up on the shortest decimal form, as Rails' number helpers round (2.675 -> 2.68).
        return f"{number.quantize(_CENT, rounding=ROUND_HALF_UP):.2f}"


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise FilterArgumentError(f"money expected a number, found {to_text(value)}", token=None)
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = to_text(value)
    if _NUMBER.fullmatch(text):
        try:
            return Decimal(text.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            pass
    raise FilterArgumentError(
        f"money expected a number, found {text!r} (remove commas and apply 'plus: 0' first)",
        token=None,
    )


FILTERS: dict[str, Callable[..., object]] = {
    "number_with_delimiter": number_with_delimiter,
    "money": money,
}
