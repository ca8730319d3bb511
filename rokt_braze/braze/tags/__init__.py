"""Braze's tags, one per module, plus the traced output/content/capture statements."""

from __future__ import annotations

import re
from io import StringIO
from typing import TYPE_CHECKING, cast

from liquid.exceptions import LiquidSyntaxError
from liquid.token import TOKEN_EXPRESSION

if TYPE_CHECKING:
    from collections.abc import Iterable

    from liquid import Node, RenderContext
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


def match_markup(
    stream: TokenStream, pattern: re.Pattern[str], usage: str
) -> tuple[Token, re.Match[str]]:
    """The tag token and its markup matched against `pattern`; a syntax error at the tag
    that says `usage` when the markup does not match."""
    token, markup = take_markup(stream)
    m = pattern.match(markup)
    if m is None:
        raise LiquidSyntaxError(usage, token=token)
    return token, m


def render_nodes(nodes: Iterable[Node], context: RenderContext) -> str:
    """What `nodes` render to, as a string (a tag argument that is itself Liquid)."""
    out = StringIO()
    for node in nodes:
        node.render(context, out)
    return out.getvalue()


def parse_braze(context: RenderContext, source: str, name: str) -> BrazeTemplate:
    """Parse Braze source (a content block, a `:rerender` answer) with the parser of the
    environment that renders `context`: the tags reach the parser through it."""
    env = cast("BrazeEnvironment", context.env)
    return env.parse_braze(source, name, lenient=not env.strict_filters)
