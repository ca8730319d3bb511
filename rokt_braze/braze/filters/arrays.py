"""Standard array filters where python-liquid and Ruby Liquid (what Braze runs) differ.

Ruby Liquid reads a filter's input as a list the same way for each of these (`items`):
an array is flattened, a hash is a one-item list, nil is empty, anything else is a
one-item list.

* `map` gives nil for an item without the key (so `compact` removes it), and for an item
  that cannot be indexed; a string item gives the key itself when it contains it.
* `compact` removes nil, including the nil `map` produced; with a property, it removes the
  items whose property is nil.
* `size` is Ruby's `size`: characters of a string, items of an array or hash, and 8 (bytes)
  for an integer, as Ruby's `Integer#size` says; 0 for anything else;
* `reverse` and `uniq` read their input as the others do (nil reverses to an empty list);
  `uniq` keeps items Ruby tells apart (`1`, `1.0` and `true` are three items);
* `first` and `last` give nil for text (Ruby strings have neither), and `last` gives nil
  for a hash (a hash's `first` is its first `[key, value]` pair);
* `join` writes each item as Ruby's `to_s` does: nil as nothing, `true`, `2.0`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from liquid.exceptions import FilterArgumentError

from rokt_braze.braze.filters._text import is_nil
from rokt_braze.braze.values import inspect
from rokt_braze.braze.values import to_s as to_text


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


def reverse(value: object) -> list[object]:
    return items(value)[::-1]


def uniq(value: object, key: object = None) -> list[object]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in items(value):
        probe = item if is_nil(key) else _property(item, key)
        identity = (type(probe).__name__, inspect(probe))  # Ruby's eql?: class and value
        if identity not in seen:
            seen.add(identity)
            kept.append(item)
    return kept


def first(value: object) -> object:
    return _end(value, 0)


def last(value: object) -> object:
    return _end(value, -1)


def _end(value: object, index: int) -> object:
    if isinstance(value, (list, tuple)):
        return value[index] if value else None
    if isinstance(value, Mapping) and index == 0:  # a Ruby Hash has `first`, not `last`
        pairs = list(value.items())
        return list(pairs[0]) if pairs else None
    if isinstance(value, range):
        return value[index] if len(value) else None
    return None


def size(value: object) -> int:
    if isinstance(value, (str, list, tuple, Mapping, range)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if -(2**62) <= value < 2**62:  # a machine word
            return 8
        return (value.bit_length() + 63) // 64 * 8
    return 0


def join(value: object, separator: object = " ") -> str:
    return to_text(separator).join(to_text(item) for item in items(value))


FILTERS: dict[str, Callable[..., object]] = {
    "map": map_,
    "compact": compact,
    "join": join,
    "size": size,
    "reverse": reverse,
    "uniq": uniq,
    "first": first,
    "last": last,
}
