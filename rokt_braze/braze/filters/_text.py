"""Turning filter inputs into text the way Liquid prints them.

python-liquid's `string_filter` uses `str()`, which spells booleans `True`/`False`; Ruby
Liquid (what Braze runs) prints `true`/`false`. The Braze filters share this helper so a
hash or an escape of a boolean matches Braze.
"""

from __future__ import annotations

from liquid.undefined import is_undefined

from rokt_braze.braze.values import to_output


def to_text(value: object) -> str:
    """Return `value` as Liquid would output it (nil and undefined become "")."""
    return to_output(value)


def is_nil(value: object) -> bool:
    """True for Liquid's nil: Python None or a python-liquid undefined value."""
    return value is None or is_undefined(value)
