"""`{% liquid %}`: python-liquid's tag, with each line's expression read as Ruby reads it.

The tag tokenizes its lines itself into a plain token stream; this one hands them to the
parser in a `tokens.BrazeTokenStream`, so keyword-like names (`r.offset`) work inside it
as they do everywhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liquid.ast import BlockNode
from liquid.builtin.tags.liquid_tag import LiquidTag
from liquid.parser import get_parser
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG

from rokt_braze.braze.tokens import BrazeTokenStream

if TYPE_CHECKING:
    from liquid import Node
    from liquid.stream import TokenStream


class RubyLiquidTag(LiquidTag):
    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        if stream.current.kind == TOKEN_EXPRESSION:
            expression = stream.current  # left current: the parser moves past it
            lines = BrazeTokenStream(
                self._tokenize(expression.value, token=expression),
                block_depth_carry=stream.block_depth,
            )
            block = get_parser(self.env).parse_block(lines, end=())
            return self.node_class(token, expression, block=block)
        if stream.current.kind == TOKEN_EOF:  # an empty tag
            return self.node_class(token, None, block=BlockNode(token, []))
        return self.node_class(token, None, block=get_parser(self.env).parse_block(stream, ()))
