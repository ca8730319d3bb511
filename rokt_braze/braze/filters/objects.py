"""Braze's `property_accessor`: index a hash with a key computed in the template.

Braze Liquid has no hash literals and no `hash[var]` that Braze documents, so this filter is
how a templated key (for example a custom attribute's value) reads a nested object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rokt_braze.braze.filters._text import is_nil


def property_accessor(value: object, key: object) -> object:
    """Return `value[key]`, or nil when the input is not a hash or has no such key.

    The key is used as given (Ruby hashes do not convert `1` to `"1"`).
    """
    if is_nil(value) or not isinstance(value, Mapping):
        return None
    try:
        return value[key]
    except (KeyError, TypeError):
        return None


FILTERS: dict[str, Callable[..., object]] = {"property_accessor": property_accessor}
