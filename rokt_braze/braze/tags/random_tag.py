"""`{% random %}` (a float in [0, 1)) and `{% random N %}` (an integer in [0, N)).

Braze draws a fresh number on every send. A test bench must render the same way twice,
so here the numbers come from a generator seeded with the user's `user_id`: the same user
always gets the same sequence, and different users spread over the range as Braze's would.
"""

from __future__ import annotations

import random
import re
import zlib
from typing import TYPE_CHECKING, TextIO

from liquid import Node, Tag

from rokt_braze.braze.origins import OriginBuffer
from rokt_braze.braze.state import message_state
from rokt_braze.braze.tags import match_markup
from rokt_braze.braze.values import to_output, to_s

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token

_MARKUP = re.compile(r"\s*(?P<limit>0*[1-9][0-9]*)?\s*\Z")


class RandomNode(Node):
    __slots__ = ("limit",)

    def __init__(self, token: Token, limit: int | None) -> None:
        super().__init__(token)
        self.limit = limit
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        state = message_state(context)
        if state.random is None:
            try:
                user = to_output(context.globals["user_id"])
            except KeyError:
                user = ""
            state.random = random.Random(zlib.crc32(user.encode()))
        value = state.random.random() if self.limit is None else state.random.randrange(self.limit)
        text = to_s(value)
        if isinstance(buffer, OriginBuffer):
            return buffer.write_from(text, self.token.start_index)
        return buffer.write(text)


class RandomTag(Tag):
    name = "random"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, m = match_markup(
            stream, _MARKUP, "random takes nothing or a positive whole number: {% random 10 %}"
        )
        return RandomNode(token, int(m.group("limit")) if m.group("limit") else None)
