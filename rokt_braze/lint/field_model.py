"""One parsed field as the lint rules see it: reads, definitions, outputs and text, in order.

python-liquid's `analyze()` lists variables, but the rules need more: which reads come
from a `${...}` attribute, what each output's filter chain is, whether a value carries
user data into the output unescaped, which values are whole array attributes, and the
literal text around each output. One walk over the parse tree collects all of it.

Indices are into the field's ORIGINAL text (before the `${...}` rewrite), ready for
`Field.position`. Markup inside Braze tags (`connected_content`'s URL and options,
`catalog_items` ids, `message_extras` values) is walked as well: its reads count, but
its text and outputs are not the field's output (`sink` None).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from liquid import Node, RenderContext
from liquid.builtin.content import ContentNode
from liquid.builtin.expressions import FilteredExpression, Path
from liquid.builtin.expressions.primitive import StringLiteral
from liquid.builtin.output import OutputNode
from liquid.builtin.tags.assign_tag import AssignNode
from liquid.builtin.tags.capture_tag import CaptureNode
from liquid.builtin.tags.case_tag import MultiExpressionBlockNode
from liquid.builtin.tags.comment_tag import CommentNode
from liquid.builtin.tags.decrement_tag import DecrementNode
from liquid.builtin.tags.for_tag import ForNode
from liquid.builtin.tags.increment_tag import IncrementNode
from liquid.builtin.tags.tablerow_tag import TablerowNode
from liquid.expression import Expression
from liquid.token import TOKEN_TAG

from rokt_braze.braze import Attribute, BrazeTemplate
from rokt_braze.braze.tags.abort_message import AbortMessageNode
from rokt_braze.braze.tags.catalog_items import CatalogNode
from rokt_braze.braze.tags.connected_content import ConnectedContentNode
from rokt_braze.braze.tags.message_extras import MessageExtrasNode
from rokt_braze.braze.tags.shopping_cart import ShoppingCartNode

#: `(namespace, name)` of a `${...}` attribute; namespace None for a standard attribute.
AttrKey = tuple[str | None, str]
DefKind = Literal["assign", "capture", "save", "connected", "items", "loop", "counter"]

#: Filters whose output cannot hold `"`, `\` or a control character: safe in a JSON string.
SANITIZERS = frozenset({
    "json_escape", "url_escape", "url_param_escape", "url_encode", "md5", "sha1", "sha2",
    "hmac_sha1", "hmac_sha1_hex", "hmac_sha1_base64", "hmac_sha256", "hmac_sha256_hex",
    "hmac_sha256_base64", "hmac_sha512", "base64_encode", "base64_url_safe_encode", "plus",
    "minus", "times", "divided_by", "modulo", "abs", "ceil", "floor", "round", "at_least",
    "at_most", "size", "number_with_delimiter", "money",
})  # fmt: skip
#: Filters that return an array when given one: the output is still the whole array.
ARRAY_KEEPING = frozenset({
    "compact", "concat", "default", "map", "reverse", "slice", "sort", "sort_natural",
    "uniq", "where",
})  # fmt: skip
#: Filters only an array makes sense for: using one says the author treats the value as one.
ARRAY_ONLY = frozenset({
    "join", "first", "last", "map", "uniq", "compact", "sort", "sort_natural", "where",
    "concat", "reverse",
})  # fmt: skip


@dataclass(frozen=True)
class Ref:
    """One variable read: `custom_attribute.${x}[0]` has root "custom_attribute"."""

    root: str
    segments: tuple[object, ...]
    index: int
    attribute: Attribute | None
    defined: bool  # assigned, captured, saved or a loop variable in scope at this read

    @property
    def rest(self) -> tuple[object, ...]:
        """The segments after the `${...}` atom (all of them when there is no atom)."""
        if self.attribute is None:
            return self.segments
        return self.segments[2 if self.attribute.namespace else 1 :]

    @property
    def key(self) -> AttrKey | None:
        return None if self.attribute is None else (self.attribute.namespace, self.attribute.name)

    def text(self) -> str:
        """How the user wrote the read's variable part, for messages."""
        if self.attribute is not None:
            return self.attribute.path
        return str(self.root)


