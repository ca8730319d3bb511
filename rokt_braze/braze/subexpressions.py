"""Values Braze computes inside tag markup, bound into the parsed template.

* `{{ x | f }}` inside a tag (`{% if {{uniq_cat | size}} == 1 %}`): the rewrite leaves a
  placeholder path (`_braze_sub_N`); here it becomes that filtered expression, so the
  condition compares the filtered value, as Braze does.
* `content_blocks.${name}` anywhere in an expression (`{% assign b =
  {{content_blocks.${list}}} | split: ',' %}`): the block's rendered text, as an output of
  the block would write it; an output statement holding only the block inlines it instead
  (see `tags.output`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from liquid.builtin.expressions import FilteredExpression, Path, tokenize
from liquid.stream import TokenStream
from liquid.token import TOKEN_EXPRESSION, Token

from rokt_braze.braze.blank import walk
from rokt_braze.braze.rewrite import SUBEXPRESSION_PREFIX
from rokt_braze.braze.tags.output import content_block_text

if TYPE_CHECKING:
    from liquid import Environment, Node, RenderContext


class SubExpression(Path):
    """A placeholder path whose head is a parsed filtered expression."""

    __slots__ = ()

    def evaluate(self, context: RenderContext) -> object:
        """The filtered value, then `.key` / `[i]` after it as any path reads them
        (`{{x | split: ','}}.size` is the number of items; `.size` of a number is 8)."""
        value = self.path[0].evaluate(context)  # type: ignore[union-attr]
        for segment in self.path[1:]:
            key = segment.evaluate(context) if isinstance(segment, Path) else segment
            try:
                value = context.get_item(value, key)
            except (KeyError, TypeError, IndexError):
                return None
        return value


class ContentBlockPath(Path):
    """`content_blocks["name"]`: the block's rendered text."""

    __slots__ = ()

    def evaluate(self, context: RenderContext) -> object:
        name = self.path[1]
        assert isinstance(name, str)
        return content_block_text(name, self.token, context)


def bind_subexpressions(
    nodes: Iterable[Node], subexpressions: Sequence[str], env: Environment
) -> None:
    """Switch placeholder and content-block paths in the parsed nodes (see above)."""
    for item in walk(nodes):
        if type(item) is not Path or not item.path:
            continue
        head = item.path[0]
        if isinstance(head, str) and head.startswith(SUBEXPRESSION_PREFIX):
            number = int(head[len(SUBEXPRESSION_PREFIX) :])
            text = subexpressions[number]
            # positioned after the placeholder's first two characters (see `rewrite`)
            token = Token(TOKEN_EXPRESSION, text, item.token.start_index + 2,
                          item.token.source)
            parsed = FilteredExpression.parse(env, TokenStream(tokenize(text, token)))
            item.path = [parsed, *item.path[1:]]  # type: ignore[list-item]
            item.__class__ = SubExpression
        elif head == "content_blocks" and len(item.path) == 2 and isinstance(item.path[1], str):
            item.__class__ = ContentBlockPath
