"""Expression tokens as Ruby Liquid reads them: keyword-like words that are names.

python-liquid lexes `limit`, `offset`, `reversed`, `cols`, `with`, `as`, `in`, `and`, `or`,
`for` and `contains` as keywords wherever they appear, so `{{ r.offset }}` (a Connected
Content answer with paging fields) or `{% assign limit = 5 %}` fail to parse. Ruby Liquid
reads such a word as a name where a name can stand: after a `.`, and where an operand is
expected (the start of an expression, after `:`, `,`, `=`, a comparison, `and`/`or`/
`contains`, `in`, `..` or `[`). Everywhere else (`for x in items limit: 2`,
`if a and b`) it stays the keyword.

Ruby Liquid also tells `h.size` (a command: the number of entries) from `h["size"]` (the
key `size`); python-liquid does not. A bracketed `size`, `first` or `last` becomes a
`BracketKey`, which `context.BrazeContext` looks up as a plain key.

`BrazeTokenStream` applies both to every expression it hands a tag.
"""

from __future__ import annotations

from collections.abc import Iterator

from liquid.builtin.expressions import tokenize
from liquid.stream import TokenStream
from liquid.token import (
    TOKEN_AND,
    TOKEN_AS,
    TOKEN_ASSIGN,
    TOKEN_COLON,
    TOKEN_COLS,
    TOKEN_COMMA,
    TOKEN_CONTAINS,
    TOKEN_DOT,
    TOKEN_EQ,
    TOKEN_EXPRESSION,
    TOKEN_FOR,
    TOKEN_GE,
    TOKEN_GT,
    TOKEN_IDENTSTRING,
    TOKEN_IN,
    TOKEN_LBRACKET,
    TOKEN_LE,
    TOKEN_LG,
    TOKEN_LIMIT,
    TOKEN_LT,
    TOKEN_NE,
    TOKEN_OFFSET,
    TOKEN_OR,
    TOKEN_RANGE,
    TOKEN_RANGE_LITERAL,
    TOKEN_REVERSED,
    TOKEN_WITH,
    TOKEN_WORD,
    Token,
)

#: Keywords Ruby Liquid also accepts as variable and property names.
NAME_KEYWORDS = frozenset({
    TOKEN_LIMIT, TOKEN_OFFSET, TOKEN_REVERSED, TOKEN_COLS, TOKEN_WITH, TOKEN_AS, TOKEN_IN,
    TOKEN_AND, TOKEN_OR, TOKEN_FOR, TOKEN_CONTAINS,
})  # fmt: skip

#: Tokens after which an operand (so possibly a name) comes; None: the start.
_BEFORE_OPERAND = frozenset({
    None, TOKEN_COLON, TOKEN_COMMA, TOKEN_ASSIGN, TOKEN_EQ, TOKEN_NE, TOKEN_LG, TOKEN_LT,
    TOKEN_GT, TOKEN_LE, TOKEN_GE, TOKEN_AND, TOKEN_OR, TOKEN_CONTAINS, TOKEN_IN, TOKEN_RANGE,
    TOKEN_RANGE_LITERAL, TOKEN_LBRACKET,
})  # fmt: skip

_COMMANDS = frozenset({"size", "first", "last"})


class BracketKey(str):
    """A key written in brackets (`h["size"]`): looked up as a key, never as a command."""

    __slots__ = ()


def ruby_tokens(tokens: Iterator[Token]) -> Iterator[Token]:
    """Re-kind python-liquid's expression tokens the way Ruby Liquid reads them."""
    previous: str | None = None
    for token in tokens:
        kind = token.kind
        if (kind in NAME_KEYWORDS and previous in _BEFORE_OPERAND) or (
            previous == TOKEN_DOT and kind != TOKEN_WORD and token.value.isidentifier()
        ):
            token = Token(TOKEN_WORD, token.value, token.start_index, token.source)
        elif kind == TOKEN_IDENTSTRING and token.value in _COMMANDS:
            token = Token(kind, BracketKey(token.value), token.start_index, token.source)
        previous = token.kind
        yield token


class BrazeTokenStream(TokenStream):
    """A token stream whose expressions are tokenized by `ruby_tokens`."""

    def into_inner(self, *, tag: Token | None = None, eat: bool = True) -> TokenStream:
        inner = super().into_inner(tag=tag, eat=eat)
        return BrazeTokenStream(ruby_tokens(iter(inner.tokens)))


def expression_stream(token: Token) -> BrazeTokenStream:
    """The tokens of one expression token (an output's markup), read as Ruby does."""
    assert token.kind == TOKEN_EXPRESSION
    return BrazeTokenStream(ruby_tokens(tokenize(token.value, token)))
