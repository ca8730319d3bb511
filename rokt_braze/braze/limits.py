"""Resource limits: every render ends, in bounded time and memory, whatever the template.

Ruby Liquid (Braze's engine) has `resource_limits`; python-liquid has the same idea as
class-level limits on its `Environment` and hooks on its `RenderContext`. These limits
are per run (they come from the config), while templates are parsed once per process,
so they live on the render context, not on the environment: `LimitedContext` overrides
python-liquid's own limit hooks and raises python-liquid's own limit errors.

The limits themselves (`rokt_braze.limits.Limits`) are plain settings from the config:

* `loop_iterations` - every loop's iterations in one field added up, counted as each loop
  starts (Ruby Liquid's render score), and the iterations of nested loops multiplied
  (python-liquid's loop iteration limit). `{% for i in (1..100000000) %}` stops before
  its first iteration.
* `output_size` - characters one field, or one `capture`, may write.
* `variables_size` - bytes (as `sys.getsizeof` counts them) the variables a field
  assigns may hold; stops `{% assign s = s | append: s %}` in a loop.
* `render_seconds` - wall-clock time one message (all its fields) may take, checked at
  each loop iteration and each write.

Nesting depth is a parse-time limit (`MAX_NESTING`, Ruby Liquid's), fixed on the
environment because parsed templates are shared by every run of the process.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from functools import reduce
from io import StringIO
from itertools import islice
from operator import mul
from typing import TYPE_CHECKING, Any, TextIO

from liquid import RenderContext
from liquid.builtin.expressions import LoopExpression
from liquid.builtin.expressions.primitive import RangeLiteral
from liquid.builtin.tags.for_tag import ForNode
from liquid.builtin.tags.tablerow_tag import TablerowNode
from liquid.exceptions import (
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
    ResourceLimitError,
)

from rokt_braze.braze.blank import walk
from rokt_braze.braze.context import BrazeContext
from rokt_braze.limits import Limits

if TYPE_CHECKING:
    from liquid import BoundTemplate, Node
    from liquid.builtin.tags.for_tag import ForLoop
    from liquid.builtin.tags.tablerow_tag import TableRow

#: Blocks inside blocks (Ruby Liquid's limit); deeper is a syntax error.
MAX_NESTING = 100


class RenderTimeError(ResourceLimitError):
    """The message took longer to render than `Limits.render_seconds`."""


def _setting(name: str) -> str:
    return f"[tool.rokt-braze.limits] {name}"


class LimitedContext(BrazeContext):
    """A render context that keeps to `Limits` and a deadline (`time.monotonic()`)."""

    __slots__ = ("deadline", "iterations", "limits", "variables_size")
    limits: Limits
    deadline: float

    def __init__(
        self,
        template: BoundTemplate,
        *,
        limits: Limits | None = None,
        deadline: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(template, **kwargs)
        parent = self.parent_context
        inherited = parent if isinstance(parent, LimitedContext) else None
        self.limits = limits or (inherited.limits if inherited else Limits())
        self.deadline = deadline if deadline is not None else (
            inherited.deadline if inherited else time.monotonic() + self.limits.render_seconds)
        self.iterations = 0
        self.variables_size = 0

    def raise_for_loop_limit(self, length: int = 1) -> None:
        """python-liquid's check: the iterations of the loops now open, multiplied."""
        limit = self.limits.loop_iterations
        nested = reduce(mul, (loop.length for loop in self.loops), length)
        if nested > limit:
            raise LoopIterationLimitError(
                f"loop limit reached: nested loops would run {nested:,} times, more than "
                f"{limit:,} ({_setting('loop-iterations')})", token=None)

    def loop(self, namespace: Mapping[str, object], forloop: ForLoop | TableRow) -> Any:
        """Count the loop's iterations as it starts; check the clock at each one."""
        self.iterations += forloop.length
        if self.iterations > self.limits.loop_iterations:
            raise LoopIterationLimitError(
                f"loop limit reached: this field's loops run more than "
                f"{self.limits.loop_iterations:,} times in all ({_setting('loop-iterations')})",
                token=None)
        forloop.it = self._timed(forloop.it)
        return super().loop(namespace, forloop)

    def _timed(self, items: Iterator[object]) -> Iterator[object]:
        for item in items:
            if time.monotonic() > self.deadline:
                raise self.time_error()
            yield item

    def time_error(self) -> RenderTimeError:
        return RenderTimeError(
            f"render time limit reached: the message took more than "
            f"{self.limits.render_seconds:g} s to render ({_setting('render-seconds')})",
            token=None)

    def assign(self, key: str, val: Any) -> None:
        """python-liquid's local namespace limit, kept as a running total (O(1) per assign)."""
        old = self.locals.get(key, _ABSENT)
        self.locals[key] = val
        self.variables_size += sys.getsizeof(val, 1) - (
            0 if old is _ABSENT else sys.getsizeof(old, 1))
        if self.variables_size > self.limits.variables_size:
            raise LocalNamespaceLimitError(
                f"variable size limit reached: this field's variables hold more than "
                f"{self.limits.variables_size:,} bytes ({_setting('variables-size')})",
                token=None)

    def get_size_of_locals(self) -> int:
        return self.variables_size + self.local_namespace_size_carry

    def get_buffer(self, buf: TextIO | None = None) -> StringIO:
        """A `capture` buffer: limited like the field's output."""
        return self.output()

    def output(self) -> LimitedOutput:
        return LimitedOutput(self)