@dataclass(frozen=True)
class FilterUse:
    name: str
    index: int
    args: tuple[Ref, ...]
    first_literal: str | None  # the first argument when it is a string literal


@dataclass(frozen=True)
class Expr:
    """A filtered expression: the value read (`head`), its filters, and what it carries."""

    index: int
    head: Ref | None
    refs: tuple[Ref, ...]
    filters: tuple[FilterUse, ...]
    tainted: Ref | None  # the read that carries user data into the result unescaped
    array: AttrKey | None  # the result is this whole array attribute


@dataclass(frozen=True)
class Text:
    text: str
    index: int
    sink: int | None  # 0: the field's output; n: the n-th capture; None: tag markup


@dataclass(frozen=True)
class Output:
    expr: Expr
    index: int  # of the `{{` (or the `echo` tag)
    sink: int | None


@dataclass(frozen=True)
class Definition:
    name: str
    index: int
    kind: DefKind
    expr: Expr | None = None


@dataclass
class FieldModel:
    events: list[Text | Output] = field(default_factory=list)
    reads: list[Ref] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    filters: list[FilterUse] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    whens: list[int] = field(default_factory=list)  # index of each `when`
    aborts: list[tuple[int, str]] = field(default_factory=list)  # (tag index, reason)
    array_evidence: set[AttrKey] = field(default_factory=set)
    content_blocks: bool = False  # inlines a Content Block we cannot see


@dataclass
class _Facts:
    """What the walk knows about a variable so far."""

    tainted: bool = False
    array: AttrKey | None = None


def build_model(template: BrazeTemplate) -> FieldModel:
    walker = _Walker(template)
    walker.nodes(template.bound.nodes, sink=0)
    return walker.model


