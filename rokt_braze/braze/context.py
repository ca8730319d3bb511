"""The render context of a Braze message: python-liquid's, with Ruby Liquid's lookups.

Where python-liquid's `RenderContext` differs from Ruby Liquid 5.4 (what Braze runs):

* no built-in `now` and `today` variables. python-liquid resolves a bare `{{ now }}` to
  the machine's local time; in Ruby Liquid it is an undefined variable, so it prints
  nothing. Braze's current time is the string `'now'` given to `date`.
* `h["size"]`, `h["first"]`, `h["last"]` are keys (a `tokens.BracketKey`); only the dot
  forms are Ruby's commands (`h.size` is the number of entries).
* `n.size` of an integer is its size in bytes (8), as Ruby's `Integer#size` answers;
* `hash.first` is the first `[key, value]` pair as an array (Ruby's `Hash#first`), not a
  Python tuple, so it prints and filters as an array does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from liquid import RenderContext
from liquid.utils import ReadOnlyChainMap

from rokt_braze.braze.filters.arrays import size
from rokt_braze.braze.tokens import BracketKey
from rokt_braze.braze.values import RubyArray


class BrazeContext(RenderContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = ReadOnlyChainMap(self.locals, self.globals, self.counters)

    def get_item(self, obj: Any, key: Any) -> Any:
        if type(key) is BracketKey:  # h["size"] is the key "size", never the command
            return obj[key]
        if key == "size" and isinstance(obj, int) and not isinstance(obj, bool):
            return size(obj)
        if key == "first" and isinstance(obj, Mapping) and obj:
            try:
                return obj["first"]
            except (KeyError, IndexError, TypeError):
                first_key = next(iter(obj))
                return RubyArray((first_key, obj[first_key]))
        return super().get_item(obj, key)
