"""Braze's tags, one per module, plus the traced output/content/capture statements."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from liquid.token import TOKEN_EXPRESSION

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token

    from rokt_braze.braze.environment import BrazeEnvironment
    from rokt_braze.braze.template import BrazeTemplate


def take_markup(stream: TokenStream) -> tuple[Token, str]:
    """The tag token and its raw markup ("" if none), leaving the stream on the last token
    of the tag, as python-liquid's parser expects."""
    token = stream.current
    if stream.peek.kind == TOKEN_EXPRESSION:
        next(stream)
        return token, stream.current.value
    return token, ""


def parse_braze(context: RenderContext, source: str, name: str) -> BrazeTemplate:
    """Parse Braze source (a content block, a `:rerender` answer) with the parser of the
    environment that renders `context`: the tags reach the parser through it."""
    env = cast("BrazeEnvironment", context.env)
    return env.parse_braze(source, name, lenient=not env.strict_filters)
