"""Standard array filters where python-liquid and Ruby Liquid (what Braze runs) differ.

Ruby Liquid reads a filter's input as a list the same way for each of these (`items`):
an array is flattened, a hash is a one-item list, nil is empty, anything else is a
one-item list.

* `map` gives nil for an item without the key (so `compact` removes it), and for an item
  that cannot be indexed; a string item gives the key itself when it contains it.
* `compact` removes nil, including the nil `map` produced; with a property, it removes the
  items whose property is nil;
* with a property, `compact`, `uniq` and `where` give nil when an item has no properties
  at all (a number with decimals, a boolean, nil), and fail on an array or integer item;
  `where` compares with Ruby's `==` (`true` is not 1);
* `size` is Ruby's `size`: characters of a string, items of an array or hash, and 8 (bytes)
  for an integer, as Ruby's `Integer#size` says; 0 for anything else;
* `reverse` and `uniq` read their input as the others do (nil reverses to an empty list);
  `uniq` keeps items Ruby tells apart (`1`, `1.0` and `true` are three items);
* `sort` and `sort_natural` put nil last, in the order Ruby's merge sort leaves them;
  `sort` fails on items Ruby cannot compare (a number and a text), and `sort_natural`
  compares Ruby's text with ASCII case folding;
* `first` and `last` give nil for text (Ruby strings have neither), and `last` gives nil
  for a hash (a hash's `first` is its first `[key, value]` pair);
* `join` writes each item as Ruby's `to_s` does: nil as nothing, `true`, `2.0`;
* `concat` reads its input as the others do (`nil | concat: a` is `a`, not `[nil]` and
  `a`) and appends the argument's items as they are (not flattened).
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


class _NoIndex(Exception):
    """The item has no `[]` (a float, a boolean, nil): Ruby Liquid's `compact`, `uniq` and
    `where` then give nil for the whole filter; `map` gives nil for the item."""


def _property(item: object, key: object) -> object:
    """`item[key]` as Ruby evaluates it inside the property filters."""
    if isinstance(item, Mapping):
        try:
            return item[key]
        except (KeyError, TypeError):
            return None
    if isinstance(item, str):
        return key if isinstance(key, str) and key in item else None
    if isinstance(item, (list, tuple, int)) and not isinstance(item, bool):
        raise FilterArgumentError(f"cannot select the property '{to_text(key)}'", token=None)
    raise _NoIndex


def map_(value: object, key: object) -> list[object]:
    found = []
    for item in items(value):
        if key == "to_liquid":
            found.append(item)
            continue
        try:
            found.append(_property(item, key))
        except _NoIndex:
            found.append(None)
    return [None if is_nil(item) else item for item in found]


def compact(value: object, key: object = None) -> list[object] | None:
    if is_nil(key):
        return [item for item in items(value) if not is_nil(item)]
    try:
        return [item for item in items(value) if not is_nil(_property(item, key))]
    except _NoIndex:
        return None


def where(value: object, key: object, target: object = None) -> list[object] | None:
    """The items whose `key` is truthy, or (with a target) equals the target as Ruby's
    `==` does (`1 == 1.0`, but `1 != true` and `'1' != 1`)."""
    try:
        if is_nil(target):
            return [item for item in items(value) if _truthy(_property(item, key))]
        return [item for item in items(value) if _ruby_equal(_property(item, key), target)]
    except _NoIndex:
        return None


def _truthy(value: object) -> bool:
    return not (is_nil(value) or value is False)


def _ruby_equal(left: object, right: object) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if is_nil(left) or is_nil(right):
        return is_nil(left) and is_nil(right)
    return left == right


def reverse(value: object) -> list[object]:
    return items(value)[::-1]


def uniq(value: object, key: object = None) -> list[object] | None:
    values = items(value)
    if len(values) <= 1:  # Ruby's `Array#uniq` does not look at a lone item's property
        return values
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in values:
        try:
            probe = item if is_nil(key) else _property(item, key)
        except _NoIndex:
            return None
        identity = (type(probe).__name__, inspect(probe))  # Ruby's eql?: class and value
        if identity not in seen:
            seen.add(identity)
            kept.append(item)
    return kept


def _spaceship(a: object, b: object) -> int | None:
    """Ruby's `a <=> b` for Liquid values; None when Ruby cannot compare them."""
    if a is None and b is None:
        return 0
    if isinstance(a, bool) or isinstance(b, bool):
        return 0 if a is b else None
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        for left, right in zip(a, b, strict=False):
            order = _spaceship(left, right)
            if order != 0:
                return order
        return (len(a) > len(b)) - (len(a) < len(b))
    return 0 if isinstance(a, Mapping) and a == b else None


