"""The per-user part of a field compiled to Python closures, the interpreter behind it.

After `plan` has replaced a field's static statements by replays, what renders per user
is usually a few output statements and assigns: `{{ ${user_id} }}`, `{% assign code =
custom_attribute.${rokt:account_code}[0] | split: '/' | first %}`. Rendering those through
python-liquid costs a render context, a scope chain, a lookup walk and a filter dispatch per
statement. `compile_template` turns a field made only of straight-line statements - text,
replays, outputs, `assign`, `capture` (of those), comments - whose expressions are a path
or a literal followed by filters with path or literal arguments, into a list of closures
that read the user's namespaces directly and call the very filter functions the
interpreter calls.

The compiled render handles only the plain case and gives up on anything else: a name or
key the user lacks (the interpreter reports it as a missing attribute), a hash where a
value is expected, a filter that raises, a text over the output limit, variables over
the size limit. Giving up is `Fallback`; the field then renders through the interpreter
from the start (a compiled render has no effect outside itself: no calls, no message
state), and `Counts` records why. The tests render templates x profiles both ways and
require the same bytes, missing attributes and errors.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from functools import partial
from typing import Any, TextIO

from liquid import RenderContext, Undefined
from liquid.ast import Node
from liquid.builtin.content import ContentNode
from liquid.builtin.expressions import FilteredExpression, Path
from liquid.builtin.expressions.arguments import KeywordArgument, PositionalArgument
from liquid.builtin.expressions.primitive import (
    FalseLiteral,
    FloatLiteral,
    IntegerLiteral,
    Nil,
    StringLiteral,
    TrueLiteral,
)
from liquid.builtin.tags.assign_tag import AssignNode
from liquid.builtin.tags.capture_tag import CaptureNode
from liquid.builtin.tags.comment_tag import CommentNode

from rokt_braze.braze import BrazeTemplate, MessageState, Rendered, Resources
from rokt_braze.braze.limits import MULTIPLYING, LimitedFilter, replaced_size
from rokt_braze.braze.state import STATE_KEY
from rokt_braze.braze.tags.output import BlockOutputNode, RubyCaptureNode, RubyContentNode
from rokt_braze.braze.template import NAMESPACES
from rokt_braze.braze.tokens import BracketKey
from rokt_braze.braze.values import RubyArray, to_output
from rokt_braze.limits import Limits

__all__ = ["CompiledTemplate", "Counts", "Fallback", "StaticRun", "compile_template"]

#: Names the render context answers before the locals (`render_with_context` pushes them).
_RESERVED = frozenset({"partial", "template", STATE_KEY})
#: Keys python-liquid treats as commands on a sequence or hash (`a.size`), not as keys.
_COMMANDS = frozenset({"size", "first", "last"})
_LITERALS = (StringLiteral, IntegerLiteral, FloatLiteral, TrueLiteral, FalseLiteral, Nil)
_ABSENT = object()
#: Types that are never a Mapping (checked by identity before the slower isinstance).
_PLAIN = frozenset({str, int, float, bool, type(None), list, RubyArray})
_getsizeof = sys.getsizeof

#: Field renders a compiled template did, and why others fell back to the interpreter.
Counts = Counter  # Counter[str]: "compiled", "fallback: <reason>", "interpreted"


class Fallback(Exception):
    """The compiled render met a case it does not handle; the interpreter renders."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StaticRun(Node):
    """A run of statements that does the same for every user (see `plan`): its text, the
    variables it sets, the connected_content calls it makes."""

    __slots__ = ("calls", "text", "writes")
    text: str
    writes: dict[str, object]
    calls: list[Any]

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        raise NotImplementedError  # pragma: no cover - subclasses render


class _Render:
    """One compiled render: the user's namespaces, the field's variables, the output."""

    __slots__ = ("misses", "names", "namespaces", "out", "sizes", "variables")

    def __init__(
        self, namespaces: Mapping[str, object], misses: set[tuple[str | None, str]]
    ) -> None:
        self.namespaces = namespaces
        self.misses = misses
        self.names: dict[str, object] = {}
        self.sizes: dict[str, int] = {}  # what `sys.getsizeof` gave each variable
        self.variables = 0  # their total, as `LimitedContext.variables_size` keeps it
        self.out: list[str] = []


