"""Parse Braze Liquid once, render it many times, report positions in the user's text.

`parse_template` rewrites the source (see `rewrite`), parses it with the Braze
environment and caches the result per process. `BrazeTemplate.render` renders against
one user's Liquid namespaces and a `MessageState`, and returns the text together with
which `${...}` attributes the user lacked and, on demand, where each part of the text
came from.

Recording origins costs a Python call per statement written, which alone would make the
Braze layer dearer than the Liquid it wraps; most renders never need them (only a
finding does). So a render writes plain text, and the first question about origins
renders the field again with the traced environment into an `OriginBuffer`
(`BrazeTemplate.trace`), its connected_content calls answered as the first render's were.
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from io import StringIO
from typing import Any

from liquid import BoundTemplate
from liquid.builtin.expressions.filtered import Filter
from liquid.exceptions import LiquidError, UnknownFilterError

from rokt_braze.braze.blank import rubify_expressions
from rokt_braze.braze.blocks import block_error
from rokt_braze.braze.environment import BrazeEnvironment
from rokt_braze.braze.filters.arguments import argument_error
from rokt_braze.braze.limits import LimitedContext, limit_nodes
from rokt_braze.braze.origins import Mark, OriginBuffer, source_index_at
from rokt_braze.braze.rewrite import Attribute, Rewritten, rewrite
from rokt_braze.braze.state import STATE_KEY, MessageState, Resources
from rokt_braze.braze.subexpressions import bind_subexpressions
from rokt_braze.braze.values import RubyHash
from rokt_braze.errors import MessageAborted, TemplateError

#: Namespaces a `ns.${name}` atom may use; absent from a profile means "empty".
NAMESPACES = frozenset({
    "custom_attribute", "event_properties", "canvas_entry_properties", "context",
    "api_trigger_properties", "campaign", "canvas", "subscribed_state",
    "most_recently_used_device", "targeted_device", "app", "card", "sms", "whats_app",
})
#: python-liquid's messages for a block left open or closed by the wrong tag.
_BLOCK_MESSAGE = re.compile(
    r"expected tag end\w+|unexpected tag '(?:end\w*|raw|end of expression)'|never closed"
)
_UNKNOWN_TAG = re.compile(r"unexpected tag '(\w+)'|unknown tag '(\w+)'")


@dataclass
class Rendered:
    """One field's output, the attributes the user lacked, and (traced on demand) where
    each part of the output came from."""

    text: str
    missing: list[Attribute]
    template: BrazeTemplate
    namespaces: Mapping[str, object] = field(default_factory=dict, repr=False)
    state: MessageState | None = field(default=None, repr=False)
    _marks: list[Mark] | None = field(default=None, repr=False)

    @property
    def marks(self) -> list[Mark]:
        """Origin marks (see `origins`); the first read re-renders the field, traced."""
        if self._marks is None:
            self._marks = self.template.trace(self.namespaces, self.state)
        return self._marks

    def source_index(self, offset: int) -> int:
        """Index into the original source that produced output `offset` (-1: unknown)."""
        index = source_index_at(self.marks, offset)
        return -1 if index < 0 else self.template.rewritten.original_index(index)


@dataclass
class BrazeTemplate:
    source: str
    name: str
    rewritten: Rewritten
    bound: BoundTemplate
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _traced: BoundTemplate | None = field(default=None, repr=False)
    #: an unknown filter passes its input through (Ruby Liquid's lax mode), see `parse_template`
    lenient: bool = False

    @property
    def attributes(self) -> list[Attribute]:
        return self.rewritten.attributes

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of an index into the original source; (0, 0) if none."""
        if index < 0:
            return (0, 0)
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        line = bisect.bisect_right(self._line_starts, index)
        return line, index - self._line_starts[line - 1] + 1

    def render(
        self, namespaces: Mapping[str, object], state: MessageState | None = None
    ) -> Rendered:
        """Render for one user. Raises TemplateError or MessageAborted (with positions)."""
        state = state or MessageState(Resources())
        misses: set[tuple[str | None, str]] = set()
        context = _context(self.bound, _Globals(namespaces, state, misses), state)
        buffer = StringIO()
        calls_before = len(state.calls)
        try:
            self.bound.render_with_context(context, buffer)
            if self.bound.nodes:  # literal text too counts towards the output limit
                context.wrote(buffer, self.bound.nodes[-1].token)
        except LiquidError as err:
            self._map_calls(state, calls_before)
            raise self.error(err, default_rule="render-error") from None
        except (RecursionError, ValueError, ArithmeticError) as err:
            # a filter's own Python error on odd input (bytes that are not UTF-8, a decimal
            # that is not a number), or data nested deeper than Python's stack
            self._map_calls(state, calls_before)
            raise self.python_error(err) from None
        except MessageAborted as abort:
            self._map_calls(state, calls_before)
            if abort.index >= 0 and not abort.line:
                abort.index = self.rewritten.original_index(abort.index)
                abort.line, abort.column = self.position(abort.index)
            raise
        self._map_calls(state, calls_before)
        return Rendered(buffer.getvalue(), self.missing(misses, state), self, namespaces, state)

    def missing(
        self, misses: set[tuple[str | None, str]], state: MessageState
    ) -> list[Attribute]:
        """The `${...}` attributes among the names a render looked up and did not find
        ((namespace or None, key) pairs); the message state keeps them too."""
        if not misses:
            return []
        missing = [
            a for a in self.attributes
            if (a.namespace, a.name) in misses and not _defaulted(self.source, a)
        ]
        state.misses |= {(a.namespace, a.name) for a in missing}
        return missing

    def trace(
        self, namespaces: Mapping[str, object], state: MessageState | None = None
    ) -> list[Mark]:
        """Render again into an `OriginBuffer` for the origin marks ([] if that fails).

        Calls are answered as `state`'s render was answered, nothing is sent, and the
        shared state is untouched. A `'now'` that ticked in between may shift marks.
        """
        if self._traced is None:
            self._traced = _bind(self.rewritten, self.name, traced=True, lenient=self.lenient)
        replay = state.replay() if state else MessageState(Resources())
        context = _context(self._traced, _Globals(namespaces, replay, set()), replay)
        buffer = OriginBuffer()
        try:
            self._traced.render_with_context(context, buffer)
        except (LiquidError, MessageAborted, RecursionError, ValueError, ArithmeticError):
            return []
        return buffer.marks

    def _map_calls(self, state: MessageState, start: int) -> None:
        """Calls this render made now point into the original source."""
        for call in state.calls[start:]:
            call.index = self.rewritten.original_index(call.index)

    def python_error(self, err: BaseException) -> TemplateError:
        """A Python exception from inside rendering as a render error, positioned at the
        innermost statement or filter it passed through, in Liquid's words."""
        index, name = -1, ""
        frame = err.__traceback__
        while frame is not None:
            obj = frame.tb_frame.f_locals.get("self")
            token = getattr(obj, "token", None)
            if getattr(token, "source", None) == self.rewritten.text:
                index = self.rewritten.original_index(token.start_index)  # type: ignore[union-attr]
                name = getattr(obj, "name", "") if isinstance(obj, Filter) else ""
            frame = frame.tb_next
        if isinstance(err, RecursionError):
            reason = "too deeply nested to render"
        elif isinstance(err, UnicodeError):
            reason = "the result is not UTF-8 text"
        elif isinstance(err, ArithmeticError):
            reason = f"not a computable number ({type(err).__name__})"
        else:
            reason = f"invalid value ({err})"
        line, column = self.position(index)
        return TemplateError(f"{name}: {reason}" if name else reason, line=line, column=column,
                             index=index, rule="render-error", source_name=self.name)

    def error(self, err: LiquidError, *, default_rule: str) -> TemplateError:
        """A python-liquid error as a TemplateError positioned in the original source."""
        index = -1
        if err.token is not None and err.token.source == self.rewritten.text:
            index = self.rewritten.original_index(err.token.start_index)
        elif self.bound is None:  # a block left open has no token: find the opening tag
            unclosed = braze_environment().analyze_tags_from_string(self.rewritten.text)
            spans = [span for spans in unclosed.unclosed_tags.values() for span in spans]
            if spans:
                index = self.rewritten.original_index(min(s.index for s in spans))
        message = str(err.message or err.__class__.__name__)
        message = argument_error(message, braze_environment().filters) or message
        if self.bound is None and _BLOCK_MESSAGE.search(message):
            found = block_error(braze_environment(), self.rewritten.text)
            if found is not None:
                message, index = found[0], self.rewritten.original_index(found[1])
        line, column = self.position(index)
        rule = getattr(err, "rule", default_rule)
        if isinstance(err, UnknownFilterError):
            rule = "unknown-filter"
        elif _UNKNOWN_TAG.search(message):
            rule = "unknown-tag"
        return TemplateError(
            message, line=line, column=column, index=index, rule=rule, source_name=self.name
        )


