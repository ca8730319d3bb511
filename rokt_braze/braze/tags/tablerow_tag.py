"""`{% tablerow %}`: python-liquid's tag, rendered as Ruby Liquid 5.4's `TableRow`.

Where python-liquid and Ruby Liquid differ:

* an empty collection (or one that is not a list, hash or range) still writes the empty
  row `<tr class="row1">\\n</tr>\\n`; only nil or false writes nothing;
* a string is one item, as in `for`;
* `limit:`, `offset:` and `cols:` are read with Ruby's `to_i` (`'2'` and `2.5` are 2, nil
  is 0, a boolean is an error); without `cols:` every item is in the first row;
* `reversed` is not an option of `tablerow`: Ruby Liquid ignores it;
* a cell whose body is only blanks still writes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liquid import is_undefined
from liquid.builtin.tags.tablerow_tag import TableRow, TablerowNode, TablerowTag
from liquid.exceptions import BreakLoop, ContinueLoop, LiquidTypeError

from rokt_braze.braze.filters.arithmetic import ruby_to_i
from rokt_braze.braze.tags.for_tag import ruby_segment

if TYPE_CHECKING:
    from typing import TextIO

    from liquid import RenderContext
    from liquid.ast import BlockNode
    from liquid.builtin.expressions import LoopExpression
    from liquid.expression import Expression
    from liquid.stream import TokenStream
    from liquid.token import Token


class RubyTablerowNode(TablerowNode):
    __slots__ = ()

    def __init__(self, token: Token, expression: LoopExpression, block: BlockNode) -> None:
        super().__init__(token, expression, block)
        block.blank = False  # Ruby Liquid writes a cell's spaces, blank or not

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        loop = self.expression
        collection = loop.iterable.evaluate(context)
        if collection is None or collection is False or is_undefined(collection):
            return 0
        start = _to_i(loop.offset, context)
        stop = None if loop.limit is None else start + _to_i(loop.limit, context)
        items, length = ruby_segment(collection, start, stop)
        cols = _to_i(loop.cols, context)
        # python-liquid's TableRow wraps at `ncols`; Ruby never wraps with fewer than 1
        table = TableRow(loop.identifier, items, length, cols if cols > 0 else -1)
        namespace: dict[str, object] = {"tablerowloop": table}
        written = buffer.write('<tr class="row1">\n')
        with context.loop(namespace, table):
            for item in table:
                namespace[loop.identifier] = item
                written += buffer.write(f'<td class="col{table.col}">')
                stop_here = False
                try:
                    written += self.block.render(context, buffer)
                except BreakLoop:
                    stop_here = True
                except ContinueLoop:
                    pass
                written += buffer.write("</td>")
                if table.col_last and not table.last:
                    written += buffer.write(f'</tr>\n<tr class="row{table.row + 1}">')
                if stop_here:
                    break
        return written + buffer.write("</tr>\n")


def _to_i(expression: Expression | None, context: RenderContext) -> int:
    """Ruby's `to_i` of an option's value (0 when the option is absent)."""
    if expression is None:
        return 0
    value = expression.evaluate(context)
    if value is None or is_undefined(value):
        return 0
    if isinstance(value, str):
        return ruby_to_i(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return int(value)
        except (OverflowError, ValueError):  # Infinity, NaN: Ruby's FloatDomainError
            pass
    raise LiquidTypeError(f"tablerow: {value!r} is not a whole number",
                          token=expression.token)


class RubyTablerowTag(TablerowTag):
    node_class = RubyTablerowNode

    def parse(self, stream: TokenStream) -> TablerowNode:
        node = super().parse(stream)
        node.expression.reversed = False
        return node