def _nil_safe_compare(a: object, b: object) -> int:
    order = _spaceship(a, b)
    if order is not None:
        return order
    if is_nil(a):
        return 1
    if is_nil(b):
        return -1
    raise FilterArgumentError("cannot sort values of incompatible types", token=None)


def _nil_safe_casecmp(a: object, b: object) -> int:
    if is_nil(a) or is_nil(b):
        return 1 if is_nil(a) else -1  # two nils: 1, as Ruby Liquid's comparison says
    left, right = _ascii_fold(to_text(a)), _ascii_fold(to_text(b))
    return (left > right) - (left < right)


def _ascii_fold(text: str) -> str:
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _sorted(value: object, key: object, compare: Callable[[object, object], int]) -> object:
    seq = items(value)
    if not seq:
        return []
    if is_nil(key):
        return ruby_sort(seq, compare)
    if not all(isinstance(item, (Mapping, list, tuple, str, int)) for item in seq):
        return None  # Ruby Liquid returns nothing when an item cannot be indexed
    return ruby_sort(seq, lambda a, b: compare(_property(a, key), _property(b, key)))


def ruby_sort(seq: list[object], compare: Callable[[object, object], int]) -> list[object]:
    """`Array#sort` with a block as Ruby on glibc runs it: a top-down merge sort that takes
    the left item unless it compares greater. Python's sort gives the same order for a
    consistent comparison, but Ruby Liquid's `sort_natural` calls two nils "greater" each
    way round, and then only this order is Ruby's."""
    if len(seq) <= 1:
        return list(seq)
    middle = len(seq) // 2
    left, right = ruby_sort(seq[:middle], compare), ruby_sort(seq[middle:], compare)
    merged: list[object] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if compare(left[i], right[j]) <= 0:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    return merged + left[i:] + right[j:]


def sort(value: object, key: object = None) -> object:
    return _sorted(value, key, _nil_safe_compare)


def sort_natural(value: object, key: object = None) -> object:
    return _sorted(value, key, _nil_safe_casecmp)


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
        # Ruby's `Integer#size`: a machine word, or the bytes a larger magnitude needs
        return max(8, (abs(value).bit_length() + 7) // 8)
    return 0


def join(value: object, separator: object = " ") -> str:
    text = to_text(separator)
    if isinstance(value, list):
        try:
            return text.join(value)  # only strings (Rokt's arrays): each is its own to_s
        except TypeError:  # something to flatten or convert
            pass
    return text.join(to_text(item) for item in items(value))


def concat(value: object, other: object) -> list[object]:
    if not isinstance(other, (list, tuple)):
        raise FilterArgumentError(f"concat expected an array, found {type(other).__name__}",
                                  token=None)
    return [*items(value), *other]


FILTERS: dict[str, Callable[..., object]] = {
    "concat": concat,
    "map": map_,
    "compact": compact,
    "where": where,
    "join": join,
    "size": size,
    "reverse": reverse,
    "uniq": uniq,
    "first": first,
    "sort": sort,
    "sort_natural": sort_natural,
    "last": last,
}