def _context(bound: BoundTemplate, globals_: _Globals, state: MessageState) -> LimitedContext:
    return LimitedContext(bound, globals=globals_, limits=state.resources.limits,
                          deadline=state.deadline)


class _Recording(RubyHash):
    """One namespace as a template sees it: a hash that notes every key it lacks.

    It is a `dict` (a `RubyHash`), so python-liquid's tags and filters and Braze's treat it
    exactly as the hash of the same data (printing, `empty`/`blank`, `for`, `first`,
    `map`, `contains`, ...); the recording is the only difference. The dict itself holds
    just the keys (for `len`, `in` and iteration); values are read from the namespace,
    through every method that returns them, so a lazily converted namespace stays lazy.
    """

    __slots__ = ("_data", "_misses", "_namespace")

    def __init__(
        self, data: Mapping[str, Any], namespace: str | None, misses: set[tuple[str | None, str]]
    ) -> None:
        super().__init__(dict.fromkeys(data))
        self._data = data
        self._namespace = namespace
        self._misses = misses

    def __getitem__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            self._misses.add((self._namespace, key))
            raise

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __iter__(self) -> Iterator[str]:
        # Overridden so that `dict(self)` and `{**self}` read values through `[]`.
        return dict.__iter__(self)

    def copy(self) -> RubyHash:
        return RubyHash(self._data.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Recording):
            other = other._data
        return isinstance(other, Mapping) and dict(self._data.items()) == dict(other.items())

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (RubyHash, (dict(self._data.items()),))