_ABSENT = object()


class LimitedOutput(StringIO):
    """A field's output (or a capture's): at most `output_size` characters, on time."""

    def __init__(self, context: LimitedContext) -> None:
        super().__init__()
        self.context = context

    def write(self, text: str) -> int:
        written = super().write(text)
        context = self.context
        if self.tell() > context.limits.output_size:
            raise OutputStreamLimitError(
                f"output limit reached: more than {context.limits.output_size:,} characters "
                f"({_setting('output-size')})", token=None)
        if time.monotonic() > context.deadline:
            raise context.time_error()
        return written


# -- parsed templates ---------------------------------------------------------------------


def limit_nodes(nodes: Iterable[Node]) -> None:
    """After parsing: loops report limits at their own tag and slice as Ruby Liquid does,
    and a range literal longer than the loop limit is an error wherever it is used."""
    for item in walk(nodes):
        kind = type(item)
        if kind is ForNode:
            item.__class__ = _ForNode
        elif kind is TablerowNode:
            item.__class__ = _TablerowNode
        elif kind is LoopExpression:
            item.__class__ = _LoopExpression
        elif kind is RangeLiteral:
            item.__class__ = _RangeLiteral


class _PositionedLimits:
    """A limit error raised inside a loop is positioned at the loop's tag."""

    __slots__ = ()
    token: Any

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        try:
            return super().render_to_output(context, buffer)  # type: ignore[misc, no-any-return]
        except ResourceLimitError as err:
            if err.token is None:
                err.token = self.token
            raise


class _ForNode(_PositionedLimits, ForNode):
    __slots__ = ()


class _TablerowNode(_PositionedLimits, TablerowNode):
    __slots__ = ()


class _LoopExpression(LoopExpression):
    """`limit:` and `offset:` as Ruby Liquid slices: a limit of 0 or less is no items
    (python-liquid loops over everything for `limit: 0` and fails on a negative one),
    and a `reversed` loop is checked against the limit before its items are listed."""

    __slots__ = ()

    def _slice(
        self,
        it: Iterator[object],
        length: int,
        context: RenderContext,
        *,
        limit: int | None,
        offset: int | str | None,
    ) -> tuple[Iterator[object], int]:
        key = f"{self.identifier}-{self.iterable}"
        first = context.stopindex(key) if offset == "continue" else int(offset or 0)
        start = min(max(first, 0), length)
        stop = length if limit is None else min(max(first + limit, start), length)
        context.stopindex(key=key, index=stop)
        if self.reversed:
            context.raise_for_loop_limit(stop - start)
            return reversed(list(islice(it, start, stop))), stop - start
        return islice(it, start, stop), stop - start


class _RangeLiteral(RangeLiteral):
    """`(1..n)` with more items than the loop limit allows: `join`, `map` or `reverse`
    would list them all, so the range itself is the error."""

    __slots__ = ()

    def evaluate(self, context: RenderContext) -> range:
        value = super().evaluate(context)
        if isinstance(context, LimitedContext):
            limit = context.limits.loop_iterations
            size = max(value.stop - value.start, 0)
            if size > limit:
                raise LoopIterationLimitError(
                    f"loop limit reached: range {self} has {size:,} items, more than "
                    f"{limit:,} ({_setting('loop-iterations')})", token=self.token)
        return value
