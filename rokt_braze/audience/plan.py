"""Render only what varies per user: a webhook specialised for an audience run.

Most of a webhook is the same for every user: the stock Rokt body captures eight constant
values and writes forty lines of JSON around two `${...}` outputs; the Authorization header
reads nothing from the profile at all. A `MessagePlan` renders the message once for a first
user with every top-level statement of every field watched, and sorts the statements:

* **static** - it read no profile data and no variable a per-user statement may have set,
  and it uses only statements with no hidden state (no `increment`, `cycle`, `for`...). Its
  behaviour is then the same for every user, so what it did - the text it wrote, the
  variables it set, the connected_content calls it made - is recorded once and replayed;
* **dynamic** - everything else; it renders for every user, as before.

Why a single watched render is enough: a static statement's inputs are the outputs of the
static statements before it, so by induction they are equal for all users, and a statement
that reads equal inputs does the same thing. Reads are watched at the render context's scope
(every name lookup passes it), so nothing a statement reads goes unseen; what a dynamic
statement may assign is taken from its syntax (python-liquid's `template_scope`), and a
statement of a kind not known here counts as able to assign anything. A recorded
connected_content call is replayed only when no per-user statement before it (in the whole
message) could have made a call, so the shared call cache is the same as when it was
recorded. The one input that is not the user's is the clock: a static `'now'` is the time of
the recording, as if the whole audience were rendered at one instant.

A field that fails to render for the probing user (an abort, an error) is not specialised;
the next user probes again, a few times, and then the plain render is used for good.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from io import StringIO
from typing import TextIO

from liquid import BoundTemplate, RenderContext
from liquid.ast import BlockNode, ConditionalBlockNode, Node
from liquid.builtin.content import ContentNode
from liquid.builtin.output import OutputNode
from liquid.builtin.tags.assign_tag import AssignNode
from liquid.builtin.tags.capture_tag import CaptureNode
from liquid.builtin.tags.case_tag import CaseNode, MultiExpressionBlockNode
from liquid.builtin.tags.comment_tag import CommentNode
from liquid.builtin.tags.for_tag import ForNode
from liquid.builtin.tags.if_tag import IfNode
from liquid.builtin.tags.liquid_tag import LiquidNode
from liquid.builtin.tags.unless_tag import UnlessNode

from rokt_braze.audience.compiled import CompiledTemplate, Fallback, StaticRun, compile_template
from rokt_braze.braze import BrazeTemplate, MessageState, Rendered, Resources, parse_template
from rokt_braze.braze.state import CallRecord, message_state
from rokt_braze.braze.tags.abort_message import AbortMessageNode
from rokt_braze.braze.tags.connected_content import ConnectedContentNode
from rokt_braze.connected import CallResponse
from rokt_braze.errors import MessageAborted, TemplateError
from rokt_braze.request import RenderedRequest
from rokt_braze.webhook import Field, RenderResult, Webhook
from rokt_braze.webhook.render import SpecialisedFields, put_field

__all__ = ["MessagePlan"]

#: Statements whose every effect is visible to the probe: output, locals, control flow.
_PURE = (ContentNode, CommentNode, AssignNode, CaptureNode, BlockNode, ConditionalBlockNode,
         IfNode, UnlessNode, CaseNode, MultiExpressionBlockNode, LiquidNode, AbortMessageNode)
#: May render per user but keep no hidden state; their assigns are in `template_scope`.
_SCOPED = (*_PURE, ForNode)
_PROBE_ATTEMPTS = 8

CallKey = tuple[str, str, str]


@dataclass
class _Call:
    """A connected_content call a static statement made, to make again on replay."""

    record: CallRecord  # as made, its index still in the rewritten source
    key: CallKey
    response: CallResponse
    cached: bool  # its answer went into the message's cache
    hit: bool = False  # it was answered from the cache, so nothing was sent
    hit_record: CallRecord | None = None  # `record.cache_hit()`, made on first use


@dataclass
class _Watch:
    """What one top-level statement did during the probe."""

    text: str = ""
    reads: list[tuple[str, bool]] = field(default_factory=list)  # (name, was a local)
    writes: dict[str, object] = field(default_factory=dict)
    calls: list[_Call] = field(default_factory=list)
    state_touched: bool = False  # something other than calls changed in the message state


class _ScopeWatch(Mapping[str, object]):
    """Sits at the front of the render context's scope: notes each name looked up, and
    whether a local answered it, then lets the lookup go on."""

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        self.current: _Watch | None = None

    def _note(self, key: object) -> None:
        if self.current is not None and isinstance(key, str):
            self.current.reads.append((key, key in self.context.locals))

    def __getitem__(self, key: str) -> object:
        self._note(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class _Probe(Node):
    """Renders one top-level statement and records what it did."""

    __slots__ = ("inner", "scope", "watches")

    def __init__(self, inner: Node, watches: list[_Watch], scope: list[_ScopeWatch]) -> None:
        super().__init__(inner.token)
        self.inner = inner
        self.watches = watches
        self.scope = scope  # one shared per field render: [] until the first statement

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        if not self.scope:
            self.scope.append(_ScopeWatch(context))
            context.scope.push(self.scope[0])
        watch = _Watch()
        self.scope[0].current = watch
        self.watches.append(watch)
        state = message_state(context)
        before_locals = dict(context.locals)
        before_calls = len(state.calls)
        before_cache = set(state.call_cache)
        before_answers = set(state.answers)
        before_extras = dict(state.extras)
        sub = StringIO()
        try:
            self.inner.render(context, sub)
        finally:
            self.scope[0].current = None
        watch.text = sub.getvalue()
        watch.writes = {k: v for k, v in context.locals.items()
                        if k not in before_locals or before_locals[k] is not v}
        new_calls = state.calls[before_calls:]
        new_keys = iter([k for k in state.answers if k not in before_answers])
        sent = sum(not record.cached for record in new_calls)
        if len(state.answers) - len(before_answers) == sent:  # pair calls with answers
            for record in new_calls:
                if record.cached:  # a cache hit: replayed as a hit, nothing to pair
                    hit = (record.method, record.url, record.request_body or "")
                    watch.calls.append(_Call(replace(record), hit, state.call_cache[hit],
                                             cached=True, hit=True))
                    continue
                key = next(new_keys)
                watch.calls.append(_Call(replace(record), key, state.answers[key],
                                         key in state.call_cache and key not in before_cache))
        else:  # an answer we cannot pair with its call: do not replay this statement
            watch.state_touched = True
        watch.state_touched = watch.state_touched or state.extras != before_extras
        return buffer.write(watch.text)


@dataclass
class _ConstantTemplate(BrazeTemplate):
    """A field every user renders alike: its text and calls, replayed with no Liquid."""

    replay: _Replay | None = None
    #: the replay's calls, their records already placed in the original source
    _placed: list[_Call] | None = field(default=None, repr=False)
    #: what every render returns: the same text, nothing missing, and for a traced
    #: render (its origins) a state holding the same call answers
    _rendered: Rendered | None = field(default=None, repr=False)

    def render(
        self, namespaces: Mapping[str, object], state: MessageState | None = None
    ) -> Rendered:
        if state is None:
            state = MessageState(Resources())
        if self._placed is None:
            index = self.rewritten.original_index  # as `BrazeTemplate.render` maps them
            self._placed = [
                replace(call, record=replace(call.record, index=index(call.record.index)))
                for call in (self.replay.calls if self.replay is not None else [])]
        if self._placed:
            # no Liquid maps these records in place: every user's state may share them
            _replay_calls(self._placed, state, fresh=False)
        if self._rendered is None:
            # the field reads nothing from the user, so the user's namespaces do not matter
            own = MessageState(state.resources)
            _replay_calls(self._placed, own, fresh=False)
            self._rendered = Rendered(self.replay.text if self.replay is not None else "", [],
                                      self, {}, own)
        return self._rendered


class _Replay(StaticRun):
    """A run of static statements: their text, assigns and calls, done again."""

    __slots__ = ()

    def __init__(self, first: Node, watches: list[_Watch]) -> None:
        super().__init__(first.token)
        self.text = "".join(w.text for w in watches)
        self.writes: dict[str, object] = {}
        for w in watches:
            self.writes.update(w.writes)
        self.calls = [call for w in watches for call in w.calls]
        self.blank = not self.text.strip()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        if context.env.local_namespace_limit:
            for name, value in self.writes.items():
                context.assign(name, value)
        else:  # what `assign` does when there is no size limit, in one step
            context.locals.update(self.writes)
        if self.calls:
            _replay_calls(self.calls, message_state(context))
        return buffer.write(self.text)


def _replay_calls(calls: list[_Call], state: MessageState, *, fresh: bool = True) -> None:
    """What `connected_content` would do to the state, given the answer it got before.

    `fresh`: append a copy of each record (a Liquid render maps their index in place)."""
    for call in calls:
        if call.hit:
            record = call.record
        elif call.cached and call.key in state.call_cache:  # served from the cache
            if call.hit_record is None:
                call.hit_record = call.record.cache_hit()
            record = call.hit_record
        else:
            record = call.record
            state.answers[call.key] = call.response
            if call.cached:
                state.call_cache[call.key] = call.response
        state.calls.append(_copy(record) if fresh else record)


def _copy(record: CallRecord) -> CallRecord:
    """A shallow copy, as `copy.copy` makes it, without its generic machinery."""
    out = object.__new__(CallRecord)
    out.__dict__.update(record.__dict__)
    return out


@dataclass
class _Kinds:
    """What the syntax of a statement says it may do."""

    writes: frozenset[str] | None  # None: anything
    calls: bool  # may make connected_content calls (or touch other shared state)
    static_ok: bool  # its effects are all visible to the probe


def _kinds(node: Node, context: RenderContext) -> _Kinds:
    names: set[str] = set()
    calls = False
    static_ok = True
    unknown = False
    for sub in _walk(node, context):
        if isinstance(sub, ConnectedContentNode):
            calls = True
            unknown = True  # its :save name may itself be a template
            # :rerender renders the answer as a template: statements the probe cannot vet
            static_ok = static_ok and "rerender" not in sub.markup.options
        elif isinstance(sub, OutputNode):
            if getattr(sub, "block", None) is not None:  # a content block: a whole template
                calls = unknown = True
                static_ok = False
        elif isinstance(sub, _SCOPED):
            names.update(str(ident) for ident in sub.template_scope())
            static_ok = static_ok and isinstance(sub, _PURE)
        else:
            calls = unknown = True
            static_ok = False
    return _Kinds(None if unknown else frozenset(names), calls, static_ok)


def _walk(node: Node, context: RenderContext) -> Iterator[Node]:
    yield node
    for child in _children(node, context):
        yield from _walk(child, context)


def _children(node: Node, context: RenderContext) -> Iterable[Node]:
    try:
        return list(node.children(context, include_partials=False))
    except Exception:  # a node that cannot list its children is treated as opaque
        return [_Opaque(node.token)]


class _Opaque(Node):
    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:  # pragma: no cover
        return 0


class MessagePlan:
    """The webhook's fields, specialised once a probe render has succeeded.

    Use `templates()` per user: None while there is no plan yet (render normally), else the
    field name -> specialised template mapping for `render_message(..., templates=...)`.
    """

    def __init__(self, webhook: Webhook, resources: Resources, *, compile: bool = True) -> None:
        self.webhook = webhook
        self.resources = resources
        self._templates: dict[str, BrazeTemplate] | None = None
        self._attempts = _PROBE_ATTEMPTS
        #: per field: (static statements, all statements), for tests and the bench
        self.stats: dict[str, tuple[int, int]] = {}
        #: field renders: compiled, fallen back to the interpreter (and why), interpreted
        self.counts: Counter[str] = Counter()
        #: False: the per-user statements run in the interpreter (the tests' reference)
        self.compile = compile
        self._interpreted: list[str] = []  # fields with per-user statements, not compiled

    def templates(self, namespaces: Mapping[str, object]) -> dict[str, BrazeTemplate] | None:
        if self._templates is None and self._attempts > 0:
            self._attempts -= 1
            self._templates = self._probe(namespaces)
        if self._templates is None:
            self.counts["interpreted: no plan"] += 1
        for name in self._interpreted:
            self.counts[f"interpreted: {name}"] += 1
        return self._templates

    def _probe(self, namespaces: Mapping[str, object]) -> dict[str, BrazeTemplate] | None:
        state = MessageState(self.resources)
        watched: list[tuple[str, BrazeTemplate, list[_Watch]]] = []
        for fld in self.webhook.fields():
            watches: list[_Watch] = []
            scope: list[_ScopeWatch] = []
            try:
                template = parse_template(fld.source, name=f"{self.webhook.path}:{fld.name}")
                probe = copy.copy(template.bound)
                probe.nodes = [_Probe(node, watches, scope) for node in template.bound.nodes]
                replace(template, bound=probe).render(dict(namespaces), state)
            except (TemplateError, MessageAborted):
                return None
            if len(watches) != len(template.bound.nodes):  # stopped early (StopRender)
                return None
            watched.append((fld.name, template, watches))
        out: dict[str, BrazeTemplate] = {}
        calls_before = False  # could a per-user statement already have made a call?
        for name, template, watches in watched:
            nodes, calls_before, static = _specialise(template.bound, watches, calls_before)
            out[name] = _specialised(template, nodes)
            if not isinstance(out[name], _ConstantTemplate):
                if self.compile:
                    out[name] = compile_template(out[name], self.counts, self.resources.limits)
                if not isinstance(out[name], CompiledTemplate):
                    self._interpreted.append(name)
            self.stats[name] = (static, len(watches))
        if all(isinstance(t, (_ConstantTemplate, CompiledTemplate)) for t in out.values()):
            return _WholeMessage(self.webhook, out, self.resources, self.counts)
        return out


class _WholeMessage(SpecialisedFields):
    """Fields that are each constant or compiled: the message renders with no message
    state. The constant fields' text, output and calls are the same for every user (their
    calls as every user's fresh state replays them, so worked out once); the compiled
    fields make no calls and read no state. A compiled field that falls back sends the
    whole message to the field-by-field render, which counts the fallback."""

    def __init__(self, webhook: Webhook, templates: dict[str, BrazeTemplate],
                 resources: Resources, counts: Counter[str]) -> None:
        super().__init__(templates)
        self.method = webhook.method.source
        self.resources = resources
        self.counts = counts
        #: the state the compiled fields' outputs trace with: they make no calls
        self.trace_state = MessageState(resources)
        state = MessageState(resources)  # what each user's state would be, calls and all
        #: (field, template, its output when constant)
        self.fields: list[tuple[Field, CompiledTemplate | None, Rendered | None]] = []
        self.calls: list[tuple[Field, CallRecord]] = []
        for fld in webhook.fields():
            template = templates[fld.name]
            if isinstance(template, CompiledTemplate):
                self.fields.append((fld, template, None))
                continue
            before = len(state.calls)
            self.fields.append((fld, None, template.render({}, state)))
            self.calls += [(fld, call) for call in state.calls[before:]]
        self.compiled = [t for _, t, _ in self.fields if t is not None]

    def render_whole(self, namespaces: Mapping[str, object]) -> RenderResult | None:
        texts: list[tuple[str, set[tuple[str | None, str]]]] = []
        for compiled in self.compiled:
            misses: set[tuple[str | None, str]] = set()
            try:
                texts.append((compiled.run(namespaces, misses), misses))
            except Fallback:
                return None
        self.counts["compiled"] += len(texts)
        request = RenderedRequest(self.method, "", {}, "")
        result = RenderResult(request, calls=list(self.calls))
        outputs = result.rendered
        done = iter(texts)
        for fld, template, rendered in self.fields:
            if template is not None:
                text, misses = next(done)
                missing = template.missing(misses, MessageState(self.resources)) if misses else []
                if missing:
                    result.missing += [(fld, attr) for attr in missing]
                rendered = Rendered(text, missing, template, namespaces, self.trace_state)
            assert rendered is not None
            outputs[fld.name] = rendered
            put_field(request, fld.name, rendered.text)
        return result


def _specialised(template: BrazeTemplate, nodes: list[Node]) -> BrazeTemplate:
    replays = [node for node in nodes if isinstance(node, _Replay)]
    if len(replays) == len(nodes) <= 1:
        init = {f.name: getattr(template, f.name) for f in fields(template) if f.init}
        return _ConstantTemplate(**init, replay=replays[0] if replays else None)
    bound = copy.copy(template.bound)
    bound.nodes = nodes
    return replace(template, bound=bound)


def _specialise(
    bound: BoundTemplate, watches: list[_Watch], calls_before: bool
) -> tuple[list[Node], bool, int]:
    """The field's statements with each run of static ones replaced by one `_Replay`."""
    context = RenderContext(bound)
    dynamic_writes: set[str] | None = set()  # None: a per-user statement may set anything
    out: list[Node] = []
    run: list[tuple[Node, _Watch]] = []
    static_count = 0

    def flush() -> None:
        if run:
            out.append(_Replay(run[0][0], [w for _, w in run]))
            run.clear()

    for node, watch in zip(bound.nodes, watches, strict=True):
        kinds = _kinds(node, context)
        static = (
            kinds.static_ok
            and not watch.state_touched
            and not (kinds.calls and calls_before)
            and all(local and (dynamic_writes is not None and name not in dynamic_writes)
                    for name, local in watch.reads)
        )
        if static:
            static_count += 1
            run.append((node, watch))
            if dynamic_writes is not None:
                dynamic_writes -= set(watch.writes)  # set for sure, to the same value
            continue
        flush()
        out.append(node)
        calls_before = calls_before or kinds.calls or bool(watch.calls)
        if kinds.writes is None or dynamic_writes is None:
            dynamic_writes = None
        else:
            dynamic_writes |= kinds.writes
    flush()
    return out, calls_before, static_count

