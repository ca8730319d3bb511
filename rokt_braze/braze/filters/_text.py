"""Turning filter inputs into text the way Liquid prints them.

python-liquid's `string_filter` uses `str()`, which spells booleans `True`/`False`; Ruby
Liquid (what Braze runs) prints `true`/`false`. The Braze filters share this helper so a
hash or an escape of a boolean matches Braze.
"""

from __future__ import annotations

from liquid.stringify import to_liquid_string
from liquid.undefined import is_undefined


def to_text(value: object) -> str:
    """Return `value` as Liquid would output it (nil and undefined become "")."""
    if isinstance(value, str):
        return value
    if value is None or is_undefined(value):
        return ""
    return to_liquid_string(value, autoescape=False)


def is_nil(value: object) -> bool:
    """True for Liquid's nil: Python None or a python-liquid undefined value."""
    return value is None or is_undefined(value)
