"""`{% promotion('list') %}`: outputs one promotion code; fixture-backed.

Braze hands out an unused code from the list; offline we output the code the
`promotions` fixture gives for the list, or fail with a "needs fixtures" error.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

from liquid import Node, Tag
from liquid.exceptions import LiquidError

from rokt_braze.braze.origins import OriginBuffer
from rokt_braze.braze.state import message_state
from rokt_braze.braze.tags import match_markup

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token

_MARKUP = re.compile(r"""\s*\(\s*(?:'([^']+)'|"([^"]+)")\s*\)\s*\Z""")


class PromotionNode(Node):
    __slots__ = ("list_name",)

    def __init__(self, token: Token, list_name: str) -> None:
        super().__init__(token)
        self.list_name = list_name
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        promotions = message_state(context).resources.promotions
        if promotions is None:
            raise LiquidError("promotion needs promotion-code fixtures", token=self.token)
        if self.list_name not in promotions:
            raise LiquidError(f"no promotion-code fixture for {self.list_name!r}", token=self.token)
        code = str(promotions[self.list_name])
        if isinstance(buffer, OriginBuffer):
            return buffer.write_from(code, self.token.start_index)
        return buffer.write(code)


class PromotionTag(Tag):
    name = "promotion"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, m = match_markup(stream, _MARKUP, "promotion takes a list name: promotion('list')")
        return PromotionNode(token, m.group(1) or m.group(2))
