"""Output, literal content and `capture`, extended to record where output came from
(the traced environment), and output that knows content blocks and text that is blank as
Ruby reads it (both environments).

Also home of `{{content_blocks.${name}}}`: Braze writes it as an output statement, but it
inlines another template that shares the message's variables (blocks often hold shared
`assign`s), so it renders like an include, not like a value.
"""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING, TextIO

from liquid.builtin.content import ContentNode, Literal
from liquid.builtin.expressions import FilteredExpression, Path
from liquid.builtin.output import Output, OutputNode
from liquid.builtin.tags.capture_tag import CaptureNode, CaptureTag
from liquid.builtin.tags.echo_tag import EchoNode, EchoTag
from liquid.exceptions import LiquidError
from liquid.token import TOKEN_EXPRESSION, TOKEN_OUTPUT

from rokt_braze.braze.limits import LimitedContext
from rokt_braze.braze.origins import OriginBuffer, TracedStr
from rokt_braze.braze.state import message_state
from rokt_braze.braze.tags import parse_braze
from rokt_braze.braze.tokens import expression_stream
from rokt_braze.braze.values import to_output
from rokt_braze.errors import TemplateError

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.ast import BlockNode
    from liquid.builtin.expressions import Identifier
    from liquid.expression import Expression
    from liquid.stream import TokenStream
    from liquid.token import Token

#: Braze renders a block inside a block, and silently drops a third level.
MAX_BLOCK_DEPTH = 2


class BlockOutputNode(OutputNode):
    """An output statement that may be a content block (untraced renders)."""

    __slots__ = ("block",)

    def __init__(self, token: Token, expression: Expression) -> None:
        super().__init__(token, expression)
        self.block = _content_block_name(expression)  # once, not on every render

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        if self.block is not None:
            return _render_content_block(self.block, self.token, context, buffer)
        written = buffer.write(to_output(self.expression.evaluate(context)))
        if isinstance(context, LimitedContext):
            context.wrote(buffer, self.token)  # the output and time limits (`limits`)
        return written


class BlockOutput(Output):
    node_class = BlockOutputNode

    def parse(self, stream: TokenStream) -> OutputNode:
        """python-liquid's, with the expression read as Ruby reads it (`tokens`)."""
        token = stream.eat(TOKEN_OUTPUT)
        expression = FilteredExpression.parse(
            self.env, expression_stream(stream.expect(TOKEN_EXPRESSION))
        )
        return self.node_class(token, expression)


class RubyEchoNode(EchoNode):
    """`{% echo x %}` prints as `{{ x }}` does (see `values`)."""

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        text = to_output(self.expression.evaluate(context))
        if isinstance(buffer, OriginBuffer):
            return buffer.write_from(text, self.token.start_index)
        written = buffer.write(text)
        if isinstance(context, LimitedContext):
            context.wrote(buffer, self.token)
        return written


class RubyEcho(EchoTag):
    node_class = RubyEchoNode


class TracedOutputNode(BlockOutputNode):
    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        if self.block is not None:
            return _render_content_block(self.block, self.token, context, buffer)
        value = self.expression.evaluate(context)
        # A captured value keeps its marks, so findings point at the capture's text.
        text = value if isinstance(value, TracedStr) else to_output(value)
        if isinstance(buffer, OriginBuffer):
            return buffer.write_from(text, self.token.start_index)
        return buffer.write(text)


class TracedOutput(BlockOutput):
    node_class = TracedOutputNode


#: What Ruby's `\s` matches: a block body of only these and of tags that write nothing is
#: blank, and Ruby Liquid does not render it.
_RUBY_BLANKS = frozenset(" \t\n\v\f\r")


class RubyContentNode(ContentNode):
    """Text, blank as Ruby Liquid reads it: a no-break or other Unicode space is text
    (python-liquid's `str.isspace()` would make a block holding one blank, so unwritten),
    and the body of a `raw` is blank only when empty."""

    __slots__ = ()

    def __init__(self, token: Token, text: str):
        super().__init__(token, text)
        raw = not token.source.startswith(text, token.start_index)  # lexed from `raw`
        self.blank = not text if raw else all(char in _RUBY_BLANKS for char in text)


class RubyLiteral(Literal):
    node_class = RubyContentNode


class TracedContentNode(RubyContentNode):
    __slots__ = ("index",)

    def __init__(self, token: Token, text: str):
        super().__init__(token, text)
        found = token.source.find(text, token.start_index) if text else -1
        self.index = found if found >= 0 else token.start_index

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        if isinstance(buffer, OriginBuffer):
            return buffer.write_from(self.text, self.index, verbatim=True)
        return buffer.write(self.text)


class TracedLiteral(RubyLiteral):
    node_class = TracedContentNode


class RubyCaptureNode(CaptureNode):
    """`capture` writes its whole body into the variable, blank or not (python-liquid skips
    a blank body, so `{% capture c %} {% endcapture %}` was empty); the tag itself is
    blank, as in Ruby Liquid."""

    __slots__ = ()

    def __init__(self, token: Token, name: Identifier, block: BlockNode):
        super().__init__(token, name, block)
        block.blank = False


class RubyCapture(CaptureTag):
    node_class = RubyCaptureNode


class TracedCaptureNode(RubyCaptureNode):
    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        buf = OriginBuffer()
        self.block.render(context, buf)
        context.assign(self.name, buf.traced_value())
        return 0


class TracedCapture(RubyCapture):
    node_class = TracedCaptureNode


def _content_block_name(expression: object) -> str | None:
    """`content_blocks["name"]` with no filters, or None."""
    if not isinstance(expression, FilteredExpression) or expression.filters:
        return None
    left = expression.left
    if not isinstance(left, Path) or len(left.path) != 2 or left.path[0] != "content_blocks":
        return None
    name = left.path[1]
    return name if isinstance(name, str) else None


def content_block_text(name: str, token: Token, context: RenderContext) -> str:
    """A content block rendered in the caller's context, as text (for expressions)."""
    buffer = StringIO()
    _render_content_block(name, token, context, buffer)
    return buffer.getvalue()


def _render_content_block(
    name: str, token: Token, context: RenderContext, buffer: TextIO
) -> int:
    """Inline the block in the caller's context; its errors point at the calling tag."""
    state = message_state(context)
    if state.block_depth >= MAX_BLOCK_DEPTH:
        return 0
    source = state.resources.content_blocks.get(name)
    if source is None:
        raise LiquidError(f"content block {name!r} not found (give it as a fixture)", token=token)
    try:
        block = parse_braze(context, source, f"content_blocks.{name}")  # a template too
    except TemplateError as err:
        raise LiquidError(f"in content block {name!r}: {err}", token=token) from None
    out = context.get_buffer(buffer)  # limited like any output (see `limits`)
    state.block_depth += 1
    try:
        for node in block.bound.nodes:
            node.render(context, out)
    except LiquidError as err:
        raise LiquidError(f"in content block {name!r}: {err.message}", token=token) from None
    finally:
        state.block_depth -= 1
    text = out.getvalue()
    if isinstance(buffer, OriginBuffer):
        return buffer.write_from(text, token.start_index)
    return buffer.write(text)