Step = Callable[[_Render], None]
Value = Callable[[_Render], object]


class _NotCompiled(Exception):
    """A statement or expression outside the compiled subset (the field stays interpreted)."""


@dataclass
class _Limits:
    output: int
    variables: int
    count_replays: bool  # the interpreter's replay accounts its writes only with a limit


@dataclass
class CompiledTemplate(BrazeTemplate):
    """A field whose statements run as closures; the interpreter when they give up."""

    steps: tuple[Step, ...] = ()
    limits: _Limits | None = None
    counts: Counter[str] | None = None

    def render(
        self, namespaces: Mapping[str, object], state: MessageState | None = None
    ) -> Rendered:
        assert self.counts is not None
        misses: set[tuple[str | None, str]] = set()
        try:
            text = self.run(namespaces, misses)
        except Fallback as fallback:
            self.counts["fallback: " + fallback.reason] += 1
            return super().render(namespaces, state)
        self.counts["compiled"] += 1
        if state is None:
            state = MessageState(Resources())
        return Rendered(text, self.missing(misses, state) if misses else [], self, namespaces,
                        state)

    def run(
        self, namespaces: Mapping[str, object], misses: set[tuple[str | None, str]] | None = None
    ) -> str:
        """The field's text for one user by the compiled steps alone; raises `Fallback`.
        `misses` gains the names looked up and not found, as the interpreter records them."""
        assert self.limits is not None
        run = _Render(namespaces, set() if misses is None else misses)
        for step in self.steps:
            step(run)
        text = "".join(run.out)
        if len(text) > self.limits.output:
            raise Fallback("output limit")
        return text


def compile_template(
    template: BrazeTemplate, counts: Counter[str], limits: Limits | None = None
) -> BrazeTemplate:
    """`template` compiled, or `template` itself when a statement is outside the subset.

    `limits`: the run's (`Resources.limits`); `counts` gains one entry per render.
    """
    limits = limits or Limits()
    kept = _Limits(output=limits.output_size, variables=limits.variables_size,
                   count_replays=bool(template.bound.env.local_namespace_limit))
    try:
        steps = _Compiler(template, kept).block(template.bound.nodes, set())
    except _NotCompiled:
        return template
    init = {f.name: getattr(template, f.name) for f in fields(BrazeTemplate) if f.init}
    return CompiledTemplate(**init, steps=tuple(steps), limits=kept, counts=counts)


