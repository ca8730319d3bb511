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
* `output_size` - characters one field, or one `capture`, may write, and the longest text
  one filter may make (`replace` and `escape` chains multiply; they are stopped before
  the text is built when its size can be known, right after otherwise).
* `variables_size` - bytes (as `sys.getsizeof` counts them) the variables a field
  assigns may hold; stops `{% assign s = s | append: s %}` in a loop.
* `render_seconds` - wall-clock time one message (all its fields) may take, checked at
  each loop iteration and the end of each loop (without loops a render is bounded by the
  size of its template and the other limits).

The checks sit where the cost already is (a loop's iterator, an output statement, a
filter call), not on every write of the output, so a render pays little for them.

Nesting depth is a parse-time limit (`MAX_NESTING`, Ruby Liquid's), fixed on the
environment because parsed templates are shared by every run of the process.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from functools import reduce
from itertools import islice
from operator import mul
from typing import TYPE_CHECKING, Any, TextIO

from liquid import RenderContext
from liquid.builtin.expressions import LoopExpression
from liquid.builtin.expressions.filtered import (
    Filter,
    FilteredExpression,
    TernaryFilteredExpression,
)
from liquid.builtin.expressions.primitive import RangeLiteral
from liquid.builtin.tags.for_tag import ForNode
from liquid.builtin.tags.tablerow_tag import TablerowNode
from liquid.exceptions import (
    FilterArgumentError,
    LiquidTypeError,
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
    ResourceLimitError,
)

from rokt_braze.braze.blank import walk
from rokt_braze.braze.context import BrazeContext
from rokt_braze.braze.filters.strings import replaced_size as ruby_replaced_size
from rokt_braze.braze.ranges import RubyRangeLiteral
from rokt_braze.braze.tags.tablerow_tag import RubyTablerowNode
from rokt_braze.braze.values import to_s
from rokt_braze.limits import Limits

if TYPE_CHECKING:
    from liquid import BoundTemplate, Node
    from liquid.builtin.tags.for_tag import ForLoop
    from liquid.builtin.tags.tablerow_tag import TableRow
    from liquid.token import Token

#: Blocks inside blocks (Ruby Liquid's limit); deeper is a syntax error.
MAX_NESTING = 100


class RenderTimeError(ResourceLimitError):
    """The message took longer to render than `Limits.render_seconds`."""


def _setting(name: str) -> str:
    return f"[tool.rokt-braze.limits] {name}"


class LimitedContext(BrazeContext):
    """A render context that keeps to `Limits` and a deadline (`time.monotonic()`)."""

    __slots__ = ("buffer", "deadline", "iterations", "limits", "output_size", "variables_limit",
                 "variables_size")
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
        if limits is None or deadline is None:  # a copy made by a tag: its parent's
            parent = self.parent_context
            inherited = parent if isinstance(parent, LimitedContext) else None
            limits = limits or (inherited.limits if inherited else Limits())
            if deadline is None:
                deadline = inherited.deadline if inherited else (
                    time.monotonic() + limits.render_seconds)
        self.limits = limits
        self.deadline = deadline
        self.iterations = 0
        self.variables_size = 0
        self.output_size = self.limits.output_size  # read after every output statement
        self.variables_limit = self.limits.variables_size  # read at every assign
        #: what the innermost running loop writes to (its size is checked each iteration)
        self.buffer: TextIO | None = None

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
        self.raise_for_loop_limit(forloop.length)  # the nested count says more: first
        self.iterations += forloop.length
        if self.iterations > self.limits.loop_iterations:
            raise LoopIterationLimitError(
                f"loop limit reached: this field's loops run more than "
                f"{self.limits.loop_iterations:,} times in all ({_setting('loop-iterations')})",
                token=None)
        forloop.it = self._timed(forloop.it)
        return super().loop(namespace, forloop)

    def _timed(self, items: Iterator[object]) -> Iterator[object]:
        buffer, limit = self.buffer, self.limits.output_size
        for item in items:
            if time.monotonic() > self.deadline:
                raise self.time_error()
            if buffer is not None and buffer.tell() > limit:
                raise self.output_error()
            yield item

    def time_error(self) -> RenderTimeError:
        return RenderTimeError(
            f"render time limit reached: the message took more than "
            f"{self.limits.render_seconds:g} s to render ({_setting('render-seconds')})",
            token=None)

    def assign(self, key: str, val: Any) -> None:
        """python-liquid's local namespace limit, kept as a running total (O(1) per assign:
        one dict lookup and one or two `sys.getsizeof` calls, on every `assign`/`capture`)."""
        names = self.locals
        old = names.get(key, _ABSENT)
        names[key] = val
        grown = _getsizeof(val, 1)
        if old is not _ABSENT:
            grown -= _getsizeof(old, 1)
        self.variables_size += grown
        if self.variables_size > self.variables_limit:
            raise LocalNamespaceLimitError(
                f"variable size limit reached: this field's variables hold more than "
                f"{self.limits.variables_size:,} bytes ({_setting('variables-size')})",
                token=None)

    def get_size_of_locals(self) -> int:
        return self.variables_size + self.local_namespace_size_carry

    def wrote(self, buffer: TextIO, token: Token | None = None) -> None:
        """After an output statement (`token`): the text written so far. (The clock is
        checked where time goes: each loop iteration, and the end of each loop.)"""
        if buffer.tell() > self.output_size:
            err = self.output_error()
            err.token = token
            raise err

    def finished_loop(self, buffer: TextIO) -> None:
        """After a loop: its last iteration's output, and the clock."""
        if buffer.tell() > self.output_size:
            raise self.output_error()
        if time.monotonic() > self.deadline:
            raise self.time_error()

    def output_error(self, what: str = "") -> OutputStreamLimitError:
        return OutputStreamLimitError(
            f"output limit reached: {what or 'the output'} would be more than "
            f"{self.limits.output_size:,} characters ({_setting('output-size')})", token=None)


_ABSENT = object()
_getsizeof = sys.getsizeof


# -- parsed templates ---------------------------------------------------------------------


def limit_nodes(nodes: Iterable[Node]) -> None:
    """After parsing: loops report limits at their own tag and slice as Ruby Liquid does,
    and a range literal longer than the loop limit is an error wherever it is used."""
    for item in walk(nodes):
        kind = type(item)
        if kind is ForNode:
            item.__class__ = _ForNode
        elif kind is TablerowNode or kind is RubyTablerowNode:
            item.__class__ = _TablerowNode
        elif kind is LoopExpression:
            item.__class__ = _LoopExpression
        elif kind is RangeLiteral or kind is RubyRangeLiteral:
            item.__class__ = _RangeLiteral
        if kind is FilteredExpression or kind is TernaryFilteredExpression:
            tail = getattr(item, "tail_filters", None) or ()
            for filter_ in (*(item.filters or ()), *tail):
                if type(filter_) is Filter:
                    filter_.__class__ = LimitedFilter


class _PositionedLimits:
    """A limit error raised inside a loop is positioned at the loop's tag; the loop tells
    the context where its iterations write (checked at each one)."""

    __slots__ = ()
    token: Any

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        outer = getattr(context, "buffer", None)
        if outer is not None or isinstance(context, LimitedContext):
            context.buffer = buffer  # type: ignore[attr-defined]
        try:
            written: int = super().render_to_output(context, buffer)  # type: ignore[misc]
            if isinstance(context, LimitedContext):
                context.finished_loop(buffer)
            return written
        except ResourceLimitError as err:
            if err.token is None:
                err.token = self.token
            raise
        finally:
            if isinstance(context, LimitedContext):
                context.buffer = outer


class _ForNode(_PositionedLimits, ForNode):
    __slots__ = ()


class _TablerowNode(_PositionedLimits, RubyTablerowNode):
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


class _RangeLiteral(RubyRangeLiteral):
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


class LimitedFilter(Filter):
    """A filter call that cannot make a text longer than `output_size`.

    python-liquid's `Filter.evaluate`, plus: a `replace` whose result would be too long is
    refused before it is built (a few chained replaces multiply a text's length), and any
    other text result too long is refused as soon as it is made, before the next filter
    multiplies it again.
    """

    __slots__ = ()

    def evaluate(self, left: object, context: RenderContext) -> object:
        func = context.filter(self.name, token=self.token)
        if self.args:
            positional_args, keyword_args = self.evaluate_args(context)
        else:
            positional_args, keyword_args = [], {}
        limit = context.output_size if isinstance(context, LimitedContext) else 0
        if limit and self.name in MULTIPLYING and replaced_size(left, positional_args) > limit:
            raise self._too_long(context)
        try:
            value = func(left, *positional_args, **keyword_args)
        except TypeError as err:
            raise LiquidTypeError(f"{self.name}: {err}", token=self.token) from err
        except (LiquidTypeError, FilterArgumentError) as err:
            err.token = self.token
            raise
        if limit and isinstance(value, str) and len(value) > limit:
            raise self._too_long(context)
        return value

    def _too_long(self, context: RenderContext) -> OutputStreamLimitError:
        assert isinstance(context, LimitedContext)
        err = context.output_error(f"the text {self.name} makes")
        err.token = self.token
        return err


#: Filters whose result may be the input's length times an argument's.
MULTIPLYING = frozenset({"replace"})


def replaced_size(left: object, args: list[object]) -> int:
    """The length `replace` would give (0 when the arguments are not texts)."""
    if not (isinstance(left, str) and len(args) >= 2):
        return 0
    old, new = (to_s(a) for a in args[:2])
    return ruby_replaced_size(left, old, new)
