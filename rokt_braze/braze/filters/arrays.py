"""Standard array filters where python-liquid and Ruby Liquid (what Braze runs) differ.

Ruby Liquid reads a filter's input as a list the same way for each of these (`items`):
an array is flattened, a hash is a one-item list, nil is empty, anything else is a
one-item list.

* `map` gives nil for an item without the key (so `compact` removes it), and for an item
  that cannot be indexed; a string item gives the key itself when it contains it.
* `compact` removes nil, including the nil `map` produced; with a property, it removes the
  items whose property is nil.
* `join` writes each item as Ruby's `to_s` does: nil as nothing, `true`, `2.0`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from liquid.exceptions import FilterArgumentError

from rokt_braze.braze.filters._text import is_nil, to_text


def items(value: object) -> list[object]:
    """Ruby Liquid's `InputIterator`: the filter input as a flat list."""
    if isinstance(value, (list, tuple)):
        return _flatten(value)
    if is_nil(value):
        return []
    if isinstance(value, range):
        return list(value)
    return [value]


def _flatten(values: list[object] | tuple[object, ...]) -> list[object]:
    flat: list[object] = []
    for item in values:
        if isinstance(item, (list, tuple)):
            flat.extend(_flatten(item))
        else:
            flat.append(item)
    return flat


def _property(item: object, key: object) -> object:
    """`item[key]` as Ruby evaluates it inside `map` and `compact`."""
    if isinstance(item, Mapping):
        try:
            return item[key]
        except (KeyError, TypeError):
            return None
    if isinstance(item, str):
        return key if isinstance(key, str) and key in item else None
    if isinstance(item, (list, tuple, int)) and not isinstance(item, bool):
        raise FilterArgumentError(f"cannot select the property '{to_text(key)}'", token=None)
    return None


def map_(value: object, key: object) -> list[object]:
    found = []
    for item in items(value):
        found.append(item if key == "to_liquid" else _property(item, key))
    return [None if is_nil(item) else item for item in found]


def compact(value: object, key: object = None) -> list[object]:
    if is_nil(key):
        return [item for item in items(value) if not is_nil(item)]
    return [item for item in items(value) if not is_nil(_property(item, key))]


def join(value: object, separator: object = " ") -> str:
    return to_text(separator).join(to_text(item) for item in items(value))


FILTERS: dict[str, Callable[..., object]] = {
    "map": map_,
    "compact": compact,
    "join": join,
}