class _Compiler:
    def __init__(self, template: BrazeTemplate, limits: _Limits) -> None:
        self.env = template.bound.env
        self.limits = limits

    def block(self, nodes: Iterable[Node], local: set[str]) -> list[Step]:
        """Steps for straight-line `nodes`; `local` gains each name they assign."""
        steps: list[Step] = []
        for node in nodes:
            step = self.statement(node, local)
            if step is None:
                continue
            if isinstance(step, str):  # text: joined with the text before it
                if steps and isinstance(getattr(steps[-1], "text", None), str):
                    steps[-1] = _text(steps[-1].text + step)  # type: ignore[attr-defined]
                else:
                    steps.append(_text(step))
                continue
            steps.append(step)
        return steps

    def statement(self, node: Node, local: set[str]) -> Step | str | None:
        kind = type(node)
        if kind is RubyContentNode or kind is ContentNode:
            return node.text  # type: ignore[attr-defined,no-any-return]
        if kind is CommentNode:
            return None
        if isinstance(node, StaticRun):
            if node.calls:
                raise _NotCompiled("a replay that makes calls")
            local.update(node.writes)
            if not node.writes:
                return node.text
            return self.replay(node.text, node.writes)
        if kind is BlockOutputNode:
            if node.block is not None:  # type: ignore[attr-defined]
                raise _NotCompiled("a content block")
            return _output(self.expression(node.expression, local))  # type: ignore[attr-defined]
        if kind is AssignNode:
            value = self.expression(node.expression, local)  # type: ignore[attr-defined]
            name = str(node.name)  # type: ignore[attr-defined]
            local.add(name)
            return self.assign(name, value)
        if kind is RubyCaptureNode or kind is CaptureNode:
            if self.env.autoescape:
                raise _NotCompiled("autoescape")
            inner = self.block(node.block.nodes, local)  # type: ignore[attr-defined]
            name = str(node.name)  # type: ignore[attr-defined]
            local.add(name)
            return self.capture(name, inner)
        raise _NotCompiled(kind.__name__)

    # -- statements -------------------------------------------------------------------------

    def replay(self, text: str, writes: dict[str, object]) -> Step:
        items = [(name, value, _getsizeof(value, 1)) for name, value in writes.items()]
        limits = self.limits

        def step(run: _Render) -> None:
            if limits.count_replays:
                for name, value, size in items:
                    _account(run, name, size, limits)
                    run.names[name] = value
            else:
                run.names.update(writes)
            run.out.append(text)

        return step

    def assign(self, name: str, value: Value) -> Step:
        limits = self.limits

        def step(run: _Render) -> None:
            result = value(run)
            _account(run, name, _getsizeof(result, 1), limits)
            run.names[name] = result

        return step

    def capture(self, name: str, inner: list[Step]) -> Step:
        limits = self.limits

        def step(run: _Render) -> None:
            outer = run.out
            run.out = []
            try:
                for sub in inner:
                    sub(run)
                text = "".join(run.out)
            finally:
                run.out = outer
            if len(text) > limits.output:
                raise Fallback("output limit")
            _account(run, name, _getsizeof(text, 1), limits)
            run.names[name] = text

        return step

    # -- expressions ------------------------------------------------------------------------

    def expression(self, expr: object, local: set[str]) -> Value:
        if type(expr) is not FilteredExpression:
            raise _NotCompiled(type(expr).__name__)
        value = self.primary(expr.left, local)
        chain: list[tuple[str, Callable[..., object], tuple[object, ...]]] = []
        for filter_ in expr.filters or ():
            name, func, args, keywords = self.filter(filter_, local)
            if name not in MULTIPLYING and not keywords and all(
                    hasattr(a, "constant") for a in args):
                chain.append((name, func, tuple(a.constant for a in args)))  # type: ignore[attr-defined]
                continue
            if chain:
                value = _call_constant(value, chain, self.limits)
                chain = []
            value = _call(name, func, value, args, keywords, self.limits)
        return _call_constant(value, chain, self.limits) if chain else value

    def primary(self, expr: object, local: set[str]) -> Value:
        if type(expr) in _LITERALS:
            if self.env.autoescape:  # a string literal would be `Markup`
                raise _NotCompiled("autoescape")
            return _constant(None if type(expr) is Nil else expr.value)  # type: ignore[attr-defined]
        if type(expr) is not Path:
            raise _NotCompiled(type(expr).__name__)
        return _path(expr, local, self.env.undefined is Undefined)

    def filter(
        self, filter_: object, local: set[str]
    ) -> tuple[str, Callable[..., object], list[Value], list[tuple[str, Value]]]:
        """The filter's name, function and argument values (`_NotCompiled` if it has none)."""
        if type(filter_) is not LimitedFilter:
            raise _NotCompiled("an unlimited or unknown filter")
        name = filter_.name
        func = self.env.filters.get(name)
        if func is None or getattr(func, "with_context", False):
            raise _NotCompiled(f"filter {name}")
        if getattr(func, "with_environment", False):
            func = partial(func, environment=self.env)
        args: list[Value] = []
        keywords: list[tuple[str, Value]] = []
        for arg in filter_.args:
            if type(arg) is KeywordArgument:
                keywords.append((arg.name, self.primary(arg.value, local)))
            elif type(arg) is PositionalArgument:
                args.append(self.primary(arg.value, local))
            else:
                raise _NotCompiled(type(arg).__name__)
        return name, func, args, keywords


def _constant(constant: object) -> Value:
    def value(run: _Render) -> object:
        return constant

    value.constant = constant  # type: ignore[attr-defined]
    return value


def _text(text: str) -> Step:
    def step(run: _Render) -> None:
        run.out.append(text)

    step.text = text  # type: ignore[attr-defined]
    return step


def _output(value: Value) -> Step:
    def step(run: _Render) -> None:
        result = value(run)
        run.out.append(result if type(result) is str else to_output(result))

    return step


