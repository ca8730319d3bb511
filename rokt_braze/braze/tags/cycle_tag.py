"""`{% cycle %}`: python-liquid's tag, with Ruby Liquid 5.4's groups and output.

Ruby Liquid keeps one counter per group. A named group (`{% cycle 'g': 'a', 'b' %}`) is
the group's value. Without a name, a cycle is named after its parsed values: cycles of
the same literals (`{% cycle 'a', 'b' %}` twice) share a counter, but a variable among the
values is parsed into an object of its own, so each such tag is its own group:
`{% cycle a, b %}` written three times prints `a` three times (python-liquid names the
group after the values' current text, so it cycles through them).

A `nil` literal among the values is dropped (Ruby compacts the parsed list):
`{% cycle nil, 1 %}` always prints 1. A value prints as `{{ }}` prints it (an array
joined, a float as Ruby writes it), and a counter past this tag's values (left there by
a longer cycle of the same group) prints nothing and starts again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liquid import is_undefined
from liquid.builtin.expressions.primitive import Literal, Nil
from liquid.builtin.tags.cycle_tag import CycleNode, CycleTag

from rokt_braze.braze.values import inspect, to_output

if TYPE_CHECKING:
    from typing import TextIO

    from liquid import RenderContext
    from liquid.stream import TokenStream


class RubyCycleNode(CycleNode):
    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        values = [arg.evaluate(context) for arg in self.args]
        counters: dict[object, int] = context.tag_namespace["cycles"]
        key = self._group(context, values)
        index = counters.get(key, 0)
        counters[key] = 0 if index + 1 >= len(values) else index + 1
        return buffer.write(to_output(values[index]) if index < len(values) else "")

    def _group(self, context: RenderContext, values: list[object]) -> object:
        if self.group is not None:
            value = self.group.evaluate(context)
            value = None if is_undefined(value) else value
            return ("group", type(value).__name__, inspect(value))
        if all(isinstance(arg, Literal) for arg in self.args):
            return ("values", inspect(values))
        return ("tag", id(self))


class RubyCycleTag(CycleTag):
    node_class = RubyCycleNode

    def parse(self, stream: TokenStream) -> CycleNode:
        node = super().parse(stream)
        node.args = [arg for arg in node.args if not isinstance(arg, Nil)]
        return node
