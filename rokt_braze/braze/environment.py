"""The Braze dialect as a python-liquid `Environment`: Braze's tags and filters.

Standard Liquid behaviour is python-liquid's; this module only adds what Braze adds and
removes what Braze lacks (`include`/`render`: a message has no snippet files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from liquid import Environment, Mode, Node, Undefined
from liquid.exceptions import LiquidError, LiquidSyntaxError
from liquid.parser import get_parser
from liquid.token import TOKEN_EXPRESSION, Token

from rokt_braze.braze.filters import register_filters
from rokt_braze.braze.lexing import check_lexable
from rokt_braze.braze.limits import MAX_NESTING
from rokt_braze.braze.tags.abort_message import AbortMessageTag
from rokt_braze.braze.tags.catalog_items import CatalogItemsTag, CatalogSelectionItemsTag
from rokt_braze.braze.tags.connected_content import ConnectedContentTag
from rokt_braze.braze.tags.cycle_tag import RubyCycleTag
from rokt_braze.braze.tags.for_tag import RubyBreakTag, RubyContinueTag, RubyForTag
from rokt_braze.braze.tags.liquid_tag import RubyLiquidTag
from rokt_braze.braze.tags.message_extras import MessageExtrasTag
from rokt_braze.braze.tags.output import (
    BlockOutput,
    RubyCapture,
    RubyEcho,
    RubyLiteral,
    TracedCapture,
    TracedLiteral,
    TracedOutput,
)
from rokt_braze.braze.tags.promotion import PromotionTag
from rokt_braze.braze.tags.random_tag import RandomTag
from rokt_braze.braze.tags.shopping_cart import ShoppingCartTag
from rokt_braze.braze.tags.tablerow_tag import RubyTablerowTag
from rokt_braze.braze.tags.translation import TranslationTag
from rokt_braze.braze.tokens import BrazeTokenStream
from rokt_braze.braze.whitespace import template_lexer

if TYPE_CHECKING:
    from rokt_braze.braze.template import BrazeTemplate

#: Parses Braze source into a template: (source, name, *, lenient) -> BrazeTemplate.
Parser = Callable[..., "BrazeTemplate"]

#: Standard tags python-liquid has that a Braze message cannot use.
REMOVED_TAGS = ("include", "render", "doc")

#: The tag classes Braze adds to standard Liquid (names a message may use: `lint.names`).
BRAZE_TAG_CLASSES = (
    AbortMessageTag,
    CatalogItemsTag,
    CatalogSelectionItemsTag,
    ConnectedContentTag,
    MessageExtrasTag,
    PromotionTag,
    RandomTag,
    ShoppingCartTag,
    TranslationTag,
)

#: Standard tags whose python-liquid behaviour differs from Ruby Liquid 5.4's, replaced.
RUBY_TAG_CLASSES = (RubyEcho, RubyLiquidTag, RubyForTag, RubyBreakTag, RubyContinueTag,
                    RubyCycleTag, RubyTablerowTag)


class BrazeEnvironment(Environment):
    """Lax like Braze: undefined values render blank; unknown filters are errors.

    `traced`: output, text and `capture` record where their output came from (see
    `origins`). That costs a Python call per statement, so templates render with an
    untraced environment and are parsed again with a traced one only when asked where
    their output came from.

    `lenient`: an unknown filter passes its input through instead (Ruby Liquid's lax mode),
    for rendering past such an error to report what lies beyond it.

    `parse_braze` is how tags that render Braze source of their own (content blocks,
    `:rerender`) reach the parser: `template.braze_environment` hands it over.

    Blocks nest as deep as Ruby Liquid lets them (`MAX_NESTING`); the other resource
    limits are per run (`limits`); the lexer is guarded against quadratic input
    (`lexing`).
    """

    block_nesting_limit = MAX_NESTING
    context_depth_limit = MAX_NESTING + 10  # blocks hit their limit first, with its message

    def __init__(self, *, parser: Parser, traced: bool = False, lenient: bool = False) -> None:
        self.traced = traced  # read by setup_tags_and_filters, which __init__ calls
        self.parse_braze = parser
        super().__init__(tolerance=Mode.STRICT, undefined=Undefined,
                         strict_filters=not lenient)

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        super().setup_tags_and_filters(extra=False)
        for name in REMOVED_TAGS:
            self.tags.pop(name, None)
        statements = ((TracedOutput, TracedLiteral, TracedCapture) if self.traced
                      else (BlockOutput, RubyLiteral, RubyCapture))
        for tag in (*BRAZE_TAG_CLASSES, *statements, *RUBY_TAG_CLASSES):
            self.add_tag(tag)
        register_filters(self)

    def tokenizer(self) -> Callable[[str], Iterator[Token]]:
        lex = template_lexer()  # python-liquid's, keeping a final newline (`whitespace`)

        def guarded(source: str) -> Iterator[Token]:
            check_lexable(source)
            return lex(source)

        return guarded

    def _parse(self, source: str) -> list[Node]:
        """python-liquid's parse, with expressions read as Ruby reads them (`tokens`), and
        a statement nested past Python's stack a syntax error."""
        stream = BrazeTokenStream(self.tokenizer()(source))
        try:
            return get_parser(self).parse(stream)
        except RecursionError:
            raise LiquidSyntaxError("expression nested too deeply",
                                    token=stream.current) from None

    def error(
        self,
        exc: type[LiquidError] | LiquidError,
        msg: str | None = None,
        token: Token | None = None,
    ) -> None:
        """Give position-less errors (end of an expression) the statement's position."""
        if isinstance(exc, LiquidError) and token is not None and (
            exc.token is None or exc.token.start_index < 0
        ):
            exc.token = expression_end(token)
        super().error(exc, msg, token)


def expression_end(token: Token) -> Token:
    """Where the markup of the statement at or just before `token` ends.

    python-liquid reports "expected ..., found end of expression" with no position and
    hands over the token its parser is on: the expression itself when the statement has
    not consumed it yet, else the token after the statement. Either way the error is
    just past the last non-blank character of that statement's markup.
    """
    src = token.source
    if token.kind == TOKEN_EXPRESSION and src.startswith(token.value, token.start_index):
        end = token.start_index + len(token.value.rstrip())
    else:
        close = max(src.rfind("%}", 0, token.start_index), src.rfind("}}", 0, token.start_index))
        if close < 0:
            return token
        if src[close - 1 : close] == "-":
            close -= 1
        end = len(src[:close].rstrip())
    return Token(token.kind, token.value, end, src)