class _Globals(Mapping[str, Any]):
    """Root scope: standard attributes, then namespaces (wrapped), then the message state."""

    __slots__ = ("_data", "_misses", "_state", "_wrapped")

    def __init__(
        self, data: Mapping[str, Any], state: MessageState, misses: set[tuple[str | None, str]]
    ) -> None:
        self._data = data
        self._misses = misses
        self._state = state
        self._wrapped: dict[str, _Recording] = {}

    def __getitem__(self, key: str) -> Any:
        if key == STATE_KEY:
            return self._state
        if key in NAMESPACES and key not in self._data:
            value: Any = RubyHash()
        else:
            try:
                value = self._data[key]
            except KeyError:
                self._misses.add((None, key))
                raise
        if isinstance(value, Mapping) and key not in self._wrapped:
            self._wrapped[key] = _Recording(value, key, self._misses)
        return self._wrapped.get(key, value)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __bool__(self) -> bool:  # never "empty": RenderContext replaces a falsy globals
        return True

    def get(self, key: str, default: Any = None) -> Any:
        if key == STATE_KEY:
            return self._state
        return self._data.get(key, default)


def parse_template(source: str, name: str = "", *, lenient: bool = False) -> BrazeTemplate:
    """Parse Braze Liquid; each distinct template is parsed once per process, and a
    template that does not parse fails from the cache too (a copy of its error).

    `lenient`: an unknown filter passes its input through when rendering, as Ruby Liquid
    does in lax mode; a checker renders so to report what lies past such an error.
    """
    parsed = _parse_cached(source, name, lenient)
    if isinstance(parsed, TemplateError):
        raise copy.copy(parsed)
    return parsed


@lru_cache(maxsize=1024)
def _parse_cached(source: str, name: str, lenient: bool = False) -> BrazeTemplate | TemplateError:
    rewritten = rewrite(source)
    template = BrazeTemplate(source, name, rewritten, None, lenient=lenient)  # type: ignore[arg-type]
    try:
        template.bound = _bind(rewritten, name, lenient=lenient)
    except LiquidError as err:
        # python-liquid wraps a tag's non-syntax LiquidError in a position-less
        # "unexpected liquid parsing error"; the tag's own error says more.
        cause = err.__cause__
        return template.error(
            cause if isinstance(cause, LiquidError) else err, default_rule="liquid-syntax"
        )
    return template


def _bind(
    rewritten: Rewritten, name: str, *, traced: bool = False, lenient: bool = False
) -> BoundTemplate:
    """Parse rewritten text with a Braze environment, with the values Braze computes in
    tag markup (see `subexpressions`) and Ruby's operators (see `blank`)."""
    env = braze_environment(traced=traced, lenient=lenient)
    bound = env.from_string(rewritten.text, name=name)
    bind_subexpressions(bound.nodes, rewritten.subexpressions, env)
    rubify_expressions(bound.nodes)
    limit_nodes(bound.nodes)
    return bound


def braze_environment(*, traced: bool = False, lenient: bool = False) -> BrazeEnvironment:
    """One environment (of each kind) per process: python-liquid caches its lexer and
    parser on it. Its tags parse content blocks with `parse_template`, as fields are."""
    return _environment(traced, lenient)


@lru_cache(maxsize=4)
def _environment(traced: bool, lenient: bool) -> BrazeEnvironment:
    return BrazeEnvironment(parser=parse_template, traced=traced, lenient=lenient)


#: The rest of a tag or output: up to its closing `}}` or `%}`.
_MARKUP_REST = re.compile(r"(?:[^}%]|\}(?!\})|%(?!\}))*")
_DEFAULT_FILTER = re.compile(r"\|\s*default\b")


def _defaulted(source: str, attr: Attribute) -> bool:
    """Whether a `default` filter follows the atom in its output or tag: the expression
    then renders the default, not blank, when the attribute is missing."""
    rest = _MARKUP_REST.match(source, attr.end)
    return rest is not None and _DEFAULT_FILTER.search(rest.group()) is not None