def _account(run: _Render, name: str, size: int, limits: _Limits) -> None:
    """`LimitedContext.assign`'s running total; over the limit, the interpreter reports."""
    run.variables += size - run.sizes.get(name, 0)
    run.sizes[name] = size
    if run.variables > limits.variables:
        raise Fallback("variables limit")


def _path(expr: Path, local: set[str], lax: bool) -> Value:
    """A variable as `RenderContext.get` finds it. A name or key that is not there is the
    environment's `Undefined` (`lax`: the plain one, which renders blank and whose hint
    nothing reads), noted as a miss where the interpreter's recording scope notes it:
    a missing root name, or a missing key of a namespace or other root-level hash."""
    root, *rest = expr.path
    token = expr.token
    if not isinstance(root, str) or root in _RESERVED:
        raise _NotCompiled("a path that does not start with a name")
    keys: list[int | str] = []
    for key in rest:
        kind = type(key)
        if kind is int or kind is BracketKey or (kind is str and key not in _COMMANDS):
            keys.append(key)  # type: ignore[arg-type]
        else:  # a nested path, a command (`size`, `first`, `last`)
            raise _NotCompiled("a computed or command key")
    from_locals = root in local
    # an absent namespace reads as an empty hash in the interpreter: its keys go missing
    namespace = root in NAMESPACES

    def undefined(hint: str) -> object:
        if not lax:
            raise Fallback("missing attribute")
        return Undefined(root, hint=hint, token=token)

    def value(run: _Render) -> object:
        recording = False  # a hash the interpreter wraps to note missing keys
        if from_locals:
            obj = run.names[root]
        else:
            try:
                obj = run.namespaces[root]
            except KeyError:
                if namespace:
                    raise Fallback("an absent namespace") from None
                run.misses.add((None, root))
                return undefined(f"{root!r} is undefined")
            recording = isinstance(obj, dict) or (type(obj) not in _PLAIN
                                                  and isinstance(obj, Mapping))
        for key in keys:
            if type(key) is int:
                if type(obj) is not list and not isinstance(obj, list):
                    raise Fallback("an index into a non-array")
                try:
                    obj = obj[key]
                except IndexError:
                    return undefined("index out of range")
            else:
                if not isinstance(obj, dict):
                    raise Fallback("a key of a non-hash")
                try:
                    obj = obj[key]
                except KeyError:
                    if recording:
                        run.misses.add((root, key))  # type: ignore[arg-type]
                    return undefined(f"{key!r} is undefined")
            recording = False
        if type(obj) not in _PLAIN and isinstance(obj, Mapping):
            raise Fallback("a hash value")  # the interpreter hands out a recording view
        return obj

    return value


def _call(
    name: str, func: Callable[..., object], left: Value, args: list[Value],
    keywords: list[tuple[str, Value]], limits: _Limits,
) -> Value:
    """`LimitedFilter.evaluate` for the plain case: every refusal is a fallback."""
    multiplying = name in MULTIPLYING

    def value(run: _Render) -> object:
        subject = left(run)
        positional = [arg(run) for arg in args]
        named = {key: arg(run) for key, arg in keywords}
        if multiplying and replaced_size(subject, positional) > limits.output:
            raise Fallback("output limit")
        try:
            result = func(subject, *positional, **named)
        except Exception:  # the interpreter raises it, positioned and worded
            raise Fallback(f"filter {name} raised") from None
        if isinstance(result, str) and len(result) > limits.output:
            raise Fallback("output limit")
        return result

    return value


def _call_constant(
    left: Value, chain: list[tuple[str, Callable[..., object], tuple[object, ...]]],
    limits: _Limits,
) -> Value:
    """`_call` for the usual case, a run of filters in one closure: literal positional
    arguments, not `replace`."""
    output = limits.output

    def value(run: _Render) -> object:
        result = left(run)
        for name, func, args in chain:
            try:
                result = func(result, *args)
            except Exception:  # the interpreter raises it, positioned and worded
                raise Fallback(f"filter {name} raised") from None
            if isinstance(result, str) and len(result) > output:
                raise Fallback("output limit")
        return result

    return value
