"""Braze's tags, one per module, plus the traced output/content/capture statements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from liquid.token import TOKEN_EXPRESSION

if TYPE_CHECKING:
    from liquid.stream import TokenStream
    from liquid.token import Token


def take_markup(stream: TokenStream) -> tuple[Token, str]:
    """The tag token and its raw markup ("" if none), leaving the stream on the last token
    of the tag, as python-liquid's parser expects."""
    token = stream.current
    if stream.peek.kind == TOKEN_EXPRESSION:
        next(stream)
        return token, stream.current.value
    return token, ""