class _Walker:
    def __init__(self, template: BrazeTemplate) -> None:
        self.template = template
        self.text = template.rewritten.text
        self.context = RenderContext(template.bound)
        self.model = FieldModel()
        self.scopes: list[set[str]] = [set()]
        self.facts: dict[str, _Facts] = {}
        self.attributes = {a.start: a for a in template.attributes}
        self.base = 0  # offset of the text being walked within the rewritten field text
        self.sinks = 0

    # -- positions ------------------------------------------------------------------

    def orig(self, index: int) -> int:
        return self.template.rewritten.original_index(self.base + index)

    def sub(self, nodes: list[Node], hint: int) -> int:
        """Walk a Braze tag's markup sub-template; return where its text ends.

        Its token indices are relative to its own text, which is a slice of the field's
        rewritten text found at or after `hint` (callers pass the previous slice's end,
        so values are found in order). Its text and outputs are markup, not output.
        """
        if not nodes:
            return hint
        source = nodes[0].token.source
        saved = self.base
        found = self.text.find(source, hint) if source != self.text else 0
        self.base = max(found, 0)
        self.nodes(nodes, sink=None)
        self.base = saved
        return hint if found < 0 else found + len(source)

    # -- scope ----------------------------------------------------------------------

    def defined(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes)

    def define(self, name: str, index: int, kind: DefKind, *, expr: Expr | None = None,
               tainted: bool = False, array: AttrKey | None = None, local: bool = False) -> None:
        (self.scopes[-1] if local else self.scopes[0]).add(name)
        facts = self.facts.setdefault(name, _Facts())
        facts.tainted = facts.tainted or tainted  # a value tainted on any path stays so
        facts.array = array
        self.model.definitions.append(Definition(name, index, kind, expr))

    # -- nodes ----------------------------------------------------------------------

    def nodes(self, nodes: Iterable[Node], sink: int | None) -> None:
        for node in nodes:
            self.node(node, sink)

    def node(self, node: Node, sink: int | None) -> None:
        token = node.token
        if token.kind == TOKEN_TAG and not _is_block(node):
            self.model.tags.append((token.value, self.orig(token.start_index)))
        if isinstance(node, CommentNode):
            return
        if isinstance(node, ContentNode):
            # Whitespace control strips the token's text; raw text starts after `{% raw %}`.
            found = token.source.find(node.text, token.start_index) if node.text else -1
            start = found if found >= 0 else token.start_index
            self.model.events.append(Text(node.text, self.orig(start), sink))
        elif isinstance(node, OutputNode):
            self.output(node, sink)
        elif isinstance(node, AssignNode):
            expr = self.expr(node.expression)
            self.define(node.name, self.orig(node.name.token.start_index), "assign", expr=expr,
                        tainted=expr.tainted is not None, array=expr.array)
        elif isinstance(node, CaptureNode):
            self.capture(node, sink)
        elif isinstance(node, (ForNode, TablerowNode)):
            self.loop(node, sink)
        elif isinstance(node, ConnectedContentNode):
            self.connected_content(node)
        elif isinstance(node, CatalogNode):
            hint = token.start_index
            for nodes in node.args:
                hint = self.sub(nodes, hint)
            self.define("items", self.orig(token.start_index), "items")
        elif isinstance(node, ShoppingCartNode):
            self.sub(node.cart, token.start_index)
            self.define("shopping_cart", self.orig(token.start_index), "items")
        elif isinstance(node, MessageExtrasNode):
            self.sub(node.value, self.sub(node.key, token.start_index))
        elif isinstance(node, AbortMessageNode):
            self.model.aborts.append((self.orig(token.start_index), node.reason))
        elif isinstance(node, (IncrementNode, DecrementNode)):
            self.define(node.name, self.orig(node.name.token.start_index), "counter")
        else:
            self.generic(node, sink)

    def generic(self, node: Node, sink: int | None) -> None:
        if isinstance(node, MultiExpressionBlockNode):
            self.model.whens.append(self.orig(node.token.start_index))
        for expression in node.expressions():
            self.expr(expression)
        self.scopes.append({str(name) for name in node.block_scope()})
        self.nodes(node.children(self.context), sink)
        self.scopes.pop()

    def output(self, node: OutputNode, sink: int | None) -> None:
        expr = self.expr(node.expression)
        head = expr.head
        if head is not None and head.attribute is not None and (
            head.attribute.namespace == "content_blocks"
        ):
            self.model.content_blocks = True
        # `{% echo %}` is an OutputNode too: it writes to the output like `{{ }}`.
        self.model.events.append(Output(expr, self.orig(node.token.start_index), sink))

    def capture(self, node: CaptureNode, sink: int | None) -> None:
        self.sinks += 1
        own = self.sinks
        before = len(self.model.events)
        self.nodes(node.block.children(self.context), own if sink is not None else None)
        tainted = any(
            isinstance(e, Output) and e.expr.tainted is not None
            for e in self.model.events[before:]
        )
        self.define(node.name, self.orig(node.name.token.start_index), "capture",
                    tainted=tainted)

    def loop(self, node: ForNode | TablerowNode, sink: int | None) -> None:
        loop = node.expression
        iterable = self.expr(loop.iterable)
        for extra in (loop.limit, loop.offset, loop.cols):
            if extra is not None:
                self.expr(extra)
        if iterable.head is not None and not iterable.filters:
            base = self.array_base(iterable.head)
            if base is not None and not base[1]:
                self.model.array_evidence.add(base[0])
        self.scopes.append({"forloop" if isinstance(node, ForNode) else "tablerowloop"})
        self.define(loop.identifier, self.orig(loop.token.start_index), "loop",
                    tainted=iterable.tainted is not None, local=True)
        self.nodes(node.children(self.context), sink)
        self.scopes.pop()

    def connected_content(self, node: ConnectedContentNode) -> None:
        start = node.token.start_index
        hint = self.sub(node.markup.url, start)
        for nodes in node.markup.options.values():
            if nodes:
                hint = self.sub(nodes, hint)
        saved = (node.markup.raw.get("save") or "").strip() or "connected"
        index = self.orig(start)
        kind: DefKind = "save" if "save" in node.markup.raw else "connected"
        self.define(saved, index, kind, tainted=True)

    # -- expressions ----------------------------------------------------------------

    def expr(self, expression: Expression) -> Expr:
        if isinstance(expression, FilteredExpression):
            left, filters = expression.left, expression.filters or []
        else:
            left, filters = expression, []
        refs = tuple(self.refs(left))
        head = refs[0] if refs and isinstance(left, Path) else None
        uses: list[FilterUse] = []
        tainted = next((r for r in refs if self.tainted(r)), None)
        array = None
        if head is not None:
            base = self.array_base(head)
            if base is not None:
                key, rest = base
                if not rest:
                    array = key
                    if filters and filters[0].name in ARRAY_ONLY:
                        self.model.array_evidence.add(key)
                elif isinstance(rest[0], int):
                    self.model.array_evidence.add(key)
        for f in filters:
            args = tuple(r for arg in f.args for r in self.refs(arg.value))
            first = f.args[0].value if f.args else None
            use = FilterUse(f.name, self.orig(f.token.start_index), args,
                            first.value if isinstance(first, StringLiteral) else None)
            uses.append(use)
            self.model.filters.append(use)
            if f.name in SANITIZERS:
                tainted = None
            elif tainted is None:
                tainted = next((r for r in args if self.tainted(r)), None)
            if f.name not in ARRAY_KEEPING:
                array = None
        start = refs[0].index if refs else self.orig(expression.token.start_index)
        return Expr(start, head, refs, tuple(uses), tainted, array)

    def refs(self, expression: Expression) -> Iterator[Ref]:
        """Every variable read in `expression`, outermost first, recorded on the model."""
        if isinstance(expression, Path) and isinstance(expression.path[0], FilteredExpression):
            # a `{{ x | f }}` in tag markup: its reads and filters, as an output's
            sub = self.expr(expression.path[0])
            yield from sub.refs
            for use in sub.filters:
                yield from use.args
            for segment in expression.path[1:]:
                if isinstance(segment, Expression):
                    yield from self.refs(segment)
            return
        if isinstance(expression, Path):
            index = self.orig(expression.token.start_index)
            root = str(expression.path[0])
            attribute = self.attributes.get(index)
            segments = tuple(str(s) if isinstance(s, Path) else s for s in expression.path)
            ref = Ref(root, segments, index, attribute, attribute is None and self.defined(root))
            self.model.reads.append(ref)
            yield ref
        for child in expression.children():
            yield from self.refs(child)

    def tainted(self, ref: Ref) -> bool:
        if ref.attribute is not None:
            return ref.attribute.namespace != "content_blocks"
        facts = self.facts.get(ref.root)
        return facts is not None and facts.tainted and ref.defined

    def array_base(self, ref: Ref) -> tuple[AttrKey, tuple[object, ...]] | None:
        """The array attribute a read starts from (directly or via an alias), and the rest."""
        if ref.attribute is not None:
            key = ref.key
            assert key is not None
            return key, ref.rest
        facts = self.facts.get(ref.root)
        if facts is not None and facts.array is not None and ref.defined:
            return facts.array, ref.segments[1:]
        return None


def _is_block(node: Node) -> bool:
    """Block and branch nodes repeat their parent tag's token; they are not tags."""
    name = type(node).__name__
    return name in ("BlockNode", "ConditionalBlockNode", "MultiExpressionBlockNode",
                    "RubyWhenNode")
