"""`{% message_extras :key k :value v %}`: tags the send event in Currents; renders nothing.

Rendered pairs are kept on the message state so a caller can show them. `:value`
before `:key` is invalid (Braze docs).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

from liquid import Node, Tag

from rokt_braze.braze.state import message_state
from rokt_braze.braze.tags import match_markup, render_nodes

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token

_MARKUP = re.compile(r"\s*:key\s+(?P<key>\S+)\s+:value\s+(?P<value>.+?)\s*\Z", re.DOTALL)


class MessageExtrasNode(Node):
    __slots__ = ("key", "value")

    def __init__(self, token: Token, key: list[Node], value: list[Node]) -> None:
        super().__init__(token)
        self.key, self.value = key, value

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        key, value = render_nodes(self.key, context), render_nodes(self.value, context)
        message_state(context).extras.setdefault(key.strip(), value.strip())
        return 0


class MessageExtrasTag(Tag):
    name = "message_extras"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, m = match_markup(
            stream, _MARKUP, "message_extras needs ':key <key> :value <value>', key first"
        )
        return MessageExtrasNode(
            token,
            list(self.env.from_string(m.group("key")).nodes),
            list(self.env.from_string(m.group("value")).nodes),
        )
