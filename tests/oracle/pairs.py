"""A generated template that holds Braze-only syntax carries its standard-Liquid meaning
with it, so one drawn string gives both the Braze template and what Ruby Liquid renders.

A piece of Braze syntax is written as `pair(braze, standard)`; everything outside pairs
is the same on both sides. `sides(text)` splits a drawn string into (Braze template,
standard template). The two sides of a pair are resolved when the pair is made, so pairs
never nest.

The marks are private-use characters that no generated text contains.
"""

from __future__ import annotations

import re

_OPEN, _BETWEEN, _CLOSE = "\ue000", "\ue001", "\ue002"
_PAIR = re.compile(f"{_OPEN}([^{_OPEN}{_BETWEEN}{_CLOSE}]*){_BETWEEN}"
                   f"([^{_OPEN}{_BETWEEN}{_CLOSE}]*){_CLOSE}")


def pair(braze: str, standard: str) -> str:
    """Braze syntax `braze`, which means the standard Liquid `standard`."""
    return f"{_OPEN}{braze_side(braze)}{_BETWEEN}{standard_side(standard)}{_CLOSE}"


def braze_side(text: str) -> str:
    return _PAIR.sub(r"\1", text)


def standard_side(text: str) -> str:
    return _PAIR.sub(r"\2", text)


def sides(text: str) -> tuple[str, str]:
    """(the Braze template, its standard-Liquid meaning)."""
    return braze_side(text), standard_side(text)


def has_braze(text: str) -> bool:
    return _OPEN in text
