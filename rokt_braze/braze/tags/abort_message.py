"""`{% abort_message %}`: stop the whole message; Braze sends nothing.

Every spelling in Braze's docs is accepted: no argument, `()`, `('reason')`,
`("reason")`, with or without a space before the parenthesis. The reason must be a
string literal (Braze logs it verbatim; it cannot hold Liquid).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

from liquid import Node, Tag

from rokt_braze.braze.tags import match_markup
from rokt_braze.errors import MessageAborted

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token

_MARKUP = re.compile(r"""\s*(?:\(\s*(?:'(?P<single>[^']*)'|"(?P<double>[^"]*)")?\s*\))?\s*\Z""")


class AbortMessageNode(Node):
    __slots__ = ("reason",)

    def __init__(self, token: Token, reason: str) -> None:
        super().__init__(token)
        self.reason = reason
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        raise MessageAborted(self.reason, index=self.token.start_index)


class AbortMessageTag(Tag):
    name = "abort_message"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, m = match_markup(
            stream, _MARKUP, "abort_message takes an optional string literal: "
            "abort_message('reason')"
        )
        return AbortMessageNode(token, m.group("single") or m.group("double") or "")
